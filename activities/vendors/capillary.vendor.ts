import { formatMinorUnits, fromVendorAmount } from '../../src/common/money';
import type { AppConfig } from '../../src/config/app-config';
import type {
  CouponCapability,
  CouponLookup,
  CouponRedemption,
  CustomerIdentifier,
  PointsCapability,
  PointsCheck,
  PointsCustomer,
  PointsRedemption,
  SaleReturn,
  SaleTransaction,
  TransactionCapability,
} from './capabilities';
import {
  CODES,
  VENDOR,
  bool,
  capillaryDate,
  capillaryTime,
  dig,
  expectItem,
  failure,
  isTransient,
  reasonFor,
  identifierValue,
  isAuthFailure,
  authRejection,
  list,
  multiplyDecimal,
  num,
  obj,
  readStatus,
  str,
  unsupportedIdentifier,
  v11Items,
  v11Key,
  v11Request,
  v2Check,
  v2Type,
  type Item,
  type Json,
} from './capillary-envelope';
import type { VendorCallContext } from './vendor-call';
import { isRejection, rejectionDetails, vendorRejection, vendorUnavailable } from './vendor-errors';
import { VendorHttp, type VendorResponse } from './vendor-http';

export interface CapillaryOptions {
  baseUrl: string;
  oauthKey: string;
  oauthSecret: string;
  timeoutMs: number;
}

interface Call {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

type Facts = { vendorReference?: string | null; amountMinor?: number | null };

/** Renew this long before the token's ttl ends (a fifth of a short ttl) so no call carries a dying token. */
const TOKEN_RENEW_MARGIN_MS = 60_000;

/**
 * Capillary InTouch (v1.1 + v2) for points, coupons and bills: vendor-docs/capillary-pos-integration.md
 * for the flow, vendors.md §2 for fields and codes. Server-to-server OAuth, every call attributed to the
 * till. Capillary has no idempotency keys: the bill number (ctx.reference) is the only shared key, so
 * retries look the effect up by it.
 */
export class CapillaryVendor implements PointsCapability, CouponCapability, TransactionCapability {
  readonly vendor = VENDOR;
  private readonly http: VendorHttp;
  private token: { value: string; renewAt: number } | null = null;
  private tokenRequest: Promise<string> | null = null;

  constructor(private readonly options: CapillaryOptions) {
    this.http = new VendorHttp(VENDOR, options.timeoutMs);
  }

  // ── points ────────────────────────────────────────────────────────────────────────────────────

  async findCustomer(ctx: VendorCallContext, identifier: CustomerIdentifier, options: { enrol?: boolean } = {}): Promise<PointsCustomer> {
    const key = requireKey(identifier);
    const found = await this.getCustomer(ctx, identifier, key);
    if ('customer' in found) return found.customer;
    if (!options.enrol) {
      throw vendorRejection({ vendor: VENDOR, code: String(found.notFound), reason: reasonFor(found.notFound) });
    }
    // customer/add has no undo and none is needed; a lost reply is harmless because every attempt
    // starts with customer/get and finds the customer this call created.
    const res = await this.call<Json>(ctx, {
      operation: 'customer.add',
      method: 'POST',
      path: '/v1.1/customer/add',
      body: { root: { customer: [{ [key]: identifierValue(identifier), type: 'LOYALTY', source: 'INSTORE' }] } },
    }, (r) => ({ vendorReference: str(customerItem(r, 'customer.add').data.user_id) ?? null }));
    return toPointsCustomer(identifier, customerItem(res, 'customer.add').data);
  }

  async checkPoints(ctx: VendorCallContext, customer: PointsCustomer, points: number): Promise<PointsCheck> {
    const key = v11Key(customer.identifier);
    if (!key) return { redeemable: false, points, valueMinor: 0, refusal: unsupportedIdentifier(customer.identifier) };
    const { redeemable, status } = await this.isRedeemable(ctx, customer.identifier, key, points);
    if (bool(redeemable.is_redeemable) && status.code === 800) {
      return { redeemable: true, points, valueMinor: pointsValue(redeemable, points, ctx.currency) ?? 0 };
    }
    return { redeemable: false, points, valueMinor: 0, refusal: { code: String(status.code), reason: reasonFor(status.code, status.message) } };
  }

  async redeemPoints(ctx: VendorCallContext, customer: PointsCustomer, points: number): Promise<PointsRedemption> {
    const key = requireKey(customer.identifier);
    // Capillary does not deduplicate redemptions: an earlier attempt whose reply was lost may have
    // redeemed on this bill already, so find it before redeeming again.
    if (ctx.attempt > 1) {
      const earlier = await this.findPointsRedemption(ctx, customer.identifier, key);
      if (earlier) {
        const valueMinor = await this.priceOf(ctx, customer.identifier, key, earlier.points);
        if (valueMinor === undefined) throw vendorUnavailable(VENDOR, 'points.isredeemable: no points value to price the redemption found');
        return { ...earlier, valueMinor };
      }
    }
    const res = await this.call<Json>(ctx, {
      operation: 'points.redeem',
      method: 'POST',
      path: '/v1.1/points/redeem',
      // The saga redeems on the customer's behalf after the checkout step: no OTP round trip.
      query: { skip_validation: 'true' },
      body: {
        root: {
          redeem: [
            {
              points_redeemed: points,
              customer: { [key]: identifierValue(customer.identifier) },
              transaction_number: ctx.reference,
              external_reference_number: ctx.reference,
              redemption_time: capillaryTime(new Date()),
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

  async findRedemption(ctx: VendorCallContext, customer: PointsCustomer, points: number): Promise<PointsRedemption | undefined> {
    const key = requireKey(customer.identifier);
    const earlier = await this.findPointsRedemption(ctx, customer.identifier, key);
    if (!earlier) return undefined;
    const redeemed = earlier.points || points;
    // An undo needs the id and the points only: an unpriced redemption must not block it.
    return { ...earlier, points: redeemed, valueMinor: (await this.priceOf(ctx, customer.identifier, key, redeemed)) ?? 0 };
  }

  async reversePoints(ctx: VendorCallContext, customer: PointsCustomer, redemption: PointsRedemption): Promise<{ alreadyReversed: boolean }> {
    const type = v2Type(customer.identifier);
    if (!type) throw vendorRejection({ vendor: VENDOR, ...unsupportedIdentifier(customer.identifier) });
    const accepted = new Set([...CODES.alreadyReversed, ...CODES.unknownRedemption]);
    const res = await this.call<Json>(ctx, {
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

  // ── coupons ───────────────────────────────────────────────────────────────────────────────────

  async lookUp(ctx: VendorCallContext, code: string, customer?: CustomerIdentifier): Promise<CouponLookup> {
    if (!customer) {
      return { code, redeemable: false, refusal: { code: 'CUSTOMER_REQUIRED', reason: 'Capillary checks a coupon against its customer: identify the customer first' } };
    }
    const key = v11Key(customer);
    if (!key) return { code, redeemable: false, refusal: unsupportedIdentifier(customer) };
    const res = await this.call<Json>(ctx, {
      operation: 'coupon.isredeemable',
      method: 'GET',
      path: '/v1.1/coupon/isredeemable',
      query: { code, details: 'true', [key]: identifierValue(customer) },
    }, (r) => (couponCheck(r), {}));
    const { data, status } = couponCheck(res);
    const series = obj(data.series_info) ?? {};
    const expiresAt = str(series.valid_till);
    if (bool(data.is_redeemable) && status.code === 700) {
      return { code, redeemable: true, valueMinor: couponValue(data, series, ctx.currency), ...(expiresAt && { expiresAt }) };
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

  async redeem(ctx: VendorCallContext, code: string, sale: { billAmountMinor: number; customer?: CustomerIdentifier }): Promise<CouponRedemption> {
    if (!sale.customer) throw vendorRejection({ vendor: VENDOR, code: 'CUSTOMER_REQUIRED', reason: 'Capillary redeems a coupon for its customer only' });
    const customer = sale.customer;
    const key = requireKey(customer);
    const bill = billNumber(ctx, code);
    // On a retry, "already redeemed" may be our own earlier redemption whose reply was lost.
    const ours = (c: number) => c === 700 || (ctx.attempt > 1 && CODES.couponAlreadyRedeemed.has(c));
    const res = await this.call<Json>(ctx, {
      operation: 'coupon.redeem',
      method: 'POST',
      path: '/v1.1/coupon/redeem',
      body: {
        root: {
          coupon: [
            {
              code,
              customer: { [key]: identifierValue(customer) },
              transaction: [{ number: bill, amount: formatMinorUnits(sale.billAmountMinor, ctx.currency) }],
            },
          ],
        },
      },
    }, (r) => ({ vendorReference: str(couponRedeemItem(r, ours).data.redemptionId) ?? null }));
    const item = couponRedeemItem(res, ours);
    if (item.status.code !== 700) {
      const earlier = await this.findCouponRedemption(ctx, customer, key, code, bill);
      if (earlier) return { code, redemptionId: earlier, compensable: true };
      throw failure(item.status.code, item.status.message, 'coupon.redeem', res);
    }
    const redemptionId = str(item.data.redemptionId);
    if (!redemptionId) throw vendorUnavailable(VENDOR, 'coupon.redeem: answer without redemptionId');
    return { code, redemptionId, compensable: true };
  }

  async reinstate(ctx: VendorCallContext, redemption: CouponRedemption): Promise<{ alreadyReinstated: boolean }> {
    const id = redemption.redemptionId;
    if (!id) throw vendorRejection({ vendor: VENDOR, code: 'NO_REDEMPTION_ID', reason: 'Capillary reactivates a coupon by its redemption id only' });
    try {
      await this.call<Json>(ctx, {
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

  // ── transactions ──────────────────────────────────────────────────────────────────────────────

  async addTransaction(ctx: VendorCallContext, sale: SaleTransaction): Promise<{ transactionId: string; duplicate: boolean }> {
    const key = sale.customer ? requireKey(sale.customer) : undefined;
    const ours = (c: number) => c === 600 || c === 687 || (ctx.attempt > 1 && c === CODES.duplicateBill);
    const redemptions = {
      ...(sale.pointsRedemptionIds?.length && { points_redemptions: { id: sale.pointsRedemptionIds } }),
      ...(sale.couponRedemptionIds?.length && { coupon_redemptions: { id: sale.couponRedemptionIds } }),
    };
    const res = await this.call<Json>(ctx, {
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
              billing_time: capillaryTime(sale.billingTime),
              ...(sale.customer && key && { customer: { [key]: identifierValue(sale.customer) } }),
              line_items: { line_item: lineItems(sale.lines, ctx.currency) },
              ...(Object.keys(redemptions).length > 0 && { redemptions }),
            },
          ],
        },
      },
    }, (r) => {
      const item = transactionItem(r, 'transaction.add', ours);
      return { vendorReference: str(item.data.id) ?? null, amountMinor: sale.amountMinor };
    });
    const item = transactionItem(res, 'transaction.add', ours);
    if (item.status.code === CODES.duplicateBill) {
      const earlier = await this.findTransactions(ctx, ctx.reference, sale.customer ? 'REGULAR' : 'NOT_INTERESTED');
      const id = str(earlier[0]?.id);
      if (!id) throw failure(item.status.code, item.status.message, 'transaction.add', res);
      return { transactionId: id, duplicate: true };
    }
    const id = str(item.data.id);
    if (!id) throw vendorUnavailable(VENDOR, 'transaction.add: answer without transaction id');
    return { transactionId: id, duplicate: false };
  }

  async returnTransaction(ctx: VendorCallContext, sale: SaleReturn): Promise<{ transactionId: string | null; alreadyReturned: boolean }> {
    const key = sale.customer ? requireKey(sale.customer) : undefined;
    // A partial return (AMOUNT, LINE_ITEM) sent twice returns twice: find ours by bill_client_id first.
    if (ctx.attempt > 1) {
      const returns = await this.findTransactions(ctx, sale.originalBillNumber, sale.customer ? 'RETURN' : 'NOT_INTERESTED_RETURN');
      const earlier = returns.find((t) => str(t.bill_client_id) === ctx.reference);
      const id = str(earlier?.id);
      if (id) return { transactionId: id, alreadyReturned: false };
    }
    const ours = (c: number) => c === 600 || c === 687 || CODES.alreadyReturned.has(c);
    const res = await this.call<Json>(ctx, {
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
              purchase_time: capillaryDate(sale.originalBillingTime),
              billing_time: capillaryTime(sale.billingTime),
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

  // ── lookups ───────────────────────────────────────────────────────────────────────────────────

  private async getCustomer(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string): Promise<{ customer: PointsCustomer } | { notFound: number }> {
    const found = (c: number) => c === 1000 || CODES.customerNotFound.has(c);
    const res = await this.call<Json>(ctx, {
      operation: 'customer.get',
      method: 'GET',
      path: '/v1.1/customer/get',
      query: { user_id: 'true', [key]: identifierValue(identifier) },
    }, (r) => ({ vendorReference: str(customerItem(r, 'customer.get', found).data.user_id) ?? null }));
    const item = customerItem(res, 'customer.get', found);
    return item.status.code === 1000 ? { customer: toPointsCustomer(identifier, item.data) } : { notFound: item.status.code };
  }

  private async isRedeemable(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string, points: number) {
    const res = await this.call<Json>(ctx, {
      operation: 'points.isredeemable',
      method: 'GET',
      path: '/v1.1/points/isredeemable',
      query: { points, skip_validation: 'true', [key]: identifierValue(identifier) },
    }, (r) => (pointsCheck(r), {}));
    return pointsCheck(res);
  }

  /** What `points` are worth now; for a redemption found after a lost reply, whose answer carried it. */
  private async priceOf(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string, points: number): Promise<number | undefined> {
    return pointsValue((await this.isRedeemable(ctx, identifier, key, points)).redeemable, points, ctx.currency);
  }

  /** Our redemption on this bill, from the customer's redemption history (GET v1.1/customer/redemptions). */
  private async findPointsRedemption(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string) {
    const rows = await this.redemptions(ctx, identifier, key, 'points');
    const row = list(dig(rows, 'points', 'point')).find((p) => str(p.transaction_number) === ctx.reference);
    // The history names a redemption `id`; a redeem answer names it `redemption_id`. Prefer the latter when present.
    const redemptionId = str(row?.redemption_id) ?? str(row?.id);
    return row && redemptionId ? { redemptionId, points: num(row.points_redeemed) ?? 0 } : undefined;
  }

  private async findCouponRedemption(ctx: VendorCallContext, customer: CustomerIdentifier, key: string, code: string, bill: string): Promise<string | undefined> {
    const rows = await this.redemptions(ctx, customer, key, 'coupons');
    const row = list(dig(rows, 'coupons', 'coupon')).find(
      (c) => str(c.code)?.toUpperCase() === code.toUpperCase() && str(c.transaction_number) === bill,
    );
    return str(row?.id);
  }

  private async redemptions(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string, type: 'points' | 'coupons'): Promise<unknown> {
    const res = await this.call<Json>(ctx, {
      operation: `customer.redemptions.${type}`,
      method: 'GET',
      path: '/v1.1/customer/redemptions',
      query: { type, [key]: identifierValue(identifier) },
    }, (r) => (redemptionHistory(r), {}));
    return redemptionHistory(res);
  }

  private async findTransactions(ctx: VendorCallContext, number: string, type: string): Promise<Json[]> {
    const found = (c: number) => c === 600 || CODES.transactionNotFound.has(c);
    const res = await this.call<Json>(ctx, {
      operation: 'transaction.get',
      method: 'GET',
      path: '/v1.1/transaction/get',
      query: { number, type },
    }, (r) => (transactionItems(r, found), {}));
    return transactionItems(res, found)
      .filter((i) => i.status.code === 600)
      .map((i) => i.data);
  }

  private async couponIsRedeemed(ctx: VendorCallContext, code: string): Promise<boolean> {
    const known = (c: number) => c === 700 || CODES.couponUnknown.has(c);
    const res = await this.call<Json>(ctx, {
      operation: 'coupon.get',
      method: 'GET',
      path: '/v1.1/coupon/get',
      query: { code },
    }, (r) => (couponItem(r, known), {}));
    const item = couponItem(res, known);
    return item.status.code === 700 && bool(dig(item.data, 'redemption_info', 'redeemed'));
  }

  // ── transport ─────────────────────────────────────────────────────────────────────────────────

  /** One audited call with the OAuth token and the till attribution; a refused token is renewed once. */
  private async call<B>(ctx: VendorCallContext, call: Call, interpret: (res: VendorResponse<B>) => Facts): Promise<VendorResponse<B>> {
    const url = new URL(`${this.options.baseUrl}${call.path}`);
    // v1.1 answers XML unless told otherwise.
    if (call.path.startsWith('/v1.1/')) url.searchParams.set('format', 'json');
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    for (let renewed = false; ; renewed = true) {
      const token = await this.currentToken();
      try {
        return await this.http.audited<B>(
          ctx,
          {
            operation: call.operation,
            method: call.method,
            url: url.toString(),
            headers: {
              'x-cap-api-oauth-token': token,
              'x-cap-api-attribution-entity-type': 'TILL',
              'x-cap-api-attribution-entity-code': ctx.till,
            },
            body: call.body,
          },
          (res) => {
            if (isAuthFailure(res)) throw authRejection(res);
            return interpret(res);
          },
        );
      } catch (err) {
        if (!renewed && isRejection(err) && rejectionDetails(err)?.code === '401') {
          this.token = null;
          continue;
        }
        throw err;
      }
    }
  }

  private async currentToken(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return this.token.value;
    // One token request at a time: concurrent activities share the renewal.
    this.tokenRequest ??= this.requestToken().finally(() => {
      this.tokenRequest = null;
    });
    return this.tokenRequest;
  }

  /** Not audited: the body is the OAuth secret, and the answer is the token. */
  private async requestToken(): Promise<string> {
    const issuedAt = Date.now();
    const res = await this.http.send<Json>({
      operation: 'oauth.token.generate',
      method: 'POST',
      url: `${this.options.baseUrl}/v3/oauth/token/generate`,
      body: { key: this.options.oauthKey, secret: this.options.oauthSecret },
    });
    const data = obj(res.body?.data);
    const accessToken = str(data?.accessToken);
    if (!accessToken) {
      const code = num(dig(res.body, 'errors', 'code'));
      if (res.status >= 400 || code !== undefined) {
        throw vendorRejection({ vendor: VENDOR, code: String(code ?? `HTTP_${res.status}`), reason: 'Capillary refused the OAuth key and secret', httpStatus: res.status });
      }
      throw vendorUnavailable(VENDOR, 'oauth.token.generate: answer without accessToken', { httpStatus: res.status });
    }
    const ttlMs = (num(data?.ttlSeconds) ?? 300) * 1000;
    this.token = { value: accessToken, renewAt: issuedAt + ttlMs - Math.min(TOKEN_RENEW_MARGIN_MS, ttlMs / 5) };
    return accessToken;
  }
}

export function createCapillaryVendor(config: AppConfig): CapillaryVendor {
  return new CapillaryVendor({
    baseUrl: config.capillaryBaseUrl,
    oauthKey: config.CAPILLARY_OAUTH_KEY,
    oauthSecret: config.CAPILLARY_OAUTH_SECRET,
    timeoutMs: config.VENDOR_TIMEOUT_MS,
  });
}

// ── answers ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Capillary ties a coupon to the bill it was redeemed on. Coupon steps carry `<bill>:<code>` as their
 * reference (one reference per coupon); the bill number is that reference without the code.
 */
function billNumber(ctx: VendorCallContext, code: string): string {
  const suffix = `:${code}`;
  return ctx.reference.endsWith(suffix) ? ctx.reference.slice(0, -suffix.length) : ctx.reference;
}

function requireKey(identifier: CustomerIdentifier) {
  const key = v11Key(identifier);
  if (!key) throw vendorRejection({ vendor: VENDOR, ...unsupportedIdentifier(identifier) });
  return key;
}

function customerItem(res: VendorResponse<unknown>, operation: string, ok: (code: number) => boolean = (c) => c === 1000): Item {
  return expectItem(v11Items(v11Request(res, operation), ['customers', 'customer']), operation, res, ok);
}

function toPointsCustomer(identifier: CustomerIdentifier, data: Json): PointsCustomer {
  const userId = str(data.user_id);
  const balance = num(data.loyalty_points);
  return { identifier, ...(userId && { vendorCustomerId: userId }), ...(balance !== undefined && { pointsBalance: balance }) };
}

/**
 * isredeemable's verdict: a refusal is data (checkPoints reports it), "try later" is thrown. The
 * published sample nests the answer in a redeem answer, so both places are read.
 */
function pointsCheck(res: VendorResponse<unknown>): { redeemable: Json; status: Item['status'] } {
  const root = v11Request(res, 'points.isredeemable');
  const nested = obj(dig(root, 'responses', 'points', 'response'));
  const [item] = v11Items(nested && !dig(root, 'points', 'redeemable') ? nested : root, ['points', 'redeemable']);
  if (!item) throw vendorUnavailable(VENDOR, 'points.isredeemable: answer without points.redeemable', { httpStatus: res.status, response: res.body });
  if (item.status.code !== 800 && isTransient(item.status.code)) throw failure(item.status.code, item.status.message, 'points.isredeemable', res);
  return { redeemable: item.data, status: item.status };
}

/**
 * The customer's redemption history. A lookup must not read a failed answer as "nothing found" (that
 * would redeem twice): only an answer that lists the customer, or says the customer is unknown, counts.
 */
function redemptionHistory(res: VendorResponse<unknown>): unknown {
  const root = v11Request(res, 'customer.redemptions');
  const customer = list(root.customer)[0];
  if (!customer) throw vendorUnavailable(VENDOR, 'customer.redemptions: answer without customer', { httpStatus: res.status, response: res.body });
  const status = readStatus(customer.item_status);
  if (status && !status.success && !CODES.customerNotFound.has(status.code)) throw failure(status.code, status.message, 'customer.redemptions', res);
  return customer.redemptions;
}

function redeemItem(res: VendorResponse<unknown>): Item {
  return expectItem(v11Items(v11Request(res, 'points.redeem'), ['responses', 'points']), 'points.redeem', res, (c) => c === 800);
}

function couponCheck(res: VendorResponse<unknown>): Item {
  const [item] = v11Items(v11Request(res, 'coupon.isredeemable'), ['coupons', 'redeemable']);
  if (!item) throw vendorUnavailable(VENDOR, 'coupon.isredeemable: answer without coupons.redeemable', { httpStatus: res.status, response: res.body });
  if (item.status.code !== 700 && isTransient(item.status.code)) throw failure(item.status.code, item.status.message, 'coupon.isredeemable', res);
  return item;
}

function couponRedeemItem(res: VendorResponse<unknown>, ok: (code: number) => boolean): Item {
  return expectItem(v11Items(v11Request(res, 'coupon.redeem'), ['coupons', 'coupon']), 'coupon.redeem', res, ok);
}

function couponItem(res: VendorResponse<unknown>, ok: (code: number) => boolean): Item {
  return expectItem(v11Items(v11Request(res, 'coupon.get'), ['coupons', 'coupon']), 'coupon.get', res, ok);
}

function transactionItem(res: VendorResponse<unknown>, operation: string, ok: (code: number) => boolean): Item {
  return expectItem(v11Items(v11Request(res, operation), ['transactions', 'transaction']), operation, res, ok);
}

function transactionItems(res: VendorResponse<unknown>, ok: (code: number) => boolean): Item[] {
  const items = v11Items(v11Request(res, 'transaction.get'), ['transactions', 'transaction']);
  expectItem(items, 'transaction.get', res, ok);
  return items;
}

function money(value: unknown, currency: string): number | undefined {
  return typeof value === 'number' || typeof value === 'string' ? fromVendorAmount(value, currency) : undefined;
}

/** points_redeem_value is the points' worth in the org's currency; the ratio is the fallback. */
function pointsValue(redeemable: Json, points: number, currency: string): number | undefined {
  const direct = money(redeemable.points_redeem_value, currency);
  if (direct !== undefined) return direct;
  const ratio = redeemable.points_currency_ratio;
  const product = typeof ratio === 'number' || typeof ratio === 'string' ? multiplyDecimal(points, ratio) : undefined;
  return product === undefined ? undefined : fromVendorAmount(product, currency);
}

/** Only an absolute coupon has a money value; a percentage depends on the bill. */
function couponValue(data: Json, series: Json, currency: string): number | undefined {
  const absolute = data.is_absolute !== undefined ? bool(data.is_absolute) : str(series.discount_type)?.toUpperCase() === 'ABS';
  if (!absolute) return undefined;
  return money(data.coupon_value ?? series.discount_value, currency);
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
