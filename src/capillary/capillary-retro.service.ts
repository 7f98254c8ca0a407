import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { TAGGED_TO_ANOTHER_CUSTOMER } from '../../workflows/capillary-retro.contract';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import { readRetroTagging, workflowStatus } from '../../core/checkouts/capillary-retro-tag.reader';
import { returnsWorkflowId } from '../../workflows/checkout-returns.contract';
import { voidWorkflowId } from '../../workflows/void-checkout.workflow';
import { readCheckoutInput } from '../../core/checkouts/checkout-input.reader';
import { CheckoutsRepository } from '../../core/checkouts/checkouts.repository';
import type { AppConfig } from '../../core/config/app-config';
import { retroTagWorkflowId, type RetroTagInput, type RetroTagOutcome } from '../../workflows/capillary-retro.contract';
import { capillaryRetroTagWorkflow } from '../../workflows/capillary-retro.workflow';
import type { CheckoutRef } from '../../workflows/checkout.contract';
import type { Principal } from '../access/principal';
import { capillaryIdentifierValue } from '../../core/customers/capillary-identifier-value';
import { CAPILLARY_IDENTIFIERS } from '../checkouts/checkout.mapper';
import { invalidFields } from '../common/problem';
import { APP_CONFIG } from '../config/config.module';
import { capillaryRequest, customerNotFound, problem } from './capillary-request.problems';
import type { TagCapillaryCustomerDto } from './dto/tag-capillary-customer.dto';

export interface RetroTagAnswer {
  checkoutId: string;
  capillaryBill: { number: string; transactionId: string; type: 'regular' };
}

/**
 * Retro-tagging a completed checkout's `not_interested` Capillary bill (capillary-retro.workflow.ts).
 * Idempotent: the same customer again answers the same (the workflow's result, or the bill found
 * regular by the lookup every try starts with); another customer is a 409.
 */
@Injectable()
export class CapillaryRetroService {
  constructor(
    @Inject(Client) private readonly temporal: Client,
    @Inject(CheckoutsRepository) private readonly checkouts: CheckoutsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CustomerRefHasher) private readonly customers: CustomerRefHasher,
  ) {}

  async tag(checkoutId: string, dto: TagCapillaryCustomerDto, caller: Principal): Promise<RetroTagAnswer> {
    if (!CAPILLARY_IDENTIFIERS.includes(dto.identifier.type)) {
      throw invalidFields([{ field: 'identifier.type', message: `must be one of ${CAPILLARY_IDENTIFIERS.join(', ')} for a Capillary customer` }]);
    }
    const sale = await this.checkouts.findVisibleTo(caller, checkoutId);
    if (!sale?.view) throw problem(404, '/problems/not-found', 'No such checkout', `checkout ${checkoutId} does not exist`);
    const customer = { type: dto.identifier.type, value: dto.identifier.value };
    // "The same customer" as Capillary is asked for them: the phone as the adapter sends it (+91…, 91…
    // and 91 … are one customer). The raw spelling's digest too, for runs recorded before.
    const customerDigest = this.customers.refOf({ type: customer.type, value: capillaryIdentifierValue(customer) });
    const sameCustomer = new Set([customerDigest, this.customers.refOf(customer)]);
    // A closed tagging that tagged the bill answers every later request.
    const earlier = await readRetroTagging(this.temporal, checkoutId);
    if (earlier) return answerOf(checkoutId, earlier.outcome, sameCustomer);

    if (sale.state !== 'completed') throw problem(409, '/problems/invalid-state', 'The checkout is not completed', `only a completed checkout's bill can be tagged; the checkout is ${sale.state}`);
    const transactionId = sale.view.receipt?.references.capillaryTransactionId;
    const input = await readCheckoutInput(this.temporal, checkoutId);
    if (!transactionId || !input) throw problem(409, '/problems/no-capillary-bill', 'The checkout has no Capillary bill to tag', `checkout ${checkoutId} was not billed at Capillary`);
    if (input.points?.customer ?? input.capillaryBill?.customer) {
      throw problem(409, '/problems/already-regular', 'The Capillary bill already has its customer', 'the bill was a regular bill of the customer the sale named');
    }
    await this.refuseAfterVoidOrReturn(checkoutId);
    const ref: CheckoutRef = {
      checkoutId,
      merchant: sale.merchant,
      store: sale.store,
      till: sale.till,
      posReference: sale.posReference,
      currency: sale.currency,
      ...(input.capillaryBillNumber && { capillaryBillNumber: input.capillaryBillNumber }),
    };
    return answerOf(checkoutId, await this.run({ ref, transactionId, customer, customerDigest }), sameCustomer);
  }

  /**
   * A void or a return of the checkout, running or ended, orders the bill's story before any tagging:
   * it returns (or is returning) the bill as `not_interested`, and the returns workflow keeps the sale
   * as it read it when it started. Tagging after it would earn points on goods given back, or make the
   * next return send the wrong kind of return. Refused, 409 naming the state.
   */
  private async refuseAfterVoidOrReturn(checkoutId: string): Promise<void> {
    for (const [what, workflowId] of [['void', voidWorkflowId(checkoutId)], ['return', returnsWorkflowId(checkoutId)]] as const) {
      const status = await workflowStatus(this.temporal, workflowId);
      if (status === undefined) continue;
      const state = status === 'RUNNING' ? `a ${what} of the checkout is running` : `the checkout has a ${what} (${status.toLowerCase()})`;
      throw problem(409, '/problems/invalid-state', 'The checkout has been voided or returned', `${state}: its not_interested bill is no longer tagged to a customer`);
    }
  }

  /** Runs (or joins) the tagging; one refused before (retro off then) may run again. */
  private run(input: RetroTagInput): Promise<RetroTagOutcome> {
    return capillaryRequest(() =>
      this.temporal.workflow.execute(capillaryRetroTagWorkflow, {
        workflowId: retroTagWorkflowId(input.ref.checkoutId),
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [input],
      }),
    );
  }
}

function answerOf(checkoutId: string, outcome: RetroTagOutcome, sameCustomer: ReadonlySet<string>): RetroTagAnswer {
  if (outcome.outcome === 'tagged') {
    if (!sameCustomer.has(outcome.customerDigest)) {
      throw problem(409, '/problems/tagged-to-another-customer', 'The bill is already tagged to another customer', 'the bill was tagged to another customer by an earlier request', 'identifier');
    }
    return { checkoutId, capillaryBill: { number: outcome.billNumber, transactionId: outcome.transactionId, type: 'regular' } };
  }
  const { refusal } = outcome;
  const notFound = customerNotFound(refusal);
  if (notFound) throw notFound;
  if (refusal.code === TAGGED_TO_ANOTHER_CUSTOMER) throw problem(409, '/problems/tagged-to-another-customer', 'The bill is already tagged to another customer', refusal.reason, 'identifier', refusal);
  // Retro off (CONF_RETRO_TRANSACTION_ENABLE), the bill older than CONF_CLIENT_RETRO_MAX_ALLOWED_AGE_DAYS, …
  throw problem(422, '/problems/vendor-refused', 'Capillary refused to tag the bill', `${refusal.code}: ${refusal.reason}`, undefined, refusal);
}

