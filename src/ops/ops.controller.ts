import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiAcceptedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { decoratorStack } from '../common/decorator-stack';
import { ListSagasQueryDto } from './dto/list-sagas.dto';
import { OpsService } from './ops.service';

/** A call on one saga (`{id}` is its checkout id), ops only; 404 for a saga of another merchant or none. */
function OnOneSaga(summary: string) {
  return decoratorStack(Roles('ops'), ApiOperation({ summary }), ApiNotFoundResponse({ description: 'No such saga for this merchant' }));
}

/** An audited action on one saga, POST `{id}/<action>`: `status`, or 409 (`conflict`) when the saga cannot take it now. */
function SagaAction(action: string, status: number, summary: string, conflict: string) {
  return decoratorStack(Post(`:id/${action}`), HttpCode(status), OnOneSaga(summary), ApiConflictResponse({ description: conflict }));
}

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
  @ApiOkResponse({ description: 'The saga: state, failingStep, failureReason, compensations, steps (attempts, last failure, next attempt), vendor references, ops actions' })
  @OnOneSaga('One saga: state, steps with attempts and last failure, compensations, vendor references, ops actions')
  detail(@Param('id') id: string, @Caller() caller: Principal) {
    return this.ops.detail(id, caller);
  }

  @SagaAction(
    'retry',
    200,
    'compensation_failed: run the failed undos again; a step stuck in retries: retry it now. Audited.',
    'Nothing to retry (closed, or no failing step); the refusal is audited too',
  )
  @ApiOkResponse({ description: '{ action: retry_compensation, state, view } or { action: reset_activity, activities }' })
  retry(@Param('id') id: string, @Caller() caller: Principal) {
    return this.ops.retry(id, caller);
  }

  @SagaAction('cancel', 202, 'Request cancellation: a live saga undoes its effects, unless its complete phase (after payment) has started, which then runs to completion; one in compensation_failed closes as it is. Audited.', 'The saga is already closed')
  @ApiAcceptedResponse({ description: 'Cancellation requested (audited); GET the saga to follow it' })
  cancel(@Param('id') id: string, @Caller() caller: Principal) {
    return this.ops.cancel(id, caller);
  }
}
