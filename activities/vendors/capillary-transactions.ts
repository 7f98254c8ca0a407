import { formatMinorUnits } from '../../core/money/money';
import type { CustomerIdentifier, SaleReturn, SaleTransaction } from './capabilities';
import type { CapillaryClient } from './capillary-client';
import type { CapillaryCustomers } from './capillary-customers';
import {
  CODES,
  VENDOR,
  capillaryDate,
  capillaryTime,
  expectItem,
  failure,
  obj,
  str,
  v11Items,
  v11Request,
  type Item,
  type Json,
} from './capillary-envelope';
import { identifierValue, isCard, requireKey } from './capillary-identifiers';
import { recordRecoveredEffect, type VendorCallContext } from './vendor-call';
import { vendorUnavailable } from './vendor-errors';
import type { VendorResponse } from './vendor-http';

/**
 * Bills and their returns (v1.1 transaction/add). A retried bill is looked up by its number first
 * (transaction/get), and the number being unique across the org, a 604 still names our bill should
 * one land between the lookup and the send; a partial return has no such key and is found by bill_client_id.
 */
export class CapillaryTransactions {
  constructor(
    private readonly client: CapillaryClient,
    private readonly customers: CapillaryCustomers,
  ) {}

  async addTransaction(ctx: VendorCallContext, asked: SaleTransaction): Promise<{ transactionId: string; duplicate: boolean }> {
    const sale = await this.withDocumentedCustomer(ctx, asked);
    const key = sale.customer ? requireKey(sale.customer) : undefined;
    // 604 (duplicate bill) is our own earlier bill only if an earlier try may have sent it.
    const mayHaveBeenSent = await ctx.effectMayHaveBeenSent(VENDOR, 'transaction.add');
    const type = sale.customer ? 'REGULAR' : 'NOT_INTERESTED';
    if (mayHaveBeenSent) {
      // Look the bill up before sending it again: a re-send refused with 604 is still a second send.
      const id = str((await this.findTransactions(ctx, ctx.reference, type))[0]?.id);
      if (id) {
        await recordRecoveredEffect(ctx, { vendor: VENDOR, operation: 'transaction.add', foundBy: 'transaction.get', vendorReference: id, amountMinor: sale.amountMinor });
        return { transactionId: id, duplicate: true };
      }
    }
    const ours = (c: number) => c === 600 || c === 687 || (mayHaveBeenSent && c === CODES.duplicateBill);
    const redemptions = {
      ...(sale.pointsRedemptionIds?.length && { points_redemptions: { id: sale.pointsRedemptionIds } }),
      ...(sale.couponRedemptionIds?.length && { coupon_redemptions: { id: sale.couponRedemptionIds } }),
    };
    const res = await this.client.call<Json>(ctx, {
      operation: 'transaction.add',
      method: 'POST',
      path: '/v1.1/transaction/add',
      body: {
        root: {
          transaction: [
            {
              type: sale.customer ? 'regular' : 'not_interested',
              number: ctx.reference,
              amount: formatMinorUnits(sale.amountMinor, ctx.currency),
              gross_amount: formatMinorUnits(sale.grossAmountMinor, ctx.currency),
              discount: formatMinorUnits(sale.discountMinor, ctx.currency),
              currency_code: ctx.currency,
              billing_time: capillaryTime(sale.billingTime, ctx.storeProfile?.timeZone),
              ...(sale.customer && key && { customer: { [key]: identifierValue(sale.customer) } }),
              line_items: { line_item: lineItems(sale.lines, ctx.currency) },
              ...(Object.keys(redemptions).length > 0 && { redemptions }),
            },
          ],
        },
      },
    }, (r) => {
      const item = transactionItem(r, 'transaction.add', ours);
      // 604 on a retry is our own earlier bill: it counts as the bill's row only if that attempt's row was lost.
      const recoveredBy = item.status.code === CODES.duplicateBill ? 'transaction.add: 604 duplicate bill' : undefined;
      return { vendorReference: str(item.data.id) ?? null, amountMinor: sale.amountMinor, recoveredBy };
    });
    const item = transactionItem(res, 'transaction.add', ours);
    if (item.status.code === CODES.duplicateBill) {
      const earlier = await this.findTransactions(ctx, ctx.reference, type);
      const id = str(earlier[0]?.id);
      if (!id) throw failure(item.status.code, item.status.message, 'transaction.add', res);
      return { transactionId: id, duplicate: true };
    }
    const id = str(item.data.id);
    if (!id) throw vendorUnavailable(VENDOR, 'transaction.add: answer without transaction id');
    return { transactionId: id, duplicate: false };
  }

  async returnTransaction(ctx: VendorCallContext, asked: SaleReturn): Promise<{ transactionId: string | null; alreadyReturned: boolean }> {
    const sale = await this.withDocumentedCustomer(ctx, await this.asBilledNow(ctx, asked));
    const key = sale.customer ? requireKey(sale.customer) : undefined;
    // A partial return (AMOUNT, LINE_ITEM) sent twice returns twice: find ours by bill_client_id first.
    if (await ctx.effectMayHaveBeenSent(VENDOR, 'transaction.return')) {
      const returns = await this.findTransactions(ctx, sale.originalBillNumber, sale.customer ? 'RETURN' : 'NOT_INTERESTED_RETURN');
      const earlier = returns.find((t) => str(t.bill_client_id) === ctx.reference);
      const id = str(earlier?.id);
      if (id) {
        await recordRecoveredEffect(ctx, { vendor: VENDOR, operation: 'transaction.return', foundBy: 'transaction.get', vendorReference: id, amountMinor: sale.amountMinor });
        return { transactionId: id, alreadyReturned: false };
      }
    }
    const ours = (c: number) => c === 600 || c === 687 || CODES.alreadyReturned.has(c);
    const res = await this.client.call<Json>(ctx, {
      operation: 'transaction.return',
      method: 'POST',
      path: '/v1.1/transaction/add',
      body: {
        root: {
          transaction: [
            {
              type: sale.customer ? 'RETURN' : 'NOT_INTERESTED_RETURN',
              return_type: sale.returnType,
              number: sale.originalBillNumber,
              bill_client_id: ctx.reference,
              purchase_time: capillaryDate(sale.originalBillingTime, ctx.storeProfile?.timeZone),
              billing_time: capillaryTime(sale.billingTime, ctx.storeProfile?.timeZone),
              amount: formatMinorUnits(sale.amountMinor, ctx.currency),
              currency_code: ctx.currency,
              ...(sale.customer && key && { customer: { [key]: identifierValue(sale.customer) } }),
              ...(sale.lines?.length && { line_items: { line_item: lineItems(sale.lines, ctx.currency) } }),
            },
          ],
        },
      },
    }, (r) => {
      const item = transactionItem(r, 'transaction.return', ours);
      return { vendorReference: str(item.data.id) ?? null, amountMinor: sale.amountMinor };
    });
    const item = transactionItem(res, 'transaction.return', ours);
    if (CODES.alreadyReturned.has(item.status.code)) return { transactionId: null, alreadyReturned: true };
    return { transactionId: str(item.data.id) ?? null, alreadyReturned: false };
  }

  /**
   * A bill the sale billed `not_interested` may have been retro-tagged since (transaction/update), by
   * a tagging this service recorded or by one whose answer was lost: what Capillary holds decides, read
   * when the return runs. A regular bill of that number (transaction/get `type=REGULAR`) is returned as
   * a RETURN of its customer (named by the `mobile`, else `email`, else `external_id` the documented
   * transaction/get sample shows); none, and it is returned as NOT_INTERESTED_RETURN, as billed.
   */
  private async asBilledNow(ctx: VendorCallContext, sale: SaleReturn): Promise<SaleReturn> {
    if (sale.customer) return sale;
    const regular = (await this.findTransactions(ctx, sale.originalBillNumber, 'REGULAR'))[0];
    const customer = obj(regular?.customer);
    const mobile = str(customer?.mobile);
    const email = str(customer?.email);
    const externalId = str(customer?.external_id);
    const identifier: CustomerIdentifier | undefined = mobile
      ? { type: 'phone', value: mobile }
      : email
        ? { type: 'email', value: email }
        : externalId
          ? { type: 'externalId', value: externalId }
          : undefined;
    return identifier ? { ...sale, customer: identifier } : sale;
  }

  /** A bill's customer named by card is named as transaction/add documents it (mobile, e-mail or external id). */
  private async withDocumentedCustomer<S extends { customer?: CustomerIdentifier }>(ctx: VendorCallContext, sale: S): Promise<S> {
    return sale.customer && isCard(sale.customer) ? { ...sale, customer: await this.customers.documented(ctx, sale.customer) } : sale;
  }

  /** transaction/get by bill number and type: the bills found (none when Capillary knows no such bill). */
  async findTransactions(ctx: VendorCallContext, number: string, type: string): Promise<Json[]> {
    const found = (c: number) => c === 600 || CODES.transactionNotFound.has(c);
    const res = await this.client.call<Json>(ctx, {
      operation: 'transaction.get',
      method: 'GET',
      path: '/v1.1/transaction/get',
      query: { number, type },
    }, (r) => (transactionItems(r, found), {}));
    return transactionItems(res, found)
      .filter((i) => i.status.code === 600)
      .map((i) => i.data);
  }
}

function transactionItem(res: VendorResponse<unknown>, operation: string, ok: (code: number) => boolean): Item {
  return expectItem(v11Items(v11Request(res, operation), ['transactions', 'transaction']), operation, res, ok);
}

function transactionItems(res: VendorResponse<unknown>, ok: (code: number) => boolean): Item[] {
  const items = v11Items(v11Request(res, 'transaction.get'), ['transactions', 'transaction']);
  expectItem(items, 'transaction.get', res, ok);
  return items;
}

function lineItems(lines: SaleTransaction['lines'], currency: string) {
  return lines.map((line, i) => ({
    serial: String(i + 1),
    item_code: line.sku,
    ...(line.description && { description: line.description }),
    qty: String(line.quantity),
    // rate is the unit price; sent only when the total divides exactly, never rounded.
    ...(line.quantity > 0 && line.totalMinor % line.quantity === 0 && { rate: formatMinorUnits(line.totalMinor / line.quantity, currency) }),
    value: formatMinorUnits(line.totalMinor, currency),
    amount: formatMinorUnits(line.totalMinor, currency),
  }));
}
