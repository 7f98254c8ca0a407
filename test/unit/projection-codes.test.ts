import { randomBytes } from 'node:crypto';
import { hideProjectionCodes, holdsClearCodes, openProjectionCodes, sealProjectionCodes } from '../../core/checkouts/projection-codes';
import { EncryptionCodec } from '../../core/temporal/encryption-codec';
import type { CheckoutReceipt, CheckoutView } from '../../workflows/checkout.contract';

const CODE = 'CT-77X9-2Q41';
const CAPILLARY_CODE = 'CAP9Z1';

const receipt = {
  currency: 'EUR', totalMinor: 1000, amountDueMinor: 800, paidMinor: 800, awardedMinor: 0, spentMinor: 0, pointsRedeemed: 0, pointsValueMinor: 0,
  coupons: [
    { provider: 'coupontools', code: CODE, valueMinor: 150 },
    { provider: 'capillary', code: CAPILLARY_CODE, valueMinor: 50, redemptionId: 'R1' },
  ],
  references: { capillaryTransactionId: 'T-1' },
  exceptions: [{ vendor: 'capillary', code: 'COUPON_REFUSED', reason: `coupon ${CAPILLARY_CODE} reactivate did not complete` }],
} as unknown as CheckoutReceipt;

const view = {
  checkoutId: 'checkout:m:S1:T1:R1',
  state: 'voided',
  quote: { coupons: [{ provider: 'coupontools', code: CODE, accepted: true, valueMinor: 150 }, { provider: 'coupontools', code: 'AB1', accepted: false, refusal: { vendor: 'coupontools', code: 'USED', reason: 'coupon AB1 used' } }] },
  receipt,
  compensations: [{ step: `release coupon coupontools:${CODE}`, outcome: 'done' }],
  void: {
    exceptions: [{ vendor: 'coupontools', code: 'NON_COMPENSABLE', reason: `coupon ${CODE} was validated at Coupontools, which has no undo` }],
    nonCompensable: [{ vendor: 'coupontools', code: CODE }],
    references: {},
  },
} as unknown as CheckoutView;

describe('coupon codes in the checkouts projection', () => {
  const key = randomBytes(32);
  const codec = new EncryptionCodec('k1', key);

  it('tells a view written with codes in clear (before sealing) from a sealed one, a code with a line break in a release step included', () => {
    expect(holdsClearCodes(view)).toBe(true);
    expect(holdsClearCodes(sealProjectionCodes({ view, receipt }, codec).view)).toBe(false);
    const released = { checkoutId: 'checkout:m:S1:T1:R2', state: 'compensated', compensations: [{ step: 'release coupon capillary:AB\nCD', outcome: 'done' }] } as unknown as CheckoutView;
    expect(holdsClearCodes(released)).toBe(true);
    const sealed = sealProjectionCodes({ view: released, receipt: null }, codec).view;
    expect(holdsClearCodes(sealed)).toBe(false);
    expect(JSON.stringify(sealed)).not.toContain('AB\\nCD');
    expect(holdsClearCodes({ checkoutId: 'checkout:m:S1:T1:R3', state: 'completed', compensations: [] } as unknown as CheckoutView)).toBe(false);
  });

  it('seals once: a sealed row is left as it is, a short code named in a release step (not sealed in texts) included', () => {
    const sealed = sealProjectionCodes({ view, receipt }, codec);
    expect(sealProjectionCodes(sealed, codec)).toEqual(sealed);
    const short = {
      checkoutId: 'checkout:m:S1:T1:R4',
      state: 'compensated',
      quote: { coupons: [{ provider: 'capillary', code: 'AB1', accepted: true, valueMinor: 100 }] },
      compensations: [{ step: 'release coupon capillary:AB1', outcome: 'done' }],
    } as unknown as CheckoutView;
    const once = sealProjectionCodes({ view: short, receipt: null }, codec).view;
    expect(once.quote?.coupons[0].code).toMatch(/^sealed-code:k1:/);
    expect(holdsClearCodes(once)).toBe(false);
    expect(sealProjectionCodes({ view: once, receipt: null }, codec).view).toEqual(once);
    expect(openProjectionCodes(once, codec).quote?.coupons[0].code).toBe('AB1');
  });

  it('seals every coupon code and every reason quoting one, one token per code, and nothing else', () => {
    const stored = sealProjectionCodes({ view, receipt }, codec);
    const text = JSON.stringify(stored);
    expect(text).not.toContain(CODE);
    expect(text).not.toContain(CAPILLARY_CODE);
    const token = stored.view.receipt?.coupons[0].code as string;
    expect(token).toMatch(/^sealed-code:k1:[A-Za-z0-9_-]+;$/);
    // The same code is the same token across the document (the report matches a void's coupon to its value by it).
    expect(stored.view.void?.nonCompensable[0].code).toBe(token);
    expect(stored.view.quote?.coupons[0].code).toBe(token);
    expect(stored.receipt?.coupons[0].code).toBe(token);
    expect(stored.view.void?.exceptions[0].reason).toBe(`coupon ${token} was validated at Coupontools, which has no undo`);
    // Refusal codes are ours, not coupons: untouched.
    expect(stored.view.void?.exceptions[0].code).toBe('NON_COMPENSABLE');
    expect(stored.view.receipt?.exceptions[0].code).toBe('COUPON_REFUSED');
    // A 3-character code is sealed where it is a code, not searched for in texts.
    expect(stored.view.quote?.coupons[1].code).toMatch(/^sealed-code:/);
    expect(stored.view.quote?.coupons[1].refusal?.reason).toBe('coupon AB1 used');
    expect(stored.view.compensations[0].step).toBe(`release coupon coupontools:${token}`);
    expect(stored.view.checkoutId).toBe(view.checkoutId);
  });

  it('opens back to the document the saga recorded, also after the key moved to the old keys', () => {
    const stored = sealProjectionCodes({ view, receipt }, codec);
    expect(openProjectionCodes(stored, codec)).toEqual({ view, receipt });
    const rotated = new EncryptionCodec('k2', randomBytes(32), { k1: key });
    expect(openProjectionCodes(stored.view, rotated)).toEqual(view);
    // A token whose key is gone stays a token (no crash, no clear code).
    const forgotten = openProjectionCodes(stored.view, new EncryptionCodec('k3', randomBytes(32)));
    expect(JSON.stringify(forgotten)).not.toContain(CODE);
  });

  it('seals a code quoted as a word in any case, not inside a longer reference, and opens a token followed by a letter', () => {
    const quoting = {
      ...view,
      failureReason: `coupontools refused ${CODE.toLowerCase()}; bill P${CODE}9 stays`,
      compensations: [{ step: `release coupon coupontools:${CODE}x`, outcome: 'done' }],
    } as unknown as CheckoutView;
    const stored = sealProjectionCodes({ view: quoting, receipt }, codec);
    expect(stored.view.failureReason).toMatch(/^coupontools refused sealed-code:k1:[A-Za-z0-9_-]+;; bill P/);
    expect(stored.view.failureReason).toContain(`bill P${CODE}9 stays`);
    // The release names another code (its own coupon): that one is sealed too, and opens back.
    expect(JSON.stringify(stored.view.compensations)).not.toContain(`${CODE}x`);
    expect(openProjectionCodes(stored.view, codec).compensations).toEqual(quoting.compensations);
  });

  it('seals the codes an unwind names before any quote was recorded (a reserve refused after its coupon was held)', () => {
    const unwound = {
      checkoutId: 'checkout:m:S1:T1:R2', state: 'compensated',
      rejection: { step: 'identify', vendor: 'crmcom', code: 'NOT_FOUND', reason: 'customer not found' },
      failureReason: `release coupon coupontools:${CODE}: HTTP 503`,
      compensations: [{ step: `release coupon coupontools:${CODE}`, outcome: 'failed', reason: 'HTTP 503' }],
    } as unknown as CheckoutView;
    const stored = sealProjectionCodes({ view: unwound, receipt: null }, codec);
    expect(JSON.stringify(stored)).not.toContain(CODE);
    expect(hideProjectionCodes(stored.view.failureReason)).toBe('release coupon coupontools:[coupon]: HTTP 503');
    expect(openProjectionCodes(stored.view, codec)).toEqual(unwound);
  });

  it('hides tokens as [coupon] for readers that must not show codes; a view without coupons is stored as it is', () => {
    const stored = sealProjectionCodes({ view, receipt }, codec);
    expect(hideProjectionCodes(stored.view.void?.exceptions[0].reason)).toBe('coupon [coupon] was validated at Coupontools, which has no undo');
    const plain = { ...view, quote: undefined, receipt: undefined, void: undefined, compensations: [] } as unknown as CheckoutView;
    expect(sealProjectionCodes({ view: plain, receipt: null }, codec)).toEqual({ view: plain, receipt: null });
  });
});
