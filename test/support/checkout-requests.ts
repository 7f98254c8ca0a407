import request from 'supertest';

/** The design's request (design.md §4) with a CRM.COM customer; `overrides` replace top-level fields. */
export function oneShotCheckoutBody(posReference: string, overrides: Record<string, unknown> = {}) {
  return {
    store: 'S1',
    till: 'T1',
    posReference,
    performedOn: '2026-11-21T10:00:00Z',
    currency: 'EUR',
    customer: { provider: 'crmcom', identifier: { type: 'code', value: '22265577' } },
    lines: [
      { sku: 'Soft Drinks', description: 'Cola 330ml', quantity: 1, totalAmount: '10.00', netAmount: '8.00', vatAmount: '2.00' },
    ],
    complete: true,
    ...overrides,
  };
}

/**
 * The design's reference checkout, every vendor: CRM.COM purchase and spend, a Coupontools coupon
 * (a fresh session, created in the sandbox), Capillary points for the documented customer, CMC
 * post-tender. 70.00 so the sandbox's CMC POS rule fires and returns the QR widget.
 */
export async function referenceCheckoutBody(sandboxUrl: string, posReference: string, overrides: Record<string, unknown> = {}) {
  const coupon = `cpn${posReference.replace(/[^A-Za-z0-9]/g, '')}`;
  await request(sandboxUrl).post('/_sandbox/coupontools/sessions').send({ code: coupon, value: '5.00' }).expect(201);
  return {
    ...oneShotCheckoutBody(posReference),
    lines: [
      { sku: 'Soft Drinks', description: 'Cola 330ml', quantity: 2, totalAmount: '20.00', netAmount: '16.00', vatAmount: '4.00' },
      { sku: 'Sandwiches', description: 'Club', quantity: 2, totalAmount: '50.00', netAmount: '40.00', vatAmount: '10.00' },
    ],
    spend: { amount: '5.00' },
    points: { provider: 'capillary', points: 100, identifier: { type: 'phone', value: '919999999999' } },
    coupons: [{ provider: 'coupontools', code: coupon }],
    postTender: { provider: 'cmc' },
    complete: false,
    ...overrides,
  };
}
