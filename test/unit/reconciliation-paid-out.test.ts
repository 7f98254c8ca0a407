import type { CheckoutReceipt, CheckoutView } from '../../workflows/checkout.contract';
import { addCheckoutEvent, emptyFigures } from '../../src/reports/reconciliation-figures';
import type { CheckoutDayEvent } from '../../src/reports/reconciliation.types';

const receipt = (spentMinor: number, paidOutMinor?: number): CheckoutReceipt => ({
  currency: 'EUR',
  totalMinor: 1000,
  amountDueMinor: paidOutMinor ? 1000 : 1000 - spentMinor,
  paidMinor: paidOutMinor ? 1000 : 1000 - spentMinor,
  awardedMinor: 10,
  spentMinor,
  pointsRedeemed: 0,
  pointsValueMinor: 0,
  coupons: [],
  ...(paidOutMinor && { crmcomPaidOut: { spendMinor: paidOutMinor } }),
  references: { crmcomPurchaseNumber: 'p' },
  exceptions: [],
});
const event = (kind: 'completed' | 'voided', r: CheckoutReceipt): CheckoutDayEvent => ({
  checkoutId: 'c',
  till: 'T1',
  currency: 'EUR',
  event: kind,
  at: '2026-12-05T10:00:00Z',
  totalMinor: 1000,
  view: { checkoutId: 'c', state: kind, compensations: [], receipt: r } as CheckoutView,
  failureReason: null,
  vendorAmounts: {},
});

describe('reconciliation figures: back-end payouts apart from till discounts', () => {
  it('counts a front-end spend as deducted, a back-end one as paid out, on sales and on voids', () => {
    const f = emptyFigures('T1', 'EUR');
    addCheckoutEvent(f, event('completed', receipt(300)));
    addCheckoutEvent(f, event('completed', receipt(400, 400)));
    expect(f.spends).toEqual({ count: 2, requestedMinor: 0, amountMinor: 300, paidOutMinor: 400 });
    addCheckoutEvent(f, event('voided', receipt(300)));
    addCheckoutEvent(f, event('voided', receipt(400, 400)));
    expect(f.voids).toMatchObject({ count: 2, spendsReversedMinor: 300, paidOutMinor: 400 });
  });
});
