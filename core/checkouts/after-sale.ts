import type { Client } from '@temporalio/client';
import type { Principal } from '../access/principal';
import type { CheckoutInput, CheckoutRef, CheckoutView, OriginalSale } from '../../workflows/checkout.contract';
import type { Checkout } from './checkout.entity';
import { readRetroTagging } from './capillary-retro-tag.reader';
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
  async startFrom(sale: RecordedSale): Promise<AfterSaleStart> {
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
