import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { ListCallbacksQueryDto } from './dto/callback-events.dto';
import { CallbackEventsService } from './callback-events.service';

/** The callback outbox for ops (README "Callbacks"): failed deliveries and their redelivery. */
@ApiTags('ops')
@Controller('v1/ops/callbacks')
export class CallbackEventsController {
  constructor(private readonly events: CallbackEventsService) {}

  @Get()
  @Roles('ops')
  @ApiOperation({ summary: 'Callback events of the merchant, newest first (200): delivery state, attempts, last status and reason' })
  @ApiOkResponse({ description: '{ callbacks: [{ eventId, checkoutId, store, till, state, status, attempts, lastHttpStatus, lastError, occurredAt, nextAttemptAt, deliveredAt }] }' })
  @ApiBadRequestResponse({ description: 'problem+json naming state' })
  list(@Query() query: ListCallbacksQueryDto, @Caller() caller: Principal) {
    return this.events.list(query, caller);
  }

  @Post(':eventId/redeliver')
  @Roles('ops')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a delivered or failed event again with fresh attempts (audited); the receiver gets the same event id' })
  @ApiParam({ name: 'eventId', format: 'uuid' })
  @ApiAcceptedResponse({ description: 'Queued: the event as it now is' })
  @ApiBadRequestResponse({ description: 'problem+json naming eventId' })
  @ApiNotFoundResponse({ description: 'No such event for this merchant' })
  @ApiConflictResponse({ description: 'The event is already waiting for delivery' })
  redeliver(@Param('eventId') eventId: string, @Caller() caller: Principal) {
    return this.events.redeliver(eventId, caller);
  }
}
