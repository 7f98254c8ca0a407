import type { createTransitionActivities } from '../../activities/checkout-transition.activities';
import type { createVoidActivities } from '../../activities/checkout-void.activities';
import { vendorRejection } from '../../activities/vendors/vendor-errors';
import type { CheckoutTransition } from '../../workflows/checkout.contract';
import { VOID_TRANSITION_SEQ } from '../../workflows/checkout-transitions.contract';
import { voidCheckoutWorkflow, voidWorkflowId, type VoidCheckoutInput } from '../../workflows/void-checkout.workflow';
import { activityCallsPerTest } from './activity-calls';
import { completedCheckout, withUnknownCmcSale } from './completed-checkout';
import { workflowTestEnvForFile } from './workflow-test-env';

type Activities = ReturnType<typeof createVoidActivities> & ReturnType<typeof createTransitionActivities>;

function mockActivities(calls: string[], transitions: CheckoutTransition[], overrides: Partial<Activities> = {}): Activities {
  return {
    async voidCompletedPurchase(_ref, p) {
      calls.push(`voidCompletedPurchase:${p.purchaseNumber}:${p.spendNumber ?? '-'}`);
      return { alreadyVoided: false };
    },
    async returnCompletedSale(_ref, sale) {
      calls.push(`returnCompletedSale:${sale.amountMinor}:${sale.customer?.value ?? 'none'}`);
      return { transactionId: 'RET1', alreadyReturned: false };
    },
    async reverseCompletedPoints(_ref, customer, redemption) {
      calls.push(`reverseCompletedPoints:${customer.value}:${redemption.redemptionId}:${redemption.points}`);
      return { alreadyReversed: false };
    },
    async reinstateCompletedCoupon(_ref, coupon) {
      calls.push(`reinstateCompletedCoupon:${coupon.code}`);
      return { alreadyReinstated: false };
    },
    async refundPostTender(_ref, refund) {
      calls.push(`refundPostTender:${refund.originalTransactionId}:${refund.amountMinor}`);
      return { vendorTransactionId: 'CMCR1', sessionId: 'S' };
    },
    async recordCheckoutTransition(_ref, transition) {
      transitions.push(transition);
    },
    ...overrides,
  };
}

function completedInput(): VoidCheckoutInput {
  return {
    ...completedCheckout({
      currency: 'EUR',
      totalMinor: 7000,
      amountDueMinor: 5900,
      paidMinor: 5900,
      awardedMinor: 70,
      spentMinor: 500,
      pointsRedeemed: 100,
      pointsValueMinor: 100,
      coupons: [
        { provider: 'coupontools', code: 'CT1', valueMinor: 500 },
        { provider: 'capillary', code: 'CAP1', valueMinor: 200 },
      ],
      references: {
        crmcomPurchaseNumber: '111',
        crmcomSpendNumber: '294',
        capillaryBillNumber: 'm:S1:T1:x',
        capillaryTransactionId: 'TX1',
        pointsRedemptionId: 'R1',
        cmcTransactionId: 'CMC1',
      },
      exceptions: [],
    }),
    original: {
      performedOn: '2026-11-21T10:00:00Z',
      lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 7000, netMinor: 5600, vatMinor: 1400 }],
      capillaryCustomer: { type: 'phone', value: '919999999999' },
    },
  };
}

/** The void's decisions with its activities mocked, on the suite's real dev server. */
describe(voidCheckoutWorkflow.name, () => {
  const wf = workflowTestEnvForFile();
  const { calls, transitions } = activityCallsPerTest();

  const run = (activities: Activities, input: VoidCheckoutInput) =>
    wf.withWorker(activities, (taskQueue) =>
      wf.client.workflow.execute(voidCheckoutWorkflow, { workflowId: voidWorkflowId(input.ref.checkoutId), taskQueue, args: [input] }),
    );

  it('undoes every effect once, reports Coupontools as non-compensable and records `voided` above the checkout\'s transitions', async () => {
    const input = completedInput();
    const view = await run(mockActivities(calls, transitions), input);

    expect([...calls].sort()).toEqual([
      `refundPostTender:m:S1:T1:${input.ref.posReference}:5900`,
      'reinstateCompletedCoupon:CAP1',
      'returnCompletedSale:5900:919999999999',
      'reverseCompletedPoints:919999999999:R1:100',
      'voidCompletedPurchase:111:294',
    ]);
    // Within Capillary: the coupon and the points redeemed on the bill, then the bill (vendors.md's
    // undo table: "Reverse **before** returning the bill if both are needed").
    const capillary = calls.filter((c) => /Coupon|Sale|Points/.test(c));
    expect(capillary.map((c) => c.split(':')[0])).toEqual(['reinstateCompletedCoupon', 'reverseCompletedPoints', 'returnCompletedSale']);
    expect(view).toMatchObject({
      state: 'voided',
      receipt: input.view.receipt,
      void: {
        nonCompensable: [{ vendor: 'coupontools', code: 'CT1' }],
        exceptions: [{ vendor: 'coupontools', code: 'NON_COMPENSABLE' }],
        references: { cmcRefundTransactionId: 'CMCR1', capillaryReturnTransactionId: 'RET1', crmcomCancelledPurchaseNumber: '111' },
      },
    });
    expect(transitions).toEqual([{ seq: VOID_TRANSITION_SEQ, state: 'voided', step: 'void', totalMinor: 7000, view }]);
  });

  it('turns a vendor refusal into an exception and still voids the rest', async () => {
    const refusing = mockActivities(calls, transitions, {
      async refundPostTender() {
        throw vendorRejection({ vendor: 'cmc', code: '404', reason: 'Transaction CMC1 was not found.' });
      },
    });
    const view = await run(refusing, completedInput());

    expect(view.state).toBe('voided');
    expect(view.void?.exceptions).toEqual(
      expect.arrayContaining([
        { vendor: 'cmc', code: '404', reason: 'Transaction CMC1 was not found.' },
        expect.objectContaining({ vendor: 'coupontools', code: 'NON_COMPENSABLE' }),
      ]),
    );
    expect(calls).toEqual(expect.arrayContaining(['voidCompletedPurchase:111:294', 'reverseCompletedPoints:919999999999:R1:100']));
    expect(transitions.map((t) => t.state)).toEqual(['voided']);
  });

  it('sends no CMC refund for a sale whose CMC outcome was unknown, and tells finance in an exception', async () => {
    const input = completedInput();
    input.view = withUnknownCmcSale(input.view);
    const view = await run(mockActivities(calls, transitions), input);

    expect(view.state).toBe('voided');
    expect(calls.some((c) => c.startsWith('refundPostTender'))).toBe(false);
    expect(view.void?.exceptions).toEqual(
      expect.arrayContaining([expect.objectContaining({ vendor: 'cmc', code: 'OUTCOME_UNKNOWN', reason: expect.stringContaining('no CMC refund sent') })]),
    );
  });

  it('without the original input, skips the Capillary steps that need the customer and says so', async () => {
    const input: VoidCheckoutInput = { ...completedInput(), original: undefined };
    const view = await run(mockActivities(calls, transitions), input);

    expect(calls.some((c) => c.startsWith('returnCompletedSale') || c.startsWith('reverseCompletedPoints'))).toBe(false);
    expect(view.void?.exceptions.filter((e) => e.code === 'CUSTOMER_UNKNOWN')).toHaveLength(2);
    expect(calls).toEqual(expect.arrayContaining(['voidCompletedPurchase:111:294', `refundPostTender:m:S1:T1:${input.ref.posReference}:5900`]));
  });
});
