import type { CustomerRefHasher } from './customer-ref';

/**
 * Identifiers a vendor holds for a customer (CRM.COM account number and id, wallet number, contact
 * id; Capillary user id; a coupon code, which names the customer it was issued to) are kept in audit
 * rows only as keyed references (`hmac:` + HMAC-SHA256 under AUDIT_HMAC_KEY, as customer_ref): rows
 * of one account still group and join, and the same identifier always gives the same reference, so
 * a recovered effect still finds its row (hasRecordedEffect). A transaction reference the vendor
 * issues (a purchase, spend or bill number, a redemption id) is not a customer identifier and stays.
 *
 * Applied by the audit writer to every vendor call's excerpts and vendor reference, before the row is
 * chained: nothing in clear is ever written.
 */

/**
 * Keys that name a customer identifier at one vendor only: a Coupontools coupon session is named by
 * its code (`couponsession` in requests, `session` and the session's URL in answers).
 */
const VENDOR_IDENTIFIER_KEYS: Record<string, Record<string, string>> = {
  coupontools: { couponsession: 'coupon', session: 'coupon', session_url: 'coupon.url' },
};

/** Which identifier a key names, by the key and the key of the object holding it (and the vendor, when known). */
function identifierKindOf(key: string, parent: string | undefined, insideCoupon: boolean, vendor?: string): string | undefined {
  const k = key.toLowerCase();
  const p = parent?.toLowerCase();
  const ofVendor = vendor ? VENDOR_IDENTIFIER_KEYS[vendor]?.[k] : undefined;
  if (ofVendor) return ofVendor;
  if (k === 'user_id' || k === 'userid') return 'capillary.user';
  if (p && ACCOUNT_HOLDERS.has(p) && (k === 'number' || k === 'id')) return `account.${p}`;
  if (k === 'coupon_code' || k === 'couponcode' || k === 'voucher_code') return 'coupon';
  if (k === 'code' && insideCoupon && !(p && /status/.test(p))) return 'coupon';
  return undefined;
}

/** Objects whose `number` or `id` is the customer's account (CRM.COM legacy and back-office). */
const ACCOUNT_HOLDERS = new Set(['accounts_receivable', 'accounts_receivable_identifier', 'wallet', 'wallet_identifier', 'account', 'account_identifier', 'contact', 'contact_identifier']);

const COUPON_KEY = /coupon|voucher|redeemable/i;

/**
 * Vendor lists whose items are the customer's account, by vendor and operation: the items of their
 * paged `content` are read as the holder named here (CRM.COM back-office's contact search answers
 * `content: [{ id, number, … }]`, the contact's id and number).
 */
const LISTS_OF_HOLDERS: Record<string, Record<string, string>> = {
  crmcom: { 'customers.list': 'contact' },
};

/** The excerpt with every customer identifier replaced by its keyed reference (deep; arrays included). */
export function keyedExcerpt(value: unknown, hasher: CustomerRefHasher, call?: { vendor: string; operation: string }): unknown {
  const listHolder = call ? LISTS_OF_HOLDERS[call.vendor]?.[call.operation] : undefined;
  const visit = (v: unknown, parent: string | undefined, insideCoupon: boolean, depth: number): unknown => {
    if (depth > 16 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      const itemParent = listHolder && depth === 1 && parent === 'content' ? listHolder : parent;
      return v.map((item) => visit(item, itemParent, insideCoupon, depth + 1));
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
      const kind = identifierKindOf(key, parent, insideCoupon, call?.vendor);
      out[key] =
        kind && (typeof item === 'string' || typeof item === 'number') && String(item) !== ''
          ? hasher.refOf({ type: kind, value: String(item) })
          : visit(item, key, insideCoupon || COUPON_KEY.test(key), depth + 1);
    }
    return out;
  };
  return visit(value, undefined, false, 0);
}

/**
 * Vendor operations whose vendor reference is the customer's identifier, not a transaction's: the
 * account an identify found, the user a lookup or enrolment found, the coupon code a Coupontools
 * session is named by.
 */
const IDENTIFYING_REFERENCES: Record<string, Record<string, string> | string> = {
  crmcom: { 'rewards_participants.show': 'account.accounts_receivable', 'customers.list': 'account.contact' },
  capillary: { 'customer.get': 'capillary.user', 'customer.add': 'capillary.user' },
  coupontools: 'coupon',
};

export function keyedVendorReference(vendor: string, operation: string, reference: string | null, hasher: CustomerRefHasher): string | null {
  if (reference === null || reference === '') return reference;
  const rule = IDENTIFYING_REFERENCES[vendor];
  const kind = typeof rule === 'string' ? rule : rule?.[operation];
  return kind ? hasher.refOf({ type: kind, value: reference }) : reference;
}
