import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { Principal } from '../access/principal';
import type { CheckoutView } from '../../workflows/checkout.contract';
import { voidCheckoutWorkflow, voidWorkflowId, type VoidCheckoutInput } from '../../workflows/void-checkout.workflow';
import type { AfterSale, RecordedSale } from './after-sale';
import { answerByDeadline, answerDeadline } from './answer-by-deadline';
import type { CheckoutSagaClientOptions } from './checkout-saga.client';
import { SagaRefusal } from './saga-refusal';

export interface VoidAnswer {
  view: CheckoutView;
  currency: string;
  /** Still running when the caller stopped waiting (a vendor retried forward): the API's 202, poll GET. */
  pending: boolean;
}

/**
 * Voids a completed checkout: starts voidCheckoutWorkflow (id `void:<checkoutId>`) and waits for its
 * answer. The workflow id is the idempotency key: a running void is re-attached to, a closed one
 * never runs again and its result is the answer. Refusals are SagaRefusals (not-found, invalid-state).
 */
export class CheckoutVoidClient {
  constructor(
    private readonly temporal: Client,
    private readonly afterSale: AfterSale,
    private readonly options: CheckoutSagaClientOptions,
  ) {}

  async void(caller: Principal, checkoutId: string): Promise<VoidAnswer> {
    const sale = await this.afterSale.saleFor(caller, checkoutId, 'void');
    const handle = this.temporal.workflow.getHandle<typeof voidCheckoutWorkflow>(voidWorkflowId(checkoutId));
    const deadline = answerDeadline(this.options);
    if (sale.state === 'voided') {
      // Voided before: the first void's answer (the projection holds the same view).
      try {
        return await this.answerBy(handle, sale, deadline);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { view: sale.view, currency: sale.currency, pending: false };
        throw err;
      }
    }
    if (sale.state !== 'completed') {
      throw new SagaRefusal('invalid-state', 'void', checkoutId, `only a completed checkout can be voided; the checkout is ${sale.state}`);
    }
    const input: VoidCheckoutInput = await this.afterSale.startFrom(sale, 'void');
    try {
      await this.temporal.workflow.start(voidCheckoutWorkflow, {
        workflowId: voidWorkflowId(checkoutId),
        taskQueue: this.options.taskQueue,
        args: [input],
        // A running void is the same void: attach to it. A closed one never runs again.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      // Closed already (the projection had not moved yet): its result is the answer.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return this.answerBy(handle, sale, deadline);
  }

  /** The void's result, or at the deadline the projection's view so far (pending). */
  private async answerBy(handle: WorkflowHandle<typeof voidCheckoutWorkflow>, sale: RecordedSale, deadline: number): Promise<VoidAnswer> {
    const view = await answerByDeadline(handle.result(), deadline);
    return { view: view ?? sale.view, currency: sale.currency, pending: !view };
  }
}
