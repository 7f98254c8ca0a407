import type { CustomerIdentifier, PointsCheck, PointsCustomer, PointsRedemption } from './capabilities';
import { money, pointsValue } from './capillary-amounts';
import type { CapillaryClient } from './capillary-client';
import type { CapillaryCustomers } from './capillary-customers';
import {
  CODES,
  VENDOR,
  bool,
  capillaryTime,
  dig,
  expectItem,
  list,
  num,
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
import { identifierValue, isCard, requireKey, unsupportedIdentifier, v11Key, v2Type } from './capillary-identifiers';
import { recordRecoveredEffect, type VendorCallContext } from './vendor-call';
import { vendorRejection, vendorUnavailable } from './vendor-errors';
import type { VendorResponse } from './vendor-http';

/**
 * Points: check, redeem, find and reverse. Capillary does not deduplicate redemptions, so a retry
 * finds its earlier redemption by bill number (ctx.reference) in the customer's history first.
 */
export class CapillaryPoints {
  constructor(
    private readonly client: CapillaryClient,
    private readonly customers: CapillaryCustomers,
  ) {}

  async checkPoints(ctx: VendorCallContext, found: PointsCustomer, points: number, validationCode?: string): Promise<PointsCheck> {
    const customer = await this.documented(ctx, found);
    const key = v11Key(customer.identifier);
    if (!key) return { redeemable: false, points, valueMinor: 0, refusal: unsupportedIdentifier(customer.identifier) };
    const { redeemable, status } = await this.isRedeemable(ctx, customer.identifier, key, points, validationCode);
    if (bool(redeemable.is_redeemable) && status.code === 800) {
      return { redeemable: true, points, valueMinor: pointsValue(redeemable, points, ctx.currency) ?? 0 };
    }
    return { redeemable: false, points, valueMinor: 0, refusal: { code: String(status.code), reason: reasonFor(status.code, status.message) } };
  }

  async redeemPoints(ctx: VendorCallContext, found: PointsCustomer, points: number, validationCode?: string): Promise<PointsRedemption> {
    const customer = await this.documented(ctx, found);
    const key = requireKey(customer.identifier);
    // Capillary does not deduplicate redemptions: an earlier try (a retry, an activity reset) whose
    // reply was lost may have redeemed on this bill already, so find it before redeeming again.
    if (await ctx.effectMayHaveBeenSent(VENDOR, 'points.redeem')) {
      const earlier = await this.findPointsRedemption(ctx, customer.identifier, key);
      if (earlier) {
        const valueMinor = await this.priceOf(ctx, customer.identifier, key, earlier.points);
        if (valueMinor === undefined) throw vendorUnavailable(VENDOR, 'points.isredeemable: no points value to price the redemption found');
        await recordRecoveredEffect(ctx, {
          vendor: VENDOR,
          operation: 'points.redeem',
          foundBy: 'customer.redemptions.points',
          vendorReference: earlier.redemptionId,
          amountMinor: valueMinor,
        });
        return { ...earlier, valueMinor };
      }
    }
    const res = await this.client.call<Json>(ctx, {
      operation: 'points.redeem',
      method: 'POST',
      path: '/v1.1/points/redeem',
      query: this.validationQuery(validationCode),
      body: {
        root: {
          redeem: [
            {
              points_redeemed: points,
              customer: { [key]: identifierValue(customer.identifier) },
              ...(validationCode && { validation_code: validationCode }),
              transaction_number: ctx.reference,
              external_reference_number: ctx.reference,
              redemption_time: capillaryTime(new Date(), ctx.storeProfile?.timeZone),
            },
          ],
        },
      },
    }, (r) => {
      const item = redeemItem(r);
      return { vendorReference: str(item.data.redemption_id) ?? null, amountMinor: money(item.data.redeemed_value, ctx.currency) ?? null };
    });
    const data = redeemItem(res).data;
    const redemptionId = str(data.redemption_id);
    // Applied but unnamed: the retry's lookup will find it by bill number.
    if (!redemptionId) throw vendorUnavailable(VENDOR, 'points.redeem: answer without redemption_id');
    return {
      redemptionId,
      points: num(data.points_redeemed) ?? points,
      valueMinor: money(data.redeemed_value, ctx.currency) ?? (await this.priceOf(ctx, customer.identifier, key, points)) ?? 0,
      balanceAfter: num(data.balance),
    };
  }

  async findRedemption(ctx: VendorCallContext, found: PointsCustomer, points: number): Promise<PointsRedemption | undefined> {
    const customer = await this.documented(ctx, found);
    const key = requireKey(customer.identifier);
    const earlier = await this.findPointsRedemption(ctx, customer.identifier, key);
    if (!earlier) return undefined;
    const redeemed = earlier.points || points;
    // An undo needs the id and the points only: an unpriced redemption must not block it.
    return { ...earlier, points: redeemed, valueMinor: (await this.priceOf(ctx, customer.identifier, key, redeemed)) ?? 0 };
  }

  async reversePoints(ctx: VendorCallContext, found: PointsCustomer, redemption: PointsRedemption): Promise<{ alreadyReversed: boolean }> {
    const customer = await this.documented(ctx, found);
    const type = v2Type(customer.identifier);
    if (!type) throw vendorRejection({ vendor: VENDOR, ...unsupportedIdentifier(customer.identifier) });
    const accepted = new Set([...CODES.alreadyReversed, ...CODES.unknownRedemption]);
    const res = await this.client.call<Json>(ctx, {
      operation: 'points.reverse',
      method: 'POST',
      path: '/v2/points/reverse',
      body: {
        redemptionId: redemption.redemptionId,
        pointsToBeReversed: redemption.points,
        identifier: { type, value: identifierValue(customer.identifier) },
      },
    }, (r) => (v2Check(r, 'points.reverse', accepted) ? {} : { vendorReference: str(obj(r.body)?.reversalId) ?? null }));
    return { alreadyReversed: v2Check(res, 'points.reverse', accepted) !== undefined };
  }

  /** Sum of the reversals of one redemption, from the customer's redemption history. */
  async pointsReversed(ctx: VendorCallContext, found: PointsCustomer, redemptionId: string): Promise<number> {
    const customer = await this.documented(ctx, found);
    const key = requireKey(customer.identifier);
    const rows = await this.customers.redemptions(ctx, customer.identifier, key, 'points');
    const row = rows.find((p) => str(p.redemption_id) === redemptionId || str(p.id) === redemptionId);
    return list(row?.reversals).reduce((sum, r) => sum + (num(r.points_reversed) ?? 0), 0);
  }

  /**
   * vendors.md §2 points/redeem: "`validation_code` is mandatory unless `skip_validation=true`", with
   * `?validation_type=SMS`. Decided by the saga's input alone, as at isredeemable: the customer's code
   * when it carries one; else `skip_validation=true`, which the API chose when it started the saga (it
   * refuses a checkout without a code while CAPILLARY_VALIDATION_REQUIRED=true). Never the worker's
   * current config: a flag flipped between reserve and redemption, or an API and a worker configured
   * apart, would change the request after the discount was given.
   */
  private validationQuery(validationCode: string | undefined): Record<string, string> {
    return validationCode ? { validation_type: 'SMS' } : { skip_validation: 'true' };
  }

  /** A customer named by card (a void's or return's, from the sale's input) as documented calls name them. */
  private async documented(ctx: VendorCallContext, customer: PointsCustomer): Promise<PointsCustomer> {
    return isCard(customer.identifier) ? { ...customer, identifier: await this.customers.documented(ctx, customer.identifier) } : customer;
  }

  private async isRedeemable(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string, points: number, validationCode?: string) {
    const res = await this.client.call<Json>(ctx, {
      operation: 'points.isredeemable',
      method: 'GET',
      path: '/v1.1/points/isredeemable',
      // vendors.md §2: "`isredeemable?points=N&mobile=…[&validation_code=…]`": a code sent is checked with the points.
      query: { points, [key]: identifierValue(identifier), ...(validationCode ? { validation_code: validationCode } : { skip_validation: 'true' }) },
    }, (r) => (pointsCheck(r), {}));
    return pointsCheck(res);
  }

  /** What `points` are worth now; for a redemption found after a lost reply, whose answer carried it. */
  private async priceOf(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string, points: number): Promise<number | undefined> {
    return pointsValue((await this.isRedeemable(ctx, identifier, key, points)).redeemable, points, ctx.currency);
  }

  /** Our redemption on this bill, from the customer's redemption history (GET v1.1/customer/redemptions). */
  private async findPointsRedemption(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string) {
    const rows = await this.customers.redemptions(ctx, identifier, key, 'points');
    const row = rows.find((p) => str(p.transaction_number) === ctx.reference);
    // The history names a redemption `id`; a redeem answer names it `redemption_id`. Prefer the latter when present.
    const redemptionId = str(row?.redemption_id) ?? str(row?.id);
    return row && redemptionId ? { redemptionId, points: num(row.points_redeemed) ?? 0 } : undefined;
  }
}

/**
 * isredeemable's verdict (checkPoints reports a refusal). The published sample nests the answer in a
 * redeem answer, so both places are read.
 */
function pointsCheck(res: VendorResponse<unknown>): { redeemable: Json; status: Item['status'] } {
  const root = v11Request(res, 'points.isredeemable');
  const nested = obj(dig(root, 'responses', 'points', 'response'));
  const item = verdictItem(nested && !dig(root, 'points', 'redeemable') ? nested : root, ['points', 'redeemable'], 800, 'points.isredeemable', res);
  return { redeemable: item.data, status: item.status };
}

function redeemItem(res: VendorResponse<unknown>): Item {
  return expectItem(v11Items(v11Request(res, 'points.redeem'), ['responses', 'points']), 'points.redeem', res, (c) => c === 800);
}
