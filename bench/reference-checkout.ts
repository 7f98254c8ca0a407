/**
 * The design's reference checkout (design.md §9), one-shot: CRM.COM purchase and spend, one
 * Coupontools coupon, Capillary points redeem, CMC post-tender. The same body as
 * test/support/checkout-requests.ts `referenceCheckoutBody` with `complete: true`; each checkout
 * needs its own claimed Coupontools session, created beforehand through the sandbox admin API.
 */
export function referenceCheckout(posReference: string, couponCode: string) {
  return {
    store: 'S1',
    till: 'T1',
    posReference,
    performedOn: '2026-11-21T10:00:00Z',
    currency: 'EUR',
    customer: { provider: 'crmcom', identifier: { type: 'code', value: '22265577' } },
    lines: [
      { sku: 'Soft Drinks', description: 'Cola 330ml', quantity: 2, totalAmount: '20.00', netAmount: '16.00', vatAmount: '4.00' },
      { sku: 'Sandwiches', description: 'Club', quantity: 2, totalAmount: '50.00', netAmount: '40.00', vatAmount: '10.00' },
    ],
    spend: { amount: '5.00' },
    points: { provider: 'capillary', points: 100, identifier: { type: 'phone', value: '919999999999' } },
    coupons: [{ provider: 'coupontools', code: couponCode }],
    postTender: { provider: 'cmc' },
    complete: true,
  };
}

/** posReference and coupon code of the i-th checkout of a scenario: letters and digits only. */
export function checkoutNames(prefix: string, i: number): { posReference: string; coupon: string } {
  return { posReference: `${prefix}${i}`, coupon: `c${prefix}${i}` };
}

/** The checkout id the API gives a bench checkout (merchant `demo`, store S1, till T1). */
export function benchCheckoutId(posReference: string, merchant = 'demo'): string {
  return `checkout:${merchant}:S1:T1:${posReference}`;
}
