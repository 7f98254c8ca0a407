import type { Client } from '@temporalio/client';
import type { Principal } from '../access/principal';
import type { CheckoutInput, CheckoutRef, CheckoutView, OriginalSale } from '../../workflows/checkout.contract';
import type { Checkout } from './checkout.entity';
import { readRetroTagging, workflowStatus } from './capillary-retro-tag.reader';
import { retroTagWorkflowId } from '../../workflows/capillary-retro.contract';
import { readCheckoutInput } from './checkout-input.reader';
import type { CheckoutsRepository } from './checkouts.repository';
import { SagaRefusal } from './saga-refusal';

/** A checkout the caller may see, whose saga has recorded its view: what a void or a return starts from. */
export type RecordedSale = Checkout & { view: CheckoutView };

/** What the void and the returns workflows both start from (VoidCheckoutInput, CheckoutReturnsInput). */
export interface AfterSaleStart {
  ref: CheckoutRef;
  view: CheckoutView;
  /** Absent when the checkout's own history is gone. */
  original?: OriginalSale;
}

/**
 * The one after-sale path of the void and the returns: the same sale row and the same account of the
 * original sale for both, so they cannot drift apart again (the returns once lost the Capillary
 * customer of a batch sale's bill, which the void kept).
 */
export class AfterSale {
  constructor(
    private readonly temporal: Client,
    private readonly checkouts: CheckoutsRepository,
  ) {}

  /** The sale, or a not-found refusal: also outside the caller's scope, or before its saga recorded a view. */
  async saleFor(caller: Principal, checkoutId: string, action: 'void' | 'return'): Promise<RecordedSale> {
    const row = await this.checkouts.findVisibleTo(caller, checkoutId);
    if (!row?.view) throw new SagaRefusal('not-found', action, checkoutId, `checkout ${checkoutId} does not exist`);
    return row as RecordedSale;
  }

  /** The workflow's input: read only once the sale may be voided or returned, as it fetches a history. */
  async startFrom(sale: RecordedSale, action: 'void' | 'return'): Promise<AfterSaleStart> {
    await this.refuseWhileRetroTagUnsettled(sale.id, action);
    const input = await readCheckoutInput(this.temporal, sale.id);
    const ref: CheckoutRef = {
      checkoutId: sale.id,
      merchant: sale.merchant,
      store: sale.store,
      till: sale.till,
      posReference: sale.posReference,
      currency: sale.currency,
      // The bill number the saga billed under (sagas from before compact bill numbers carry none).
      ...(input?.capillaryBillNumber && { capillaryBillNumber: input.capillaryBillNumber }),
      // The store as the sale was made there (its zone, unit, outlet, CMC place), not as it is now.
      ...(input?.storeProfile && { storeProfile: input.storeProfile }),
    };
    const original = input && originalSaleOf(input);
    // A not_interested bill retro-tagged later is a regular bill of that customer: returned as such.
    if (original && !original.capillaryCustomer) {
      const tagged = (await readRetroTagging(this.temporal, sale.id))?.customer;
      if (tagged) original.capillaryCustomer = tagged;
    }
    return { ref, view: sale.view, ...(original && { original }) };
  }

  /**
   * A retro-tagging of the checkout (`capillary-retro:<checkoutId>`) that is running, or that ended
   * without an answer (failed, terminated, timed out: its tag may have landed at Capillary), leaves the
   * bill's type and customer unknown here: a void or return then would return it as the wrong kind of
   * bill. Refused (409 naming the state) until the tagging has ended with an answer; POSTing the
   * tagging again looks the bill up first, so it settles a tag that landed.
   */
  private async refuseWhileRetroTagUnsettled(checkoutId: string, action: 'void' | 'return'): Promise<void> {
    const status = await workflowStatus(this.temporal, retroTagWorkflowId(checkoutId));
    if (status === 'RUNNING') {
      throw new SagaRefusal('busy', action, checkoutId, 'a Capillary retro-tagging of the checkout is running (capillary-retro): its bill may be becoming a regular bill');
    }
    if (status !== undefined && status !== 'COMPLETED') {
      throw new SagaRefusal(
        'invalid-state',
        action,
        checkoutId,
        `the checkout's last Capillary retro-tagging ended ${status.toLowerCase()}, without an answer: its bill may be a regular bill now; tag it again (POST /v1/checkouts/{id}/capillary-customer), then ${action}`,
      );
    }
  }
}

/** The sale's time, lines and customers, which its view does not hold. */
export function originalSaleOf(input: CheckoutInput): OriginalSale {
  // The bill's customer: the points' (the saga prefers it), else the one a batch sale was billed under.
  const capillaryCustomer = input.points?.customer ?? input.capillaryBill?.customer;
  return {
    performedOn: input.performedOn,
    lines: input.lines,
    ...(capillaryCustomer && { capillaryCustomer }),
    ...(input.customer && { crmcomCustomer: input.customer.identifier }),
  };
}
