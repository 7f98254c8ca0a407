import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
  type ApiResponseOptions,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { decoratorStack } from '../common/decorator-stack';
import { ShedWhenOverloaded } from '../admission/admission.interceptor';
import { toApiMoney } from '../common/money-view';
import { CheckoutVoidClient } from '../../core/checkouts/checkout-void.client';
import { MIN_TILL_BUDGET_MS, TILL_BUDGET_HEADER } from '../../core/checkouts/till-budget';
import { CheckoutReturnsService } from './checkout-returns.service';
import { CheckoutsService, type CheckoutAnswer } from './checkouts.service';
import { CheckoutViewDto } from './dto/checkout-response.dto';
import { CreateCheckoutDto } from './dto/create-checkout.dto';
import { CommitCheckoutDto, CompleteCheckoutDto } from './dto/phase-requests.dto';
import { ReturnCheckoutDto } from './dto/return-checkout.dto';

const NOT_FOUND = "No such checkout for this key (another merchant's or store's checkout is not found either)";

const BAD_REQUEST = 'problem+json naming each invalid field (`body` for an unreadable one); nothing was started';
const STILL_RUNNING = ApiAcceptedResponse({ type: CheckoutViewDto, description: 'Still running after the answer timeout: poll GET /v1/checkouts/{id}' });
/** What the reserve and commit phases answer besides their own status: a vendor's refusal, or its failure undone. */
const REFUSED_OR_FAILED = [
  ApiUnprocessableEntityResponse({ type: CheckoutViewDto, description: 'A vendor refused the checkout; `rejection.reason` is for the cashier' }),
  ApiBadGatewayResponse({ type: CheckoutViewDto, description: 'A vendor kept failing; every effect was undone (`failureReason`, `compensations`)' }),
];

/** The till's time budget for this call (README "A till's time budget"). */
function TillBudgetHeader() {
  return ApiHeader({
    name: 'Till-Budget-Ms',
    required: false,
    description: `How long the till waits for this answer, in ms (${MIN_TILL_BUDGET_MS} to CHECKOUT_ANSWER_TIMEOUT_MS; default: the merchant's, else TILL_BUDGET_<PHASE>_MS). A vendor that has not answered in time is left out and named in \`unavailable\`; after payment the answer is 202 and the saga finishes.`,
  });
}

/** A POS call on one checkout, POST /v1/checkouts/{id}/<action>: 200 with `ok`, 202 `stillRunning`, 404, 409 when the checkout's state does not allow it. */
function CheckoutAction(action: string, summary: string, ok: ApiResponseOptions, conflict: string, stillRunning = STILL_RUNNING) {
  return decoratorStack(
    Post(`:id/${action}`),
    Roles('pos'),
    ApiOperation({ summary }),
    HttpCode(200),
    ApiOkResponse(ok),
    stillRunning,
    ApiBadRequestResponse({ description: BAD_REQUEST }),
    ApiNotFoundResponse({ description: NOT_FOUND }),
    ApiConflictResponse({ description: conflict }),
  );
}

@ApiTags('checkouts')
@Controller('v1/checkouts')
export class CheckoutsController {
  constructor(
    private readonly checkouts: CheckoutsService,
    private readonly voids: CheckoutVoidClient,
    private readonly returns: CheckoutReturnsService,
  ) {}

  @Post()
  @Roles('pos')
  @ApiOperation({ summary: 'Start a checkout and reserve (quote), or run all three phases with "complete": true' })
  @ApiCreatedResponse({ type: CheckoutViewDto, description: 'Reserved (the quote), or completed (the receipt) with "complete": true' })
  @ApiConflictResponse({ description: 'The checkout key was already used for a different request' })
  @ApiBadRequestResponse({ description: BAD_REQUEST })
  @STILL_RUNNING
  @decoratorStack(...REFUSED_OR_FAILED)
  @ShedWhenOverloaded('checkout')
  @TillBudgetHeader()
  async create(@Body() dto: CreateCheckoutDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response, @Headers(TILL_BUDGET_HEADER) budget?: string) {
    const answer = await this.checkouts.create(dto, caller, budget);
    res.setHeader('Idempotent-Replayed', String(answer.replayed));
    return send(res, answer, 201);
  }

  @CheckoutAction('commit', 'Commit: the CRM.COM purchase with the wallet spend, the points checked at reserve applied', { type: CheckoutViewDto, description: 'Committed: the discounts to apply and the amount due' }, 'The checkout is not reserved (already committed, cancelled, expired…), or committed with another spend')
  @decoratorStack(...REFUSED_OR_FAILED)
  @TillBudgetHeader()
  async commit(@Param('id') id: string, @Body() dto: CommitCheckoutDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response, @Headers(TILL_BUDGET_HEADER) budget?: string) {
    return send(res, await this.checkouts.commit(id, dto, caller, budget), 200);
  }

  @CheckoutAction('complete', 'Complete after payment: Capillary bill and redemptions, CMC, Coupontools validation', { type: CheckoutViewDto, description: 'Completed: the receipt block' }, 'The checkout is not committed')
  @TillBudgetHeader()
  async complete(@Param('id') id: string, @Body() dto: CompleteCheckoutDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response, @Headers(TILL_BUDGET_HEADER) budget?: string) {
    return send(res, await this.checkouts.complete(id, dto, caller, budget), 200);
  }

  @CheckoutAction('cancel', 'Cancel: undo everything done so far, newest first', { type: CheckoutViewDto, description: 'Cancelled: every hold released and effect undone' }, 'The checkout is already completed or ended')
  async cancel(@Param('id') id: string, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response) {
    return send(res, await this.checkouts.cancel(id, caller), 200);
  }

  @CheckoutAction(
    'void',
    'Void a completed checkout: every effect undone that has an undo',
    { type: CheckoutViewDto, description: 'Voided: every effect undone; `void` lists exceptions and non-compensable effects. Voiding again answers the same' },
    'The checkout is not completed',
  )
  async void(@Param('id') id: string, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response) {
    return send(res, await this.voids.void(caller, id), 200);
  }

  @CheckoutAction(
    'returns',
    'A partial return of a completed checkout',
    { description: 'The return made: `return` with the refund, the shares reversed, references and exceptions. The same returnReference and body again answers the same' },
    'The checkout is not completed (voided…), or the returnReference was used for another body',
    ApiAcceptedResponse({ description: 'Still running after the answer timeout: `{ checkoutId, pending: true }`; the same request again answers with the return once it is made' }),
  )
  @ApiUnprocessableEntityResponse({ description: 'Beyond what is left of the sale, or a line not sold: problem+json naming the field; nothing was sent to any vendor' })
  async return(@Param('id') id: string, @Body() dto: ReturnCheckoutDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response) {
    const outcome = await this.returns.return(id, dto, caller);
    res.status(outcome.pending ? 202 : 200);
    return toApiMoney(outcome.answer ?? { checkoutId: id, pending: true }, outcome.currency);
  }

  @Get(':id')
  @Roles('pos', 'ops', 'finance')
  @ApiOperation({ summary: "The checkout's current view" })
  @ApiOkResponse({ type: CheckoutViewDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async findOne(@Param('id') id: string, @Caller() caller: Principal) {
    const { view, currency } = await this.checkouts.findOne(id, caller);
    return toApiMoney(view, currency);
  }
}

/** 422 refused, 502 failed and undone, 202 still running, else the call's own status (a void is never refused or failed). */
function send(res: Response, answer: Pick<CheckoutAnswer, 'view' | 'currency' | 'pending'> & Partial<CheckoutAnswer>, status: number) {
  res.status(answer.rejected ? 422 : answer.failed ? 502 : answer.pending ? 202 : status);
  return toApiMoney(answer.view, answer.currency);
}
