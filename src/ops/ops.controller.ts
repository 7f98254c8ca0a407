import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { ListSagasQueryDto } from './dto/list-sagas.dto';
import { OpsService } from './ops.service';

@ApiTags('ops')
@Controller('v1/ops/sagas')
export class OpsController {
  constructor(private readonly ops: OpsService) {}

  @Get()
  @Roles('ops')
  @ApiOperation({ summary: 'Checkout sagas through Temporal visibility (search attributes), newest first' })
  @ApiOkResponse({ description: '{ query, sagas: [{ checkoutId, runId, status, state, store, till, vendors, failingStep, startTime, closeTime }] }' })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid filter' })
  list(@Query() query: ListSagasQueryDto, @Caller() caller: Principal) {
    return this.ops.list(query, caller);
  }

  @Get(':id')
  @Roles('ops')
  @ApiOperation({ summary: 'One saga: state, steps with attempts and last failure, compensations, vendor references, ops actions' })
  @ApiNotFoundResponse({ description: 'No such saga for this merchant' })
  detail(@Param('id') id: string, @Caller() caller: Principal) {
    return this.ops.detail(id, caller);
  }

  @Post(':id/retry')
  @Roles('ops')
  @HttpCode(200)
  @ApiOperation({ summary: 'compensation_failed: run the failed undos again; a step stuck in retries: retry it now. Audited.' })
  @ApiOkResponse({ description: '{ action: retry_compensation, state, view } or { action: reset_activity, activities }' })
  @ApiConflictResponse({ description: 'Nothing to retry (closed, or no failing step); the refusal is audited too' })
  @ApiNotFoundResponse({ description: 'No such saga for this merchant' })
  retry(@Param('id') id: string, @Caller() caller: Principal) {
    return this.ops.retry(id, caller);
  }

  @Post(':id/cancel')
  @Roles('ops')
  @HttpCode(202)
  @ApiOperation({ summary: 'Request cancellation: a live saga undoes its effects; one in compensation_failed closes as it is. Audited.' })
  @ApiConflictResponse({ description: 'The saga is already closed' })
  @ApiNotFoundResponse({ description: 'No such saga for this merchant' })
  cancel(@Param('id') id: string, @Caller() caller: Principal) {
    return this.ops.cancel(id, caller);
  }
}
