import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { stringify } from 'safe-stable-stringify';
import type { Principal } from '../access/principal';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { invalidFields, ProblemException } from '../common/problem';
import {
  ReturnFailureTypes,
  returnCheckout,
  returnsWorkflowId,
  returnUpdateId,
  type CheckoutReturnsInput,
  type ReturnAnswer,
  type ReturnRequest,
} from '../../workflows/checkout-returns.contract';
import { checkoutReturnsWorkflow } from '../../workflows/checkout-returns.workflow';
import { AfterSale } from '../../core/checkouts/after-sale';
import { minorUnits } from './checkout.mapper';
import type { ReturnCheckoutDto } from './dto/return-checkout.dto';

/** States a return may be asked in; `returned` too, so a retried return of the last part gets its answer. */
const RETURNABLE_STATES = ['completed', 'partially_returned', 'returned'];

export interface ReturnOutcome {
  answer?: ReturnAnswer;
  currency: string;
  /** Still running when the API stopped waiting (a vendor retried forward): 202, poll GET the checkout. */
  pending: boolean;
}

/**
 * POST /v1/checkouts/{id}/returns: an Update-with-Start of the checkout's returns workflow
 * (`returns:<checkoutId>`), update id = the return reference and the body's hash. Refusals come from
 * the workflow, which alone knows what is left once earlier and concurrent returns are counted.
 */
@Injectable()
export class CheckoutReturnsService {
  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(AfterSale) private readonly afterSale: AfterSale,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async return(checkoutId: string, dto: ReturnCheckoutDto, caller: Principal): Promise<ReturnOutcome> {
    const row = await this.afterSale.saleFor(caller, checkoutId, 'return');
    const request = toReturnRequest(dto, row.currency);
    if (!RETURNABLE_STATES.includes(row.state)) {
      throw new ProblemException({
        type: '/problems/invalid-checkout-state',
        title: 'The checkout cannot be returned',
        status: 409,
        detail: `only a completed checkout can be returned; the checkout is ${row.state}`,
        checkoutId,
      });
    }
    const input: CheckoutReturnsInput = await this.afterSale.startFrom(row);
    const start = new WithStartWorkflowOperation(checkoutReturnsWorkflow, {
      workflowId: returnsWorkflowId(checkoutId),
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      // The running returns workflow takes every return of the checkout; an ended one (idle, or all
      // returned) is followed by a new run that starts from the projection's returns.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    const deadline = Date.now() + this.config.CHECKOUT_ANSWER_TIMEOUT_MS;
    try {
      const update = await this.temporal.workflow.startUpdateWithStart(returnCheckout, {
        startWorkflowOperation: start,
        updateId: returnUpdateId(request.returnReference, request.requestHash),
        args: [request],
        waitForStage: 'ACCEPTED',
      });
      const result = update.result();
      let timer: NodeJS.Timeout | undefined;
      const answer = await Promise.race([
        result,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
        }),
      ]).finally(() => clearTimeout(timer));
      if (!answer) result.catch(() => undefined); // settled later by the workflow itself
      return { ...(answer && { answer }), currency: row.currency, pending: !answer };
    } catch (err) {
      throw problemOf(err, checkoutId);
    }
  }
}

/** Exactly one of `lines` and `amount`, in minor units; the body's hash tells a retry from another return. */
function toReturnRequest(dto: ReturnCheckoutDto, currency: string): ReturnRequest {
  const errors: Array<{ field: string; message: string }> = [];
  if (dto.lines !== undefined && dto.amount !== undefined) errors.push({ field: 'amount', message: 'give either lines or amount, not both' });
  if (dto.lines === undefined && dto.amount === undefined) errors.push({ field: 'lines', message: 'give the returned lines or an amount' });
  const amountMinor = dto.amount === undefined ? undefined : minorUnits(errors, 'amount', dto.amount, currency);
  if (amountMinor === 0 && !errors.some((e) => e.field === 'amount')) errors.push({ field: 'amount', message: 'must be more than zero' });
  const lines = dto.lines?.map((l, i) => ({ sku: l.sku, quantity: l.quantity, totalMinor: minorUnits(errors, `lines[${i}].totalAmount`, l.totalAmount, currency) }));
  if (errors.length > 0) throw invalidFields(errors);
  const requestHash = createHash('sha256').update(stringify({ lines: dto.lines, amount: dto.amount }) ?? '').digest('hex');
  return { returnReference: dto.returnReference, requestHash, ...(lines ? { lines } : { amountMinor }) };
}

function problemOf(err: unknown, checkoutId: string): unknown {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return err;
  if (cause.type === ReturnFailureTypes.refused) {
    const errors = ((cause.details?.[0] ?? {}) as { errors?: Array<{ field: string; message: string }> }).errors ?? [];
    return new ProblemException({
      type: '/problems/return-refused',
      title: 'The return does not fit what is left of the sale',
      status: 422,
      detail: cause.message,
      errors,
      checkoutId,
    });
  }
  if (cause.type === ReturnFailureTypes.conflict) {
    return new ProblemException({ type: '/problems/idempotency-conflict', title: 'This return reference was already used for another return', status: 409, detail: cause.message, checkoutId });
  }
  if (cause.type === ReturnFailureTypes.invalidState) {
    return new ProblemException({ type: '/problems/invalid-checkout-state', title: 'The checkout cannot be returned', status: 409, detail: cause.message, checkoutId });
  }
  return err;
}
