import { decodeAuditCursor, encodeAuditCursor } from '../../src/audit/audit-cursor';
import { buildReconciliation, purposeOf } from '../../src/reports/reconciliation-builder';
import { renderReconciliationCsv } from '../../src/reports/reconciliation-csv';
import type { CheckoutDayEvent, ReconciliationFacts } from '../../src/reports/reconciliation.types';
import type { CheckoutReceipt, CheckoutView } from '../../workflows/checkout.contract';
import { readCsvTable } from '../support/csv-table';

const receipt = (over: Partial<CheckoutReceipt> = {}): CheckoutReceipt => ({
  currency: 'EUR', totalMinor: 2000, amountDueMinor: 1500, paidMinor: 1500, awardedMinor: 20, spentMinor: 300,
  pointsRedeemed: 200, pointsValueMinor: 200, coupons: [{ provider: 'coupontools', code: 'C1', valueMinor: 500 }],
  references: { crmcomPurchaseNumber: 'P1', crmcomSpendNumber: 'S1' }, exceptions: [], ...over,
});
const view = (over: Partial<CheckoutView> = {}): CheckoutView => ({ checkoutId: 'x', state: 'completed', compensations: [], ...over });
const event = (over: Partial<CheckoutDayEvent>): CheckoutDayEvent => ({
  checkoutId: 'c1', till: 'T1', currency: 'EUR', event: 'completed', at: '2026-11-21T10:00:00.000+02:00', totalMinor: 2000,
  view: view({ receipt: receipt() }), failureReason: null, vendorAmounts: {}, ...over,
});
const facts = (checkoutEvents: CheckoutDayEvent[]): ReconciliationFacts => ({
  merchant: 'demo', store: 'S1', date: '2026-11-21', timeZone: 'Asia/Nicosia', timeZoneSource: 'store',
  from: '2026-11-21T00:00:00.000+02:00', to: '2026-11-22T00:00:00.000+02:00', generatedAt: '2026-11-22T01:00:00.000+02:00',
  checkoutEvents, returns: [{ checkoutId: 'c1', till: 'T2', currency: 'EUR', at: '2026-11-21T12:00:00.000+02:00', amountMinor: 700, refundMinor: 600, awardReversedMinor: 7, pointsReversed: 10, pointsValueReversedMinor: 100 }],
  vendorCalls: [
    { till: 'T1', vendor: 'crmcom', step: 'purchase', operation: 'purchases.create', outcome: 'success', currency: 'EUR', count: 2, amountMinor: 40 },
    { till: 'T1', vendor: 'crmcom', step: 'purchase', operation: 'purchases.create', outcome: 'failed', currency: 'EUR', count: 1, amountMinor: 0 },
    { till: 'T1', vendor: 'crmcom', step: 'void purchase', operation: 'purchases.cancel', outcome: 'success', currency: 'EUR', count: 1, amountMinor: 0 },
  ],
});

describe(buildReconciliation.name, () => {
  it('adds sales, voids, returns and failures per till, and the store total is their sum', () => {
    const report = buildReconciliation(facts([
      event({ checkoutId: 'a' }),
      event({ checkoutId: 'b', till: 'T2', totalMinor: 1000, view: view({ receipt: receipt({ totalMinor: 1000, amountDueMinor: 1000, paidMinor: 1000, spentMinor: 0, pointsRedeemed: 0, pointsValueMinor: 0, coupons: [], references: {} }) }) }),
      event({ checkoutId: 'a', event: 'voided', view: view({ state: 'voided', receipt: receipt(), void: { exceptions: [], nonCompensable: [], references: {} } }) }),
      event({ checkoutId: 'c', event: 'compensated', view: view({ state: 'compensated', compensations: [{ step: 'void purchase', outcome: 'done' }] }) }),
      event({ checkoutId: 'd', event: 'compensated', view: view({ state: 'compensated', rejection: { step: 'identify', vendor: 'crmcom', code: 'X', reason: 'unknown' } }) }),
    ]));
    const t1 = report.tills.find((t) => t.till === 'T1');
    expect(t1).toMatchObject({
      sales: { count: 1, totalMinor: 2000, amountDueMinor: 1500, paidMinor: 1500 },
      awards: { count: 1, amountMinor: 20 }, spends: { count: 1, amountMinor: 300 },
      couponDiscounts: { count: 1, amountMinor: 500 }, pointsRedeemed: { count: 1, points: 200, amountMinor: 200 },
      voids: { count: 1, totalMinor: 2000, awardsReversedMinor: 20, spendsReversedMinor: 300, pointsReversed: 200 },
      compensations: { checkouts: 1, undone: 1, failed: 0 }, failures: { compensated: 1, rejected: 1 },
    });
    expect(report.tills.find((t) => t.till === 'T2')).toMatchObject({ sales: { count: 1, totalMinor: 1000 }, awards: { count: 0 }, returns: { count: 1, amountMinor: 700, refundMinor: 600, awardReversedMinor: 7, pointsReversed: 10, pointsValueReversedMinor: 100 } });
    expect(report.totals).toEqual([expect.objectContaining({ till: null, sales: expect.objectContaining({ count: 2, totalMinor: 3000 }), returns: { count: 1, amountMinor: 700, refundMinor: 600, awardReversedMinor: 7, pointsReversed: 10, pointsValueReversedMinor: 100 } })]);
    expect(report.vendors).toEqual([
      expect.objectContaining({ vendor: 'crmcom', purpose: 'compensation', operation: 'purchases.cancel', succeeded: 1 }),
      expect.objectContaining({ vendor: 'crmcom', purpose: 'sale', operation: 'purchases.create', succeeded: 2, failed: 1, amountMinor: 40 }),
    ]);
  });

  it('lists every exception with the figures that disagree', () => {
    const report = buildReconciliation(facts([
      event({ checkoutId: 'short', view: view({ quote: { loyalty: { requestedSpendMinor: 500, expectedAwardMinor: 20, walletBalanceMinor: 0, automaticSpendMinor: 0, maxSpendMinor: 790 } } as CheckoutView['quote'], receipt: receipt({ exceptions: [{ vendor: 'coupontools', code: '514', reason: 'used' }] }) }), vendorAmounts: { 'cmc:pos.transaction': 1400 } }),
      event({ checkoutId: 'failed', event: 'compensation_failed', failureReason: 'points reverse: 810' }),
      event({ checkoutId: 'exp', event: 'expired', view: view({ commitment: { discounts: { spendMinor: 100, automaticSpendMinor: 0, pointsMinor: 0, couponsMinor: 0 } } as CheckoutView['commitment'] }) }),
      event({ checkoutId: 'v', event: 'voided', view: view({ receipt: receipt(), void: { exceptions: [{ vendor: 'coupontools', code: 'NON_COMPENSABLE', reason: 'no undo' }], nonCompensable: [{ vendor: 'coupontools', code: 'C1' }], references: {} } }) }),
    ]));
    const summary = report.exceptions.map((x) => [x.checkoutId, x.kind, x.code, x.figures]);
    expect(summary).toEqual([
      ['short', 'after_payment_refusal', '514', { amountDueMinor: 1500 }],
      ['short', 'amount_mismatch', 'SPEND_BELOW_REQUEST', { requestedMinor: 500, approvedMinor: 300 }],
      ['short', 'amount_mismatch', 'CMC_AMOUNT_DIFFERS', { posAmountDueMinor: 1500, vendorAmountMinor: 1400 }],
      ['failed', 'compensation_failed', 'COMPENSATION_FAILED', { totalMinor: 2000 }],
      ['exp', 'expired_after_commit', 'EXPIRED_AFTER_COMMIT', { spendMinor: 100, automaticSpendMinor: 0, pointsMinor: 0, couponsMinor: 0 }],
      ['v', 'non_compensable', 'NON_COMPENSABLE', { couponValueMinor: 500 }],
    ]);
  });

  it('renders the same figures as CSV, one figure a row', () => {
    const report = buildReconciliation(facts([event({})]));
    const rows = readCsvTable(renderReconciliationCsv(report));
    const t1 = rows.filter((r) => r.section === 'till' && r.till === 'T1');
    expect(Object.fromEntries(t1.map((r) => [r.figure, Number(r.value)]))).toMatchObject({ 'sales.count': 1, 'sales.totalMinor': 2000, 'awards.amountMinor': 20 });
    expect(rows.filter((r) => r.section === 'vendor')).toHaveLength(report.vendors.length * 5);
  });

  it('shows a CMC sale whose outcome is unknown (not sent again after a lost answer) as its own exception and vendor figure', () => {
    const unknown = { vendor: 'cmc', code: 'OUTCOME_UNKNOWN', reason: 'may have reached ClearLine' };
    const f = facts([event({ checkoutId: 'lost', view: view({ receipt: receipt({ exceptions: [unknown] }) }) })]);
    f.vendorCalls.push({ till: 'T1', vendor: 'cmc', step: 'post-tender', operation: 'pos.transaction', outcome: 'unknown', currency: 'EUR', count: 1, amountMinor: 1500 });
    const report = buildReconciliation(f);
    expect(report.exceptions.map((x) => [x.checkoutId, x.kind, x.vendor, x.code, x.figures])).toEqual([['lost', 'outcome_unknown', 'cmc', 'OUTCOME_UNKNOWN', { amountDueMinor: 1500 }]]);
    expect(report.vendors).toContainEqual(expect.objectContaining({ vendor: 'cmc', operation: 'pos.transaction', succeeded: 0, failed: 0, unknown: 1, amountMinor: 0 }));
    const csv = readCsvTable(renderReconciliationCsv(report));
    expect(csv.filter((r) => r.section === 'exception').map((r) => [r.exception, r.code, r.figure, r.value])).toEqual([['outcome_unknown', 'OUTCOME_UNKNOWN', 'amountDueMinor', '1500']]);
  });

  it('writes a vendor text that a spreadsheet would run as a formula as plain text, and negative figures as numbers', () => {
    const formula = { vendor: 'cmc', code: '@SUM(1+1)', reason: '=HYPERLINK("http://evil.example","click")' };
    const f = facts([event({ checkoutId: 'odd', view: view({ receipt: receipt({ exceptions: [formula] }) }) })]);
    f.vendorCalls.push({ till: 'T1', vendor: 'cmc', step: 'post-tender', operation: 'pos.transaction', outcome: 'success', currency: 'EUR', count: 1, amountMinor: -150 });
    const csv = readCsvTable(renderReconciliationCsv(buildReconciliation(f)));
    const exception = csv.find((r) => r.section === 'exception' && r.checkout_id === 'odd');
    expect([exception?.code, exception?.reason]).toEqual(["'@SUM(1+1)", `'=HYPERLINK("http://evil.example","click")`]);
    expect(csv.filter((r) => r.section === 'vendor' && r.vendor === 'cmc').map((r) => r.value)).toContain('-150');
  });
});

describe(purposeOf.name, () => {
  it.each([['purchase', 'sale'], ['void purchase', 'compensation'], ['coupon release', 'compensation'], ['void: purchase cancel', 'void'], ['return: transaction', 'return']])('%s is a %s call', (step, purpose) => {
    expect(purposeOf(step)).toBe(purpose);
  });
});

describe(decodeAuditCursor.name, () => {
  it('reads back the id it encoded and refuses anything else naming the cursor', () => {
    expect(decodeAuditCursor(encodeAuditCursor('12345'))).toBe('12345');
    expect(() => decodeAuditCursor('bm9wZQ')).toThrow(expect.objectContaining({ problem: expect.objectContaining({ errors: [expect.objectContaining({ field: 'cursor' })] }) }));
  });
});
