import { formatMinorUnits } from '../../core/money/money';
import type { CouponLookup, CouponRedemption, CouponSale, CustomerIdentifier } from './capabilities';
import { couponValue } from './capillary-amounts';
import type { CapillaryClient } from './capillary-client';
import type { CapillaryCustomers } from './capillary-customers';
import {
  CODES,
  VENDOR,
  bool,
  dig,
  expectItem,
  obj,
  reasonFor,
  str,
  v11Items,
  v11Request,
  v2Check,
  verdictItem,
  type Item,
  type Json,
} from './capillary-envelope';
import { identifierValue, requireKey, unsupportedIdentifier, v11Key } from './capillary-identifiers';
import { recordRecoveredEffect, type VendorCallContext } from './vendor-call';
import { isRejection, rejectionDetails, vendorRejection, vendorUnavailable } from './vendor-errors';
import type { VendorResponse } from './vendor-http';

/**
 * Coupons: look up, redeem on a bill, reactivate. Capillary checks and redeems a coupon against its
 * customer, so every call needs one; there is no hold.
 */
export class CapillaryCoupons {
  constructor(
    private readonly client: CapillaryClient,
    private readonly customers: CapillaryCustomers,
  ) {}

  async lookUp(ctx: VendorCallContext, code: string, asked?: CustomerIdentifier, billAmountMinor?: number): Promise<CouponLookup> {
    if (!asked) {
      return { code, redeemable: false, refusal: { code: 'CUSTOMER_REQUIRED', reason: 'Capillary checks a coupon against its customer: identify the customer first' } };
    }
    const customer = await this.customers.documented(ctx, asked);
    const key = v11Key(customer);
    if (!key) return { code, redeemable: false, refusal: unsupportedIdentifier(customer) };
    const res = await this.client.call<Json>(ctx, {
      operation: 'coupon.isredeemable',
      method: 'GET',
      path: '/v1.1/coupon/isredeemable',
      query: { code, details: 'true', [key]: identifierValue(customer) },
    }, (r) => (couponCheck(r), {}));
    const { data, status } = couponCheck(res);
    const series = obj(data.series_info) ?? {};
    const expiresAt = str(series.valid_till);
    if (bool(data.is_redeemable) && status.code === 700) {
      const valueMinor = couponValue(data, series, ctx.currency, billAmountMinor);
      return { code, redeemable: true, ...(valueMinor !== undefined && { valueMinor }), ...(expiresAt && { expiresAt }) };
    }
    return { code, redeemable: false, ...(expiresAt && { expiresAt }), refusal: { code: String(status.code), reason: reasonFor(status.code, status.message) } };
  }

  /** Capillary has no hold: a coupon stays redeemable by anyone until redeemed. */
  hold(_ctx: VendorCallContext, _code: string): Promise<{ held: boolean }> {
    return Promise.resolve({ held: false });
  }

  release(_ctx: VendorCallContext, _code: string): Promise<void> {
    return Promise.resolve();
  }

  async redeem(ctx: VendorCallContext, code: string, sale: CouponSale): Promise<CouponRedemption> {
    if (!sale.customer) throw vendorRejection({ vendor: VENDOR, code: 'CUSTOMER_REQUIRED', reason: 'Capillary redeems a coupon for its customer only' });
    const customer = await this.customers.documented(ctx, sale.customer);
    const key = requireKey(customer);
    const bill = billNumber(ctx, code);
    // vendors.md §2, Idempotency: "single-use coupons protect themselves (second try gives 711/716) ...
    // Multi-use coupons (`redemptions_left` −1 or > 1) can be double-redeemed." An earlier try (a retry,
    // an activity reset) whose reply was lost may have redeemed on this bill already: find it in the
    // customer's coupon history before redeeming again, never by sending it a second time.
    const mayHaveBeenSent = await ctx.effectMayHaveBeenSent(VENDOR, 'coupon.redeem');
    if (mayHaveBeenSent) {
      const earlier = await this.recovered(ctx, customer, key, code, bill);
      if (earlier) return earlier;
    }
    let res: VendorResponse<Json>;
    try {
      res = await this.client.call<Json>(ctx, {
        operation: 'coupon.redeem',
        method: 'POST',
        path: '/v1.1/coupon/redeem',
        body: {
          root: {
            coupon: [
              {
                code,
                customer: { [key]: identifierValue(customer) },
                ...(sale.validationCode && { validation_code: sale.validationCode }),
                transaction: [{ number: bill, amount: formatMinorUnits(sale.billAmountMinor, ctx.currency) }],
              },
            ],
          },
        },
      }, (r) => ({ vendorReference: str(couponRedeemItem(r).data.redemptionId) ?? null }));
    } catch (err) {
      // Not in the history a moment ago, yet "already redeemed": the earlier try's redemption may have
      // landed in between (its request outlived our timeout). Ours only if the history now shows it on our bill.
      if (mayHaveBeenSent && isRejection(err) && CODES.couponAlreadyRedeemed.has(Number(rejectionDetails(err)?.code))) {
        const earlier = await this.recovered(ctx, customer, key, code, bill);
        if (earlier) return earlier;
      }
      throw err;
    }
    const redemptionId = str(couponRedeemItem(res).data.redemptionId);
    if (!redemptionId) throw vendorUnavailable(VENDOR, 'coupon.redeem: answer without redemptionId');
    return { code, redemptionId, compensable: true };
  }

  /**
   * The coupon's redemption on our bill in the customer's coupon history, audited as the redemption's
   * own row should the attempt that redeemed it have lost its row.
   */
  private async recovered(ctx: VendorCallContext, customer: CustomerIdentifier, key: string, code: string, bill: string): Promise<CouponRedemption | undefined> {
    const redemptionId = await this.findCouponRedemption(ctx, customer, key, code, bill);
    if (!redemptionId) return undefined;
    await recordRecoveredEffect(ctx, { vendor: VENDOR, operation: 'coupon.redeem', foundBy: 'customer.redemptions.coupons', vendorReference: redemptionId });
    return { code, redemptionId, compensable: true };
  }

  async reinstate(ctx: VendorCallContext, redemption: CouponRedemption): Promise<{ alreadyReinstated: boolean }> {
    const id = redemption.redemptionId;
    if (!id) throw vendorRejection({ vendor: VENDOR, code: 'NO_REDEMPTION_ID', reason: 'Capillary reactivates a coupon by its redemption id only' });
    try {
      await this.client.call<Json>(ctx, {
        operation: 'coupon.reactivate',
        method: 'POST',
        path: '/v2/coupon/reactivate',
        body: { redemptionIds: [/^\d{1,15}$/.test(id) ? Number(id) : id] },
      }, (r) => (v2Check(r, 'coupon.reactivate'), { vendorReference: id }));
      return { alreadyReinstated: false };
    } catch (err) {
      // Capillary documents no "already reactivated" code: ask the coupon itself whether it is redeemed.
      if (!isRejection(err) || rejectionDetails(err)?.code === '401') throw err;
      if (await this.couponIsRedeemed(ctx, redemption.code)) throw err;
      return { alreadyReinstated: true };
    }
  }

  private async findCouponRedemption(ctx: VendorCallContext, customer: CustomerIdentifier, key: string, code: string, bill: string): Promise<string | undefined> {
    const rows = await this.customers.redemptions(ctx, customer, key, 'coupons');
    const row = rows.find((c) => str(c.code)?.toUpperCase() === code.toUpperCase() && str(c.transaction_number) === bill);
    return str(row?.id);
  }

  private async couponIsRedeemed(ctx: VendorCallContext, code: string): Promise<boolean> {
    const known = (c: number) => c === 700 || CODES.couponUnknown.has(c);
    const res = await this.client.call<Json>(ctx, {
      operation: 'coupon.get',
      method: 'GET',
      path: '/v1.1/coupon/get',
      query: { code },
    }, (r) => (couponItem(r, known), {}));
    const item = couponItem(res, known);
    return item.status.code === 700 && bool(dig(item.data, 'redemption_info', 'redeemed'));
  }
}

/**
 * Capillary ties a coupon to the bill it was redeemed on. Coupon steps carry `<bill>:<code>` as their
 * reference (one reference per coupon); the bill number is that reference without the code.
 */
function billNumber(ctx: VendorCallContext, code: string): string {
  const suffix = `:${code}`;
  return ctx.reference.endsWith(suffix) ? ctx.reference.slice(0, -suffix.length) : ctx.reference;
}

function couponCheck(res: VendorResponse<unknown>): Item {
  return verdictItem(v11Request(res, 'coupon.isredeemable'), ['coupons', 'redeemable'], 700, 'coupon.isredeemable', res);
}

function couponRedeemItem(res: VendorResponse<unknown>): Item {
  return expectItem(v11Items(v11Request(res, 'coupon.redeem'), ['coupons', 'coupon']), 'coupon.redeem', res, (c) => c === 700);
}

function couponItem(res: VendorResponse<unknown>, ok: (code: number) => boolean): Item {
  return expectItem(v11Items(v11Request(res, 'coupon.get'), ['coupons', 'coupon']), 'coupon.get', res, ok);
}
