import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { Principal } from '../access/principal';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ProblemException } from '../common/problem';
import type { CheckoutView } from '../../workflows/checkout.contract';
import { voidCheckoutWorkflow, voidWorkflowId, type VoidCheckoutInput } from '../../workflows/void-checkout.workflow';
import { AfterSale, type RecordedSale } from '../../core/checkouts/after-sale';

export interface VoidAnswer {
  view: CheckoutView;
  currency: string;
  /** Still running when the API stopped waiting (a vendor retried forward): 202, poll GET. */
  pending: boolean;
}

/**
 * POST /v1/checkouts/{id}/void: starts voidCheckoutWorkflow (id `void:<checkoutId>`) for a completed
 * checkout and waits for its answer. The workflow id is the idempotency key: a running void is
 * re-attached to, a closed one never runs again and its result is the answer.
 */
@Injectable()
export class CheckoutVoidService {
  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(AfterSale) private readonly afterSale: AfterSale,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async void(checkoutId: string, caller: Principal): Promise<VoidAnswer> {
    const row = await this.afterSale.saleFor(caller, checkoutId, 'void');
    const handle = this.temporal.workflow.getHandle<typeof voidCheckoutWorkflow>(voidWorkflowId(checkoutId));
    const deadline = Date.now() + this.config.CHECKOUT_ANSWER_TIMEOUT_MS;
    if (row.state === 'voided') {
      // Voided before: the first void's answer (the projection holds the same view).
      try {
        return await this.answerBy(handle, row, deadline);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { view: row.view, currency: row.currency, pending: false };
        throw err;
      }
    }
    if (row.state !== 'completed') {
      throw new ProblemException({
        type: '/problems/invalid-checkout-state',
        title: 'The checkout cannot void now',
        status: 409,
        detail: `only a completed checkout can be voided; the checkout is ${row.state}`,
        checkoutId,
      });
    }
    const input: VoidCheckoutInput = await this.afterSale.startFrom(row);
    try {
      await this.temporal.workflow.start(voidCheckoutWorkflow, {
        workflowId: voidWorkflowId(checkoutId),
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        // A running void is the same void: attach to it. A closed one never runs again.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      // Closed already (the projection had not moved yet): its result is the answer.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return this.answerBy(handle, row, deadline);
  }

  /** The void's result, or at the deadline the projection's view so far (202). */
  private async answerBy(handle: WorkflowHandle<typeof voidCheckoutWorkflow>, row: RecordedSale, deadline: number): Promise<VoidAnswer> {
    const result = handle.result();
    let timer: NodeJS.Timeout | undefined;
    const view = await Promise.race([
      result,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
      }),
    ]).finally(() => clearTimeout(timer));
    if (view) return { view, currency: row.currency, pending: false };
    result.catch(() => undefined); // settled later by the void itself
    return { view: row.view, currency: row.currency, pending: true };
  }
}
