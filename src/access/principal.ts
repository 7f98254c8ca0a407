import { ProblemException } from '../common/problem';
import type { Principal } from '../../core/access/principal';

// Pure and needed by core/ too, so it lives there; re-exported for the API's callers.
export { maySeeCheckout, type Principal } from '../../core/access/principal';

/**
 * A new checkout must lie inside the key's scope: 403 naming the field, since the caller sent the
 * store or till itself (nothing is revealed about anything that exists).
 */
export function assertMayCreateAt(principal: Principal, store: string, till: string): void {
  const errors: Array<{ field: string; message: string }> = [];
  if (principal.store !== null && store !== principal.store) errors.push({ field: 'store', message: `is outside this API key's scope (store ${principal.store})` });
  else if (principal.till !== null && till !== principal.till) errors.push({ field: 'till', message: `is outside this API key's scope (till ${principal.till})` });
  if (errors.length) throw outsideKeyScope(errors);
}

/** 403 problem+json naming each field that lies outside the key's scope. */
export function outsideKeyScope(errors: Array<{ field: string; message: string }>): ProblemException {
  return new ProblemException({
    type: '/problems/outside-key-scope',
    title: "The request lies outside the API key's scope",
    status: 403,
    detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  });
}

/**
 * The store a read is limited to: the key's own store when it has one (asking for another is 403
 * naming `store`), else what the caller asked for (undefined: every store of the merchant).
 */
export function storeInScope(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.store === null) return requested;
  if (requested !== undefined && requested !== principal.store) {
    throw outsideKeyScope([{ field: 'store', message: `is outside this API key's scope (store ${principal.store})` }]);
  }
  return principal.store;
}

/**
 * storeInScope for a read that covers every till of a store (the reconciliation report, audit
 * verify): a key scoped to one till may not read the others', so it is refused (403 naming `till`)
 * rather than given the whole store.
 */
export function wholeStoreInScope(principal: Principal, requested: string | undefined): string | undefined {
  const store = storeInScope(principal, requested);
  if (principal.till !== null) {
    throw outsideKeyScope([{ field: 'till', message: `this covers every till of a store; the API key is scoped to till ${principal.till}` }]);
  }
  return store;
}
