import { vendorRejection, vendorUnavailable } from './vendor-errors';
import type { VendorResponse } from './vendor-http';
import { localDate, localDateTimeSpaced } from '../../core/stores/local-time';

/**
 * Reading Capillary InTouch answers. The v1.1 envelope is XML turned into JSON, so its documented
 * samples disagree with each other: `success`/`code` are strings or numbers, the `response` wrapper
 * is sometimes missing, a one-element list is sometimes an object, item statuses say `success` or
 * `status`. Everything here accepts all of those forms (vendors.md §2 "Parse leniently").
 */

export const VENDOR = 'capillary';

export type Json = Record<string, unknown>;

export interface Status {
  success: boolean;
  code: number;
  message: string;
}

/** One item of a v1.1 answer with its item_status, or the request status when the item is missing. */
export interface Item {
  data: Json;
  status: Status;
}

export interface V2Error {
  code: number;
  message: string;
}

/** Request-level codes (vendors.md §2): 461 search busy and 521 "another action runs for this customer". */
const TRANSIENT_REQUEST_CODES = new Set([461, 521]);
/** Item codes the vendor documents as "try again later". 637: return could not revert points yet. */
const TRANSIENT_ITEM_CODES = new Set([
  815, 886, 887, 889, 894, 896, 898, 786, 787, 789, 790, 791, 792, 793, 794, 796, 797, 798, 637, 689, 690, 691,
  692, 693, 694, 696, 697, 698,
]);

export const CODES = {
  customerNotFound: new Set([1011, 1012, 816, 701]),
  couponAlreadyRedeemed: new Set([711, 716, 706]),
  couponUnknown: new Set([702, 719]),
  duplicateBill: 604,
  alreadyReturned: new Set([628, 633, 634]),
  alreadyReversed: new Set([3802, 812]),
  /** Reversal of a redemption Capillary does not know: nothing to undo. */
  unknownRedemption: new Set([902, 3803]),
  transactionNotFound: new Set([620, 625]),
} as const;

/** Words for the cashier; the vendor's own message is the fallback. */
const REASONS: Record<number, string> = {
  803: 'Not enough points for this redemption',
  804: 'Not enough points for this redemption',
  813: 'Not enough points for this redemption',
  818: 'Not enough points for this redemption',
  807: 'Points must be redeemed in the multiple the loyalty programme allows',
  819: 'More points than one redemption allows',
  821: 'Fewer points than the minimum redemption',
  816: 'Customer not found in the loyalty programme',
  1011: 'Customer not found in the loyalty programme',
  1012: 'Customer not found in the loyalty programme',
  701: 'Customer not found in the loyalty programme',
  881: 'Customer is not enrolled in the loyalty programme',
  809: 'Customer account is blocked',
  820: 'Customer account is blocked',
  3045: 'Customer account is blocked',
  702: 'Coupon code is not valid',
  719: 'Coupon code is not valid',
  703: 'Coupon was not issued to this customer',
  710: 'Coupon cannot be used by this customer',
  723: 'Coupon cannot be used by this customer',
  711: 'Coupon was already redeemed',
  716: 'Coupon was already redeemed',
  706: 'Coupon was already redeemed',
  712: 'Coupon has expired',
  713: 'Coupon has expired',
  714: 'Coupon has reached its redemption limit',
  728: 'Coupon has reached its redemption limit',
  736: 'Coupon has reached its redemption limit',
  735: 'Coupon cannot be used at this store',
  604: 'This bill number was already sent to the loyalty programme',
  639: 'Part of this bill was already returned',
  630: 'Return amount is more than what is left on the bill',
  808: 'The validation code (OTP) is not valid',
  824: 'The loyalty programme requires a validation code (OTP) for this redemption',
  860: 'The loyalty programme could not send a validation code',
  705: 'The validation code (OTP) is not valid',
  725: 'The loyalty programme requires a validation code (OTP) for this coupon',
};

export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function bool(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** XML-born lists: absent, one object, or an array. */
export function list(value: unknown): Json[] {
  if (Array.isArray(value)) return value.map(obj).filter((v): v is Json => v !== undefined);
  const single = obj(value);
  return single ? [single] : [];
}

/** Follows a path of keys through objects (one-element lists included). */
export function dig(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const here = Array.isArray(current) ? current[0] : current;
    current = obj(here)?.[key];
  }
  return current;
}

export function readStatus(value: unknown): Status | undefined {
  const s = obj(value);
  const code = num(s?.code);
  if (!s || code === undefined) return undefined;
  return { success: bool(s.success ?? s.status), code, message: str(s.message) ?? '' };
}

/** The v1.1 root: inside `response` when present. */
export function v11Root(body: unknown): Json | undefined {
  const b = obj(body);
  return obj(b?.response) ?? b;
}

export function isAuthFailure(res: VendorResponse<unknown>): boolean {
  if (res.status === 401) return true;
  return readStatus(v11Root(res.body)?.status)?.code === 401;
}

export function authRejection(res: VendorResponse<unknown>): Error {
  return vendorRejection({
    vendor: VENDOR,
    code: '401',
    reason: 'Capillary refused the credentials',
    httpStatus: res.status,
    response: res.body,
  });
}

/**
 * Request-level check of a v1.1 answer: faults the whole request shares (auth, busy, bad input) are
 * thrown here; 200, 201 and 500 leave the verdict to the items.
 */
export function v11Request(res: VendorResponse<unknown>, operation: string): Json {
  if (isAuthFailure(res)) throw authRejection(res);
  const root = v11Root(res.body);
  const status = readStatus(root?.status);
  // transaction/get's documented sample carries no request status at all; its items speak for it.
  if (!root || (!status && res.status !== 200)) {
    throw vendorUnavailable(VENDOR, `${operation}: HTTP ${res.status} without a Capillary envelope`, { httpStatus: res.status, response: res.body });
  }
  if (!status || status.code === 200 || status.code === 201 || status.code === 500) return root;
  if (TRANSIENT_REQUEST_CODES.has(status.code)) {
    throw vendorUnavailable(VENDOR, `${operation}: ${status.code} ${status.message}`, { httpStatus: res.status, response: res.body });
  }
  throw vendorRejection({
    vendor: VENDOR,
    code: String(status.code),
    reason: status.message || `Capillary refused the request (${status.code})`,
    httpStatus: res.status,
    response: res.body,
  });
}

/** The items of a v1.1 answer at `path`; a failed request without items yields its own status as one item. */
export function v11Items(root: Json, path: string[]): Item[] {
  const items = list(dig(root, ...path)).map((data) => ({ data, status: readStatus(data.item_status) }));
  const request = readStatus(root.status);
  if (items.length === 0 && request && request.code !== 200) return [{ data: {}, status: request }];
  return items.map(({ data, status }) => ({
    data,
    status: status ?? { success: request?.success ?? false, code: request?.code ?? 0, message: request?.message ?? '' },
  }));
}

export function isTransient(code: number): boolean {
  return TRANSIENT_ITEM_CODES.has(code) || TRANSIENT_REQUEST_CODES.has(code);
}

export function reasonFor(code: number, message?: string): string {
  return REASONS[code] ?? (message || `Capillary refused (${code})`);
}

/** Throws the item's failure: retryable when Capillary says "later", a rejection otherwise. */
export function failure(code: number, message: string, operation: string, res: VendorResponse<unknown>): Error {
  if (isTransient(code)) {
    return vendorUnavailable(VENDOR, `${operation}: ${code} ${message}`, { httpStatus: res.status, response: res.body });
  }
  return vendorRejection({ vendor: VENDOR, code: String(code), reason: reasonFor(code, message), httpStatus: res.status, response: res.body });
}

/** The one item we sent must have succeeded (or carry a code the caller accepts). */
export function expectItem(items: Item[], operation: string, res: VendorResponse<unknown>, ok: (code: number) => boolean): Item {
  const item = items[0];
  if (!item) throw vendorUnavailable(VENDOR, `${operation}: answer without an item`, { httpStatus: res.status, response: res.body });
  if (ok(item.status.code)) return item;
  throw failure(item.status.code, item.status.message, operation, res);
}

/**
 * The verdict item of an isredeemable check at `path`: a refusal is data for the caller to report,
 * "try later" is thrown, and an answer without a verdict is the vendor's fault.
 */
export function verdictItem(root: Json, path: [string, string], success: number, operation: string, res: VendorResponse<unknown>): Item {
  const [item] = v11Items(root, path);
  if (!item) throw vendorUnavailable(VENDOR, `${operation}: answer without ${path.join('.')}`, { httpStatus: res.status, response: res.body });
  if (item.status.code !== success && isTransient(item.status.code)) throw failure(item.status.code, item.status.message, operation, res);
  return item;
}

/** v2 answers are plain JSON with an `errors` list (null or [] when fine). */
export function v2Errors(res: VendorResponse<unknown>): V2Error[] {
  return list(obj(res.body)?.errors).map((e) => ({ code: num(e.code) ?? 0, message: str(e.message) ?? '' }));
}

export function v2Check(res: VendorResponse<unknown>, operation: string, accepted: ReadonlySet<number> = new Set()): V2Error | undefined {
  if (res.status === 401) throw authRejection(res);
  const [first] = v2Errors(res);
  if (!first) {
    if (res.status >= 400) throw vendorRejection({ vendor: VENDOR, code: `HTTP_${res.status}`, reason: `Capillary refused ${operation}`, httpStatus: res.status, response: res.body });
    return undefined;
  }
  if (accepted.has(first.code)) return first;
  throw failure(first.code, first.message, operation, res);
}

/**
 * "YYYY-MM-DD HH:MM:SS" (vendors.md §2, points/redeem `redemption_time`), the store's wall clock: the
 * samples carry no zone, and Capillary's date windows (621/643/644 "date outside window") are the
 * org's days at its stores. `timeZone` absent (a saga from before stores were data): UTC, as then.
 */
export function capillaryTime(isoInstant: string | Date, timeZone = 'UTC'): string {
  return localDateTimeSpaced(isoInstant, timeZone);
}

/**
 * "YYYY-MM-DD", the store's calendar day of the instant: a return's `purchase_time` (vendors.md §2
 * "(original date)"; the documented return sample, test/fixtures/capillary/transaction-return.request.json,
 * sends `"purchase_time": "2018-04-01"`).
 */
export function capillaryDate(isoInstant: string, timeZone = 'UTC'): string {
  return localDate(isoInstant, timeZone);
}

/**
 * points × ratio as an exact decimal string (ratio "0.01" × 150 = "1.50"): the ratio is money per
 * point, so it goes through decimal digits, never float multiplication.
 */
export function multiplyDecimal(points: number, ratio: number | string): string | undefined {
  const text = typeof ratio === 'number' ? ratio.toFixed(10) : ratio.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m || !Number.isSafeInteger(points)) return undefined;
  const fraction = m[2] ?? '';
  const product = (BigInt(points) * BigInt(m[1] + fraction)).toString().padStart(fraction.length + 1, '0');
  return fraction.length ? `${product.slice(0, -fraction.length)}.${product.slice(-fraction.length)}` : product;
}
