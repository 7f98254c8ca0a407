import type { AppConfig } from '../../core/config/app-config';
import type { VendorCircuits } from './vendor-circuits';
import { formatMinorUnits, fromVendorAmount, MoneyFormatError } from '../../core/money/money';
import type { CouponCapability, CouponLookup, CouponRedemption, Refusal } from './capabilities';
import { recordRecoveredEffect, type CallFacts, type VendorCallContext } from './vendor-call';
import { isRejection, rejectionDetails, vendorRejection, vendorUnavailable } from './vendor-errors';
import { VendorHttp, type VendorResponse, type VendorHttpOptions } from './vendor-http';

/** Every Coupontools answer: `status.status` is "OK" on success; the error shape is not documented. */
interface Envelope {
  status?: { status?: string; code?: number | string; message?: string };
  data?: { status?: SessionStatus; user?: Record<string, string | null | undefined> };
}

/** A session as the look-up reads it: its status, and the discount value wherever the account keeps it. */
type Session = SessionStatus & { discountValue?: string | null };

/** The part of `data.status` we act on; all flags are the strings "0"/"1". */
interface SessionStatus {
  validated?: string;
  validation_date_utc?: string | null;
  voided?: string;
  locked?: string;
  value?: string | null;
  expiration_date?: string | null;
}

export interface CouponToolsOptions extends Pick<VendorHttpOptions, 'circuit'> {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  /** The data.user custom field the account keeps a coupon's value in when `value` is empty (COUPONTOOLS_VALUE_CUSTOM_FIELD). */
  valueCustomField?: string;
}

const VENDOR = 'coupontools';
/**
 * The document gives no request field for a caller's reference, and writing ours into customid or
 * own_validation_code could overwrite the merchant's own data; a header the vendor ignores carries it
 * to logs and to the sandbox journal instead.
 */
const CORRELATION_HEADER = 'x-correlation-id';
const NOT_FOUND = '513';
const ALREADY_VALIDATED = '514';
/** Vendor codes that mean "this coupon cannot be used", in words for the cashier. */
const CASHIER_REASONS: Record<string, string> = {
  '200': 'No coupon code was entered.',
  '300': 'The coupon code contains characters that are not allowed: check it and scan again.',
  [NOT_FOUND]: 'Coupon not found: check the code and scan again.',
  [ALREADY_VALIDATED]: 'This coupon was already used.',
  '516': 'This coupon has been voided and can no longer be used.',
};
const LOOKUP_REFUSALS = new Set(['200', '300', NOT_FOUND]);

/** Coupontools API v3 coupon sessions: vendor-docs/coupontools-pos-integration.txt. */
export class CouponToolsVendor implements CouponCapability {
  readonly vendor = VENDOR;
  private readonly http: VendorHttp;

  constructor(private readonly options: CouponToolsOptions) {
    this.http = new VendorHttp(VENDOR, options.timeoutMs, { circuit: options.circuit });
  }

  async lookUp(ctx: VendorCallContext, code: string): Promise<CouponLookup> {
    let session: Session;
    try {
      session = await this.readSession(ctx, code);
    } catch (err) {
      const details = isRejection(err) ? rejectionDetails(err) : undefined;
      if (details && LOOKUP_REFUSALS.has(details.code)) {
        return { code, redeemable: false, refusal: { code: details.code, reason: details.reason } };
      }
      throw err;
    }
    const expiresAt = toIsoInstant(session.expiration_date);
    const valueMinor = toMinorUnits(session.discountValue, ctx.currency);
    const refusal = sessionRefusal(session, expiresAt);
    return {
      code,
      redeemable: refusal === undefined,
      ...(valueMinor !== undefined && { valueMinor }),
      ...(expiresAt !== undefined && { expiresAt }),
      ...(refusal && { refusal }),
    };
  }

  async hold(ctx: VendorCallContext, code: string): Promise<{ held: boolean }> {
    // The lock carries no owner: after a lost reply, a locked session is taken to be our own lock.
    if ((await ctx.effectMayHaveBeenSent(VENDOR, 'couponsession.lock')) && (await this.readSession(ctx, code)).locked === '1') {
      await recordRecoveredEffect(ctx, { vendor: VENDOR, operation: 'couponsession.lock', foundBy: 'couponsession.data', vendorReference: code });
      return { held: true };
    }
    await this.update(ctx, 'couponsession.lock', code, { lock: '1' });
    return { held: true };
  }

  async release(ctx: VendorCallContext, code: string): Promise<void> {
    try {
      await this.update(ctx, 'couponsession.unlock', code, { unlock: '1' });
    } catch (err) {
      // Nothing left to release: the session is gone, or validated (which ends any lock).
      const vendorCode = isRejection(err) ? rejectionDetails(err)?.code : undefined;
      if (vendorCode === NOT_FOUND || vendorCode === ALREADY_VALIDATED) return;
      throw err;
    }
  }

  async redeem(ctx: VendorCallContext, code: string, sale: { billAmountMinor: number }): Promise<CouponRedemption> {
    const redemption: CouponRedemption = { code, compensable: false };
    // No idempotency key exists: an earlier try's intent makes this one read the session first, and a validated one is our earlier
    // validation (our lock kept other tills away since the look-up found it unused).
    if ((await ctx.effectMayHaveBeenSent(VENDOR, 'couponsession.validate')) && (await this.readSession(ctx, code)).validated === '1') {
      await recordRecoveredEffect(ctx, {
        vendor: VENDOR,
        operation: 'couponsession.validate',
        foundBy: 'couponsession.data',
        vendorReference: code,
        amountMinor: sale.billAmountMinor,
      });
      return redemption;
    }
    const moneySpent = toMoneySpent(sale.billAmountMinor, ctx.currency);
    await this.update(ctx, 'couponsession.validate', code, { validate: '1', money_spent: moneySpent }, sale.billAmountMinor);
    return redemption;
  }

  reinstate(_ctx: VendorCallContext, _redemption: CouponRedemption): Promise<{ alreadyReinstated: boolean }> {
    return Promise.reject(
      vendorRejection({
        vendor: VENDOR,
        code: 'NO_UNDO',
        reason: 'A validated Coupontools coupon cannot be restored; ask Coupontools support if it must be.',
      }),
    );
  }

  /** The session's status, and its discount value. */
  private async readSession(ctx: VendorCallContext, code: string): Promise<Session> {
    const body = await this.call(ctx, 'couponsession.data', 'couponsession/data', { couponsession: code }, (b) => ({
      vendorReference: code,
      amountMinor: toMinorUnits(this.discountValue(b), ctx.currency) ?? null,
    }));
    const status = body.data?.status;
    if (!status) throw vendorUnavailable(VENDOR, 'couponsession/data returned no data.status');
    return { ...status, discountValue: this.discountValue(body) };
  }

  /**
   * The document: "the POS knows the discount value. This can be saved in either value field or in the
   * custom fields": `value`, or when it is empty the custom field the account keeps it in.
   */
  private discountValue(body: Envelope): string | null | undefined {
    const value = body.data?.status?.value;
    const field = this.options.valueCustomField;
    return value?.trim() || !field ? value : body.data?.user?.[field];
  }

  private async update(ctx: VendorCallContext, operation: string, code: string, command: Record<string, string>, amountMinor?: number) {
    await this.call(ctx, operation, 'couponsession/update', { couponsession: code, ...command }, () => ({
      vendorReference: code,
      amountMinor: amountMinor ?? null,
    }));
  }

  private async call(
    ctx: VendorCallContext,
    operation: string,
    path: string,
    body: Record<string, string>,
    facts: (body: Envelope) => CallFacts,
  ): Promise<Envelope> {
    const res = await this.http.audited<Envelope>(
      ctx,
      {
        operation,
        method: 'POST',
        url: `${this.options.baseUrl}/${path}`,
        headers: {
          'x-client-id': this.options.clientId,
          'x-client-secret': this.options.clientSecret,
          [CORRELATION_HEADER]: ctx.reference,
        },
        body,
      },
      (r) => facts(unwrap(r, operation)),
    );
    return unwrap(res, operation);
  }
}

export function createCouponToolsVendor(config: AppConfig, circuits?: VendorCircuits): CouponToolsVendor {
  return new CouponToolsVendor({
    baseUrl: config.coupontoolsBaseUrl,
    clientId: config.COUPONTOOLS_CLIENT_ID,
    clientSecret: config.COUPONTOOLS_CLIENT_SECRET,
    timeoutMs: config.VENDOR_TIMEOUT_MS,
    circuit: circuits?.of(VENDOR),
    ...(config.COUPONTOOLS_VALUE_CUSTOM_FIELD && { valueCustomField: config.COUPONTOOLS_VALUE_CUSTOM_FIELD }),
  });
}

function unwrap(res: VendorResponse<Envelope>, operation: string): Envelope {
  const status = res.body?.status;
  if (status?.status === 'OK') return res.body;
  if (!status?.status) {
    throw vendorUnavailable(VENDOR, `${operation}: HTTP ${res.status} without a Coupontools status`, {
      httpStatus: res.status,
      response: res.body,
    });
  }
  const code = String(status.code ?? status.status);
  throw vendorRejection({
    vendor: VENDOR,
    code,
    reason: CASHIER_REASONS[code] ?? status.message ?? `Coupontools answered ${code}`,
    httpStatus: res.status,
    response: res.body,
  });
}

/** The look-up checks the document asks of the POS, the expiry included (Coupontools does not refuse it). */
function sessionRefusal(session: SessionStatus, expiresAt: string | undefined): Refusal | undefined {
  if (session.validated === '1') {
    const when = session.validation_date_utc ? ` on ${session.validation_date_utc} UTC` : '';
    return { code: 'ALREADY_VALIDATED', reason: `This coupon was already used${when}.` };
  }
  if (session.voided === '1') return { code: 'VOIDED', reason: CASHIER_REASONS['516'] };
  if (expiresAt !== undefined && Date.parse(expiresAt) <= Date.now()) {
    return { code: 'EXPIRED', reason: `This coupon expired on ${session.expiration_date} UTC.` };
  }
  if (session.locked === '1') {
    return { code: 'LOCKED', reason: 'This coupon is in use at another checkout; try again once that checkout ends.' };
  }
  return undefined;
}

/** "2019-03-02 02:00:00" (UTC) -> "2019-03-02T02:00:00Z"; empty or zero dates mean "none". */
function toIsoInstant(value: string | null | undefined): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value ?? '');
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2]}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** `value` is free text the merchant may leave empty or fill with something else ("10%"): then unknown. */
function toMinorUnits(value: string | null | undefined, currency: string): number | undefined {
  if (!value?.trim()) return undefined;
  try {
    return fromVendorAmount(value, currency);
  } catch (err) {
    if (err instanceof MoneyFormatError) return undefined;
    throw err;
  }
}

/** money_spent is documented as "0.000": three decimals whatever the currency's exponent. */
function toMoneySpent(minor: number, currency: string): string {
  const [whole, fraction = ''] = formatMinorUnits(minor, currency).split('.');
  return `${whole}.${fraction.padEnd(3, '0')}`;
}
