import escapeRegExp from 'escape-string-regexp';
import type { TextSealer } from '../temporal/encryption-codec';
import type { CheckoutReceipt, CheckoutView } from '../../workflows/checkout.contract';

/**
 * Coupon codes at rest in the checkouts projection. A redeemed coupon's code names the customer it
 * was issued to, so the `checkouts` row (view, receipt) and the callback outbox's copy keep it sealed
 * by the payload codec (AES-256-GCM, key id inside, so keys rotate) as a token
 * `sealed-code:<keyId>:<base64url>;`, in place of the code and wherever a reason text or step name
 * quotes it as a word of its own (any case). The
 * rest of the document stays plain JSON that SQL (reports, batch results) reads as before. Readers
 * that answer the POS or the merchant (GET, replays, voids and returns, callbacks, ops) open the
 * tokens; the reconciliation report shows them as `[coupon]`.
 */
export const SEALED_CODE_PREFIX = 'sealed-code:';
/** The `;` ends a token: a letter or digit right after a quoted code is not taken for ciphertext. */
const TOKEN = /sealed-code:([A-Za-z0-9_.-]{1,40}:[A-Za-z0-9_-]+);/g;
/** Shorter codes are not searched for in reason texts (a 1–3 character code would hit ordinary words). */
const MIN_CODE_IN_TEXT = 4;
const COUPON_VENDORS = new Set(['coupontools', 'capillary']);
/** Texts that may quote a code: reasons, and step names (`release coupon coupontools:<code>` in compensations). */
const TEXT_KEYS = new Set(['reason', 'failureReason', 'step']);

type Projection = { view: CheckoutView; receipt: CheckoutReceipt | null };

/** The view and receipt as the projection stores them: every coupon code sealed, one token per code. */
export function sealProjectionCodes(projection: Projection, sealer: TextSealer): Projection {
  const codes = clearCodesOf(projection.view);
  if (!codes.size) return projection;
  const tokens = new Map([...codes].map((code) => [code, `${SEALED_CODE_PREFIX}${sealer.sealText(code)};`]));
  // Longest first, each as a word of its own (not inside a longer reference), in any case a vendor wrote it.
  const inText = [...tokens]
    .filter(([code]) => code.length >= MIN_CODE_IN_TEXT)
    .sort(([a], [b]) => b.length - a.length)
    .map(([code, token]) => [new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(code)}(?![A-Za-z0-9])`, 'gi'), token] as const);
  const seal = <T>(value: T): T =>
    mapDeep(value, (text, key, parent) => {
      if (key === 'code' && tokens.has(text) && isCouponEntry(parent)) return tokens.get(text) as string;
      if (!TEXT_KEYS.has(key)) return text;
      return inText.reduce((t, [pattern, token]) => t.replace(pattern, () => token), text);
    });
  return { view: seal(projection.view), receipt: projection.receipt && seal(projection.receipt) };
}

/**
 * Whether sealing would change the row: it names a coupon code in clear where sealing seals it (a row
 * written before codes were sealed at rest: legacy-projection-codes.ts). Exactly what sealing changes,
 * so a sealed row (a short code left in a step name included) is never taken for one to seal again.
 */
export function holdsClearCodes(view: CheckoutView): boolean {
  if (clearCodesOf(view).size === 0) return false;
  const unchanged = { sealText: () => '', openText: () => '' } satisfies TextSealer;
  return JSON.stringify(sealProjectionCodes({ view, receipt: null }, unchanged).view) !== JSON.stringify(view);
}

/** The sale's coupon codes not sealed yet: a token found where a code goes is never sealed inside another. */
function clearCodesOf(view: CheckoutView): Set<string> {
  return new Set([...couponCodesOf(view)].filter((code) => !code.startsWith(SEALED_CODE_PREFIX)));
}

/** The document with every token opened (a token whose key is no longer configured stays as it is). */
export function openProjectionCodes<T>(value: T, sealer: TextSealer): T {
  return mapDeep(value, (text) =>
    text.includes(SEALED_CODE_PREFIX)
      ? text.replace(TOKEN, (token, sealed: string) => {
          try {
            return sealer.openText(sealed);
          } catch {
            return token;
          }
        })
      : text,
  );
}

/** The document with every token shown as `[coupon]`: for readers that must not show codes. */
export function hideProjectionCodes<T>(value: T): T {
  return mapDeep(value, (text) => (text.includes(SEALED_CODE_PREFIX) ? text.replace(TOKEN, '[coupon]') : text));
}

/** A held coupon's release, as the reserve names its compensation (workflows/reserve-levels.ts). */
const RELEASE_STEP = /^release coupon (?:coupontools|capillary):(.+)$/s; // `s`: a code may hold a line break

/**
 * The codes of the sale's coupons: quoted, redeemed, named by a void or a return as not undone, and
 * released by an unwind (a reserve rejected or failed before its quote was recorded names them only there).
 */
function couponCodesOf(view: CheckoutView): Set<string> {
  const codes = new Set<string>();
  for (const c of view.compensations ?? []) {
    const released = RELEASE_STEP.exec(c.step)?.[1];
    if (released) codes.add(released);
  }
  for (const c of view.quote?.coupons ?? []) codes.add(c.code);
  for (const c of view.receipt?.coupons ?? []) codes.add(c.code);
  for (const n of view.void?.nonCompensable ?? []) if (COUPON_VENDORS.has(n.vendor)) codes.add(n.code);
  for (const item of view.returns?.items ?? []) for (const n of item.nonCompensable) if (COUPON_VENDORS.has(n.vendor)) codes.add(n.code);
  codes.delete('');
  return codes;
}

/** A coupon (`provider`) or a coupon named as not undone (`vendor` of a coupon vendor), never a refusal (its `code` is ours). */
function isCouponEntry(parent: Record<string, unknown>): boolean {
  if (typeof parent.provider === 'string') return true;
  return typeof parent.vendor === 'string' && COUPON_VENDORS.has(parent.vendor) && !('reason' in parent);
}

/** A deep copy with `fn` applied to every string value (its key and the object holding it). */
function mapDeep<T>(value: T, fn: (text: string, key: string, parent: Record<string, unknown>) => string): T {
  const walk = (v: unknown, key: string, parent: Record<string, unknown>): unknown => {
    if (typeof v === 'string') return fn(v, key, parent);
    if (Array.isArray(v)) return v.map((item) => walk(item, key, parent));
    if (v && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      return Object.fromEntries(Object.entries(obj).map(([k, item]) => [k, walk(item, k, obj)]));
    }
    return v;
  };
  return walk(value, '', {}) as T;
}
