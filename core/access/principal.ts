import type { Role } from './roles';

/** Who is calling: the key's id, role and scope. The merchant of every request comes from here. */
export interface Principal {
  keyId: string;
  role: Role;
  merchant: string;
  /** Null: every store of the merchant. */
  store: string | null;
  /** Null: every till in scope. */
  till: string | null;
  rateLimitPerMinute: number;
}

/**
 * Whether the caller may see a checkout, from its id `checkout:<merchant>:<store>:<till>:<posReference>`
 * (merchant, store and till never contain ':'). Callers answer 404 when not: another merchant's or
 * store's checkout does not exist for this key.
 */
export function maySeeCheckout(principal: Principal, checkoutId: string): boolean {
  const [kind, merchant, store, till] = checkoutId.split(':');
  if (kind !== 'checkout' || merchant !== principal.merchant) return false;
  if (principal.store !== null && store !== principal.store) return false;
  return principal.till === null || till === principal.till;
}
