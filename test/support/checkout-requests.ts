/** The design's reference request (design.md §4), narrowed to what the one-shot path accepts today. */
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
