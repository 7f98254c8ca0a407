import { type Client, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Principal } from '../access/principal';
import type { CheckoutState } from '../../workflows/checkout.contract';
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
import type { AfterSale } from './after-sale';
import { answerByDeadline, answerDeadline } from './answer-by-deadline';
import type { CheckoutSagaClientOptions } from './checkout-saga.client';
import { SagaRefusal } from './saga-refusal';

/** States a return may be asked in; `returned` too, so a retried return of the last part gets its answer. */
const RETURNABLE_STATES: readonly CheckoutState[] = ['completed', 'partially_returned', 'returned'];

export interface ReturnOutcome {
  answer?: ReturnAnswer;
  currency: string;
  /** Still running when the caller stopped waiting (a vendor retried forward): the API's 202, poll GET the checkout. */
  pending: boolean;
}

/**
 * Partial returns of a completed checkout: an Update-with-Start of its returns workflow
 * (`returns:<checkoutId>`), update id = the return reference and the body's hash. Whether a return
 * fits is the workflow's to say, as it alone knows what is left once earlier and concurrent returns
 * are counted; its refusals come back as SagaRefusals (return-refused, return-conflict, invalid-state).
 */
export class CheckoutReturnsClient {
  constructor(
    private readonly temporal: Client,
    private readonly afterSale: AfterSale,
    private readonly options: CheckoutSagaClientOptions,
  ) {}

  /**
   * `requestIn` reads the caller's return in the sale's currency, which only the sale knows; it is
   * read before the sale's state is checked, and what it throws is the caller's own refusal.
   */
  async return(caller: Principal, checkoutId: string, requestIn: (currency: string) => ReturnRequest): Promise<ReturnOutcome> {
    const sale = await this.afterSale.saleFor(caller, checkoutId, 'return');
    const request = requestIn(sale.currency);
    if (!RETURNABLE_STATES.includes(sale.state)) {
      throw new SagaRefusal('invalid-state', 'return', checkoutId, `only a completed checkout can be returned; the checkout is ${sale.state}`);
    }
    const input: CheckoutReturnsInput = await this.afterSale.startFrom(sale, 'return');
    const start = new WithStartWorkflowOperation(checkoutReturnsWorkflow, {
      workflowId: returnsWorkflowId(checkoutId),
      taskQueue: this.options.taskQueue,
      args: [input],
      // The running returns workflow takes every return of the checkout; an ended one (idle, or all
      // returned) is followed by a new run that starts from the projection's returns.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    const deadline = answerDeadline(this.options);
    try {
      const update = await this.temporal.workflow.startUpdateWithStart(returnCheckout, {
        startWorkflowOperation: start,
        updateId: returnUpdateId(request.returnReference, request.requestHash),
        args: [request],
        waitForStage: 'ACCEPTED',
      });
      const answer = await answerByDeadline(update.result(), deadline);
      return { ...(answer && { answer }), currency: sale.currency, pending: !answer };
    } catch (err) {
      throw refusalOf(err, checkoutId);
    }
  }
}

/** The workflow's refusal of a return as a SagaRefusal; anything else as it came. */
function refusalOf(err: unknown, checkoutId: string): unknown {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return err;
  if (cause.type === ReturnFailureTypes.refused) {
    const errors = ((cause.details?.[0] ?? {}) as { errors?: Array<{ field: string; message: string }> }).errors ?? [];
    return new SagaRefusal('return-refused', 'return', checkoutId, cause.message, errors);
  }
  if (cause.type === ReturnFailureTypes.conflict) return new SagaRefusal('return-conflict', 'return', checkoutId, cause.message);
  if (cause.type === ReturnFailureTypes.invalidState) return new SagaRefusal('invalid-state', 'return', checkoutId, cause.message);
  return err;
}
