import { assertMayCreateAt, maySeeCheckout, type Principal } from '../../src/access/principal';
import { ProblemException } from '../../src/common/problem';
import { roleAllows } from '../../core/access/roles';

const key = (scope: Partial<Principal> = {}): Principal => ({ keyId: 'k', role: 'pos', merchant: 'demo', store: null, till: null, rateLimitPerMinute: 1, ...scope });

function refusal(fn: () => void): ProblemException['problem'] | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ProblemException) return err.problem;
    throw err;
  }
}

describe('access scope', () => {
  it('lets a merchant-wide key create at any store and till', () => {
    expect(refusal(() => assertMayCreateAt(key(), 'S9', 'T9'))).toBeUndefined();
  });

  it('refuses a store-scoped key another store with 403 naming store', () => {
    expect(refusal(() => assertMayCreateAt(key({ store: 'S1' }), 'S2', 'T1'))).toMatchObject({ status: 403, errors: [{ field: 'store' }] });
    expect(refusal(() => assertMayCreateAt(key({ store: 'S1' }), 'S1', 'T7'))).toBeUndefined();
  });

  it('refuses a till-scoped key another till with 403 naming till', () => {
    expect(refusal(() => assertMayCreateAt(key({ store: 'S1', till: 'T1' }), 'S1', 'T2'))).toMatchObject({ status: 403, errors: [{ field: 'till' }] });
    expect(refusal(() => assertMayCreateAt(key({ store: 'S1', till: 'T1' }), 'S1', 'T1'))).toBeUndefined();
  });

  it('shows a checkout only inside the key merchant, store and till', () => {
    const id = 'checkout:demo:S1:T1:REF1';
    expect(maySeeCheckout(key(), id)).toBe(true);
    expect(maySeeCheckout(key({ store: 'S1' }), id)).toBe(true);
    expect(maySeeCheckout(key({ store: 'S1', till: 'T1' }), id)).toBe(true);
    expect(maySeeCheckout(key({ merchant: 'other' }), id)).toBe(false);
    expect(maySeeCheckout(key({ store: 'S2' }), id)).toBe(false);
    expect(maySeeCheckout(key({ store: 'S1', till: 'T2' }), id)).toBe(false);
  });

  it('does not take a prefix of the merchant or a malformed id for a match', () => {
    expect(maySeeCheckout(key({ merchant: 'dem' }), 'checkout:demo:S1:T1:R')).toBe(false);
    expect(maySeeCheckout(key(), 'void:checkout:demo:S1:T1:R')).toBe(false);
    expect(maySeeCheckout(key(), 'demo')).toBe(false);
  });

  it('lets admin call every route and other roles only their own', () => {
    expect(roleAllows('admin', ['pos'])).toBe(true);
    expect(roleAllows('pos', ['pos', 'admin'])).toBe(true);
    expect(roleAllows('finance', ['pos', 'admin'])).toBe(false);
    expect(roleAllows('ops', [])).toBe(false);
  });
});
