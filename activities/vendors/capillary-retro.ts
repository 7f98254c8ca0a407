import { TAGGED_TO_ANOTHER_CUSTOMER } from '../../workflows/capillary-retro.contract';
import type { CustomerIdentifier } from './capabilities';
import type { CapillaryClient } from './capillary-client';
import type { CapillaryCustomers } from './capillary-customers';
import { VENDOR, dig, expectItem, str, v11Items, v11Request, type Json } from './capillary-envelope';
import { identifierValue, requireKey } from './capillary-identifiers';
import type { CapillaryTransactions } from './capillary-transactions';
import { recordRecoveredEffect, type VendorCallContext } from './vendor-call';
import { vendorRejection, vendorUnavailable } from './vendor-errors';


/**
 * Retro-tagging a `not_interested` bill with the customer who identified later (the POS guide's
 * CONF_RETRO_TRANSACTION_ENABLE, "conversion of not-interested transactions to loyalty transactions").
 * The guide names no call: `POST v1.1/transaction/update` (the bill by `id` and `number`, `type:
 * regular`, the `customer`) is from Capillary's v1.1 API reference. No idempotency key: the bill is
 * looked up first (transaction/get `type=REGULAR`), every time, so a retry or a second request finds
 * a conversion already made instead of sending it again.
 */
export class CapillaryRetroTagging {
  constructor(
    private readonly client: CapillaryClient,
    private readonly customers: CapillaryCustomers,
    private readonly transactions: CapillaryTransactions,
  ) {}

  async tagBill(ctx: VendorCallContext, bill: { number: string; transactionId: string }, asked: CustomerIdentifier): Promise<{ transactionId: string; alreadyTagged: boolean }> {
    // An unknown customer is a rejection (1012) before anything is sent; a card is named the documented way.
    const customer = await this.customers.find(ctx, asked);
    const regular = (await this.transactions.findTransactions(ctx, bill.number, 'REGULAR')).find((t) => str(t.id) === bill.transactionId);
    if (regular) {
      if (str(dig(regular, 'customer', 'user_id')) !== customer.vendorCustomerId) {
        throw vendorRejection({ vendor: VENDOR, code: TAGGED_TO_ANOTHER_CUSTOMER, reason: 'The bill is already tagged to another customer' });
      }
      await recordRecoveredEffect(ctx, { vendor: VENDOR, operation: 'transaction.update', foundBy: 'transaction.get', vendorReference: bill.transactionId, amountMinor: null });
      return { transactionId: bill.transactionId, alreadyTagged: true };
    }
    const key = requireKey(customer.identifier);
    const res = await this.client.call<Json>(ctx, {
      operation: 'transaction.update',
      method: 'POST',
      path: '/v1.1/transaction/update',
      body: { root: { transaction: [{ id: bill.transactionId, number: bill.number, type: 'regular', customer: { [key]: identifierValue(customer.identifier) } }] } },
    }, (r) => ({ vendorReference: str(updated(r).data.id) ?? null }));
    const id = str(updated(res).data.id);
    if (!id) throw vendorUnavailable(VENDOR, 'transaction.update: answer without transaction id');
    return { transactionId: id, alreadyTagged: false };
  }
}

function updated(res: Parameters<typeof v11Request>[0]) {
  return expectItem(v11Items(v11Request(res, 'transaction.update'), ['transactions', 'transaction']), 'transaction.update', res, (c) => c === 600);
}
