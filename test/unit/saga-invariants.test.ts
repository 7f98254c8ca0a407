import { checkoutViolations, OPERATION_OF, type CheckoutFacts } from '../../bench/saga-invariants';
import type { CheckoutView } from '../../workflows/checkout.contract';
import { REFERENCE_EFFECTS } from '../../bench/invariants';

/** The reference checkout's effects: the bench's own list. */
const SALE_EFFECTS: string[] = [...REFERENCE_EFFECTS];
const once = (effects: string[]) => Object.fromEntries(effects.map((e) => [e, 1]));
const rowsOf = (effects: Record<string, number>) => Object.fromEntries(Object.entries(effects).map(([e, n]) => [OPERATION_OF[e], n]));

const completedView = {
  checkoutId: 'checkout:demo:S1:T1:R1',
  state: 'completed',
  compensations: [],
  receipt: {
    spentMinor: 500,
    pointsRedeemed: 100,
    coupons: [{ provider: 'coupontools', code: 'c1' }],
    references: { crmcomPurchaseNumber: 'P1', crmcomSpendNumber: 'S1', capillaryBillNumber: 'B1', pointsRedemptionId: 'R1', cmcTransactionId: 'T1' },
  },
} as unknown as CheckoutView;

function completed(overrides: Partial<CheckoutFacts> = {}): CheckoutFacts {
  const effects = once(SALE_EFFECTS);
  return {
    ref: 'R1',
    state: 'completed',
    view: completedView,
    effects,
    successRows: rowsOf(effects),
    transitions: ['reserved', 'committed', 'completed'],
    workflow: { status: 'COMPLETED', pendingActivities: 0 },
    ...overrides,
  };
}

const messages = (f: CheckoutFacts) => checkoutViolations(f).map((v) => `${v.kind}: ${v.message}`);

describe('saga invariants of one checkout', () => {
  it('a completed sale with each effect once, one success row each, closed in Temporal: no violation', () => {
    expect(messages(completed())).toEqual([]);
  });

  it('a completed sale whose journal misses the bill (and its row): the view expects it', () => {
    const effects = once(SALE_EFFECTS.filter((e) => e !== 'capillary:transaction.add'));
    expect(messages(completed({ effects, successRows: rowsOf(effects) }))).toEqual([
      'effects: completed but capillary:transaction.add 0x in the journal (expected once)',
    ]);
  });

  it('a completed sale missing its purchase, though the caller expects it and the view has no reference', () => {
    const effects = once(SALE_EFFECTS.filter((e) => e !== 'crmcom:purchase.create'));
    const view = { ...completedView, receipt: { ...completedView.receipt, references: {} } } as unknown as CheckoutView;
    expect(messages(completed({ view, effects, successRows: rowsOf(effects), expectedEffects: SALE_EFFECTS }))).toContain(
      'effects: completed but crmcom:purchase.create 0x in the journal (expected once)',
    );
  });

  it('a lost success row and a doubled one are both violations; a failed row is not a success', () => {
    const successRows = { ...rowsOf(once(SALE_EFFECTS)), 'crmcom:purchases.create': 0, 'cmc:pos.transaction': 2 };
    expect(messages(completed({ successRows }))).toEqual([
      'audit: crmcom:purchase.create 1x in the journal but 0 success rows of crmcom:purchases.create',
      'audit: cmc:posttender.transaction 1x in the journal but 2 success rows of cmc:pos.transaction',
    ]);
  });

  it('a second send of an effect is a violation even when the vendor refused it as a duplicate (Capillary 604)', () => {
    // The journal holds every send (src/sandbox/sandbox-journal.ts): the bill applied once, then sent again and refused.
    const effects = { ...once(SALE_EFFECTS), 'capillary:transaction.add': 2 };
    expect(messages(completed({ effects, applied: once(SALE_EFFECTS) }))).toEqual(['effects: capillary:transaction.add sent 2 times (1 applied)']);
  });

  describe('an effect without a lookup ending "outcome unknown" (CMC)', () => {
    const unknownView = {
      ...completedView,
      receipt: {
        ...completedView.receipt,
        references: { ...completedView.receipt!.references, cmcTransactionId: undefined },
        exceptions: [{ vendor: 'cmc', code: 'OUTCOME_UNKNOWN', reason: 'may have reached ClearLine' }],
      },
    } as unknown as CheckoutView;
    const lostReply = (overrides: Partial<CheckoutFacts> = {}) => {
      const effects = once(SALE_EFFECTS);
      // The first send applied, its reply lost; the retry sent nothing: no success row, one unknown row.
      return completed({ view: unknownView, effects, successRows: { ...rowsOf(effects), 'cmc:pos.transaction': 0 }, unknownRows: { 'cmc:pos.transaction': 1 }, ...overrides });
    };

    it('one send, the unknown row and the exception in the view, no success row: no violation', () => {
      expect(messages(lostReply())).toEqual([]);
      expect(messages(lostReply({ expectedEffects: SALE_EFFECTS }))).toEqual([]);
    });

    it('no send at all (the first try never reached ClearLine, which nobody could tell) is acceptable too', () => {
      const effects = once(SALE_EFFECTS.filter((e) => e !== 'cmc:posttender.transaction'));
      expect(messages(lostReply({ effects, successRows: rowsOf(effects), expectedEffects: SALE_EFFECTS }))).toEqual([]);
    });

    it('a doubled send is still a violation', () => {
      const effects = { ...once(SALE_EFFECTS), 'cmc:posttender.transaction': 2 };
      expect(messages(lostReply({ effects }))).toEqual(['effects: cmc:posttender.transaction sent 2 times (2 applied)']);
    });

    it('the exception must reach finance, and only an effect without a lookup may end unknown', () => {
      expect(messages(lostReply({ view: completedView }))).toContain(
        'effects: cmc:pos.transaction ended outcome unknown without an OUTCOME_UNKNOWN exception for finance in the view',
      );
      expect(messages(lostReply({ unknownRows: { 'cmc:pos.transaction': 1, 'capillary:points.redeem': 1 } }))).toContain(
        'audit: capillary:points.redeem ended outcome unknown, but capillary:points.redeem has a lookup: it must be resolved',
      );
    });
  });

  describe('a CRM.COM effect ending "outcome unknown" before payment', () => {
    // The spend's reply was lost; the retry sent nothing, wrote the unknown row and failed the step;
    // the saga unwound and the purchase cancel took the spend with it.
    const effects = once(['crmcom:purchase.create', 'crmcom:spend.create', 'crmcom:spend.cancel', 'crmcom:purchase.cancel']);
    const unwound: CheckoutFacts = {
      ...completed(),
      state: 'compensated',
      view: { ...completedView, state: 'compensated', receipt: undefined } as unknown as CheckoutView,
      effects,
      successRows: { ...rowsOf(effects), 'crmcom:spend_requests.create': 0, 'crmcom:spend_requests.cancel': 0 },
      unknownRows: { 'crmcom:spend_requests.create': 1 },
      transitions: ['reserved', 'compensating', 'compensated'],
    };

    it('unwound, the spend undone with its purchase: no violation', () => {
      expect(messages(unwound)).toEqual([]);
    });

    it('a checkout that completed over it is a violation', () => {
      expect(messages({ ...unwound, state: 'completed', transitions: ['reserved', 'committed', 'completed'] })).toContain(
        'effects: crmcom:spend_requests.create ended outcome unknown before payment, yet the checkout completed',
      );
    });
  });

  it('a success row for an effect the journal never saw is extra', () => {
    const successRows = { ...rowsOf(once(SALE_EFFECTS)), 'crmcom:purchases.cancel': 1 };
    expect(messages(completed({ successRows }))).toEqual([
      'audit: crmcom:purchase.cancel 0x in the journal but 1 success rows of crmcom:purchases.cancel',
    ]);
  });

  it('a final saga whose workflow is still running, or missing, in Temporal', () => {
    expect(messages(completed({ workflow: { status: 'RUNNING', pendingActivities: 1 } }))).toEqual(['temporal: completed but workflow RUNNING']);
    expect(messages(completed({ workflow: undefined }))).toEqual(['temporal: workflow not found in Temporal']);
  });

  it('compensated: every applied effect undone once', () => {
    const effects = once(['crmcom:purchase.create', 'crmcom:purchase.cancel', 'coupontools:coupon.lock']);
    const f = completed({
      state: 'compensated',
      view: { ...completedView, state: 'compensated', compensations: [{ step: 'void CRM.COM purchase', outcome: 'done' }] } as CheckoutView,
      effects,
      successRows: rowsOf(effects),
      transitions: ['reserved', 'compensating', 'compensated'],
    });
    expect(messages(f)).toEqual(['effects: compensated but coupontools:coupon.lock 1x, undone 0x']);
  });

  it('compensation_failed: the failed undo named in the view, the workflow open and parked', () => {
    const effects = once(['crmcom:purchase.create', 'crmcom:purchase.cancel', 'capillary:points.redeem', 'coupontools:coupon.lock', 'coupontools:coupon.unlock']);
    const view = {
      ...completedView,
      state: 'compensation_failed',
      failureReason: 'reverse Capillary points: 503',
      compensations: [{ step: 'reverse Capillary points', outcome: 'failed', reason: '503' }],
    } as CheckoutView;
    const good = completed({
      state: 'compensation_failed',
      view,
      effects,
      successRows: rowsOf(effects),
      transitions: ['reserved', 'compensating', 'compensation_failed'],
      workflow: { status: 'RUNNING', pendingActivities: 0 },
    });
    expect(messages(good)).toEqual([]);
    expect(messages({ ...good, workflow: { status: 'COMPLETED', pendingActivities: 0 } })).toEqual([
      'temporal: compensation_failed but workflow COMPLETED with 0 pending activities (expected open, parked)',
    ]);
    expect(messages({ ...good, view: { ...view, failureReason: undefined, compensations: [{ step: 'void CRM.COM purchase', outcome: 'failed' }] } })).toEqual([
      'effects: compensation_failed without a failureReason',
      'effects: compensation_failed with capillary:points.redeem left applied but no failed undo names capillary',
    ]);
  });
});
