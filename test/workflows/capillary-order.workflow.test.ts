import { vendorRejection } from '../../activities/vendors/vendor-errors';
import type { SaleTransaction } from '../../activities/vendors/capabilities';
import type { CheckoutInput, CheckoutView } from '../../workflows/checkout.contract';
import { cancelCheckout, commitCheckout, completeCheckout } from '../../workflows/checkout.messages';
import { checkoutInput, happyActivities, withSaga, type Activities } from './checkout-saga.harness';
import { activityCallsPerTest } from './activity-calls';
import { workflowTestEnvForFile } from './workflow-test-env';

/**
 * Capillary in the order of its POS guide (vendor-docs/capillary-pos-integration.md, "Points" and
 * "Coupons"), activities mocked: isredeemable at reserve, the value applied by the till at commit,
 * and after payment transaction/add first and, on its success, points/redeem and coupon/redeem.
 * Points go before payment only for an org that allows their reversal (`redeemBeforePayment`).
 */
describe('checkoutWorkflow: Capillary in the POS guide\'s order', () => {
  const wf = workflowTestEnvForFile();
  const { calls, transitions } = activityCallsPerTest();

  /** The happy activities, with the bill's request kept and each call named when it starts. */
  function activities(overrides: Partial<Activities> = {}): { activities: Activities; bills: SaleTransaction[] } {
    const bills: SaleTransaction[] = [];
    const happy = happyActivities(calls, transitions);
    happy.addSaleTransaction = async (_ref, sale) => {
      calls.push('addSaleTransaction');
      bills.push(sale);
      return { transactionId: 'TX1', duplicate: false };
    };
    return { activities: { ...happy, ...overrides }, bills };
  }

  const sale = (acts: Activities, input: CheckoutInput, afterCommit: 'complete' | 'cancel' = 'complete') =>
    withSaga(wf, acts, input, async (start, handle) => {
      await start();
      const { commitment } = await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      const callsAtCommit = [...calls];
      if (afterCommit === 'complete') await handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' });
      else await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      return { commitment, callsAtCommit, view: (await handle.result()) as CheckoutView };
    });

  it('applies the checked value at commit and redeems points and the Capillary coupon after payment, after the bill', async () => {
    const { activities: acts, bills } = activities();
    const { commitment, callsAtCommit, view } = await sale(acts, checkoutInput());

    expect(callsAtCommit).not.toContain('redeemPoints');
    expect(commitment?.discounts.pointsMinor).toBe(100);
    const bill = calls.indexOf('addSaleTransaction');
    expect(bill).toBeGreaterThan(-1);
    expect(calls.indexOf('redeemPoints')).toBeGreaterThan(bill);
    expect(calls.indexOf('redeemCoupon:capillary:CAP1')).toBeGreaterThan(bill);
    // The bill carries no redemption ids: the redemptions made after it name it by its number.
    expect(bills).toHaveLength(1);
    expect(bills[0].pointsRedemptionIds).toBeUndefined();
    expect(view).toMatchObject({
      state: 'completed',
      receipt: { pointsRedeemed: 100, pointsValueMinor: 100, references: { pointsRedemptionId: 'R1', capillaryTransactionId: 'TX1' }, exceptions: [] },
    });
  });

  it('records points Capillary refuses after payment as an exception on the receipt; the sale stands', async () => {
    const { activities: acts } = activities({
      redeemPoints: async () => {
        calls.push('redeemPoints');
        throw vendorRejection({ vendor: 'capillary', code: '803', reason: 'Not enough points for this redemption' });
      },
    });
    const { view } = await sale(acts, checkoutInput());

    expect(view.state).toBe('completed');
    expect(view.receipt?.exceptions).toEqual([{ vendor: 'capillary', code: '803', reason: 'Not enough points for this redemption' }]);
    expect(view.receipt).toMatchObject({ pointsRedeemed: 0, amountDueMinor: 100 });
    expect(view.receipt?.references.pointsRedemptionId).toBeUndefined();
    expect(calls.filter((c) => c.startsWith('reverse'))).toEqual([]);
  });

  it('redeems nothing at Capillary when its bill is refused, and says so on the receipt', async () => {
    const { activities: acts } = activities({
      addSaleTransaction: async () => {
        calls.push('addSaleTransaction');
        throw vendorRejection({ vendor: 'capillary', code: '601', reason: 'Invalid amounts' });
      },
    });
    const { view } = await sale(acts, checkoutInput());

    expect(view.state).toBe('completed');
    expect(calls).not.toContain('redeemPoints');
    expect(calls).not.toContain('redeemCoupon:capillary:CAP1');
    expect(view.receipt?.exceptions.map((e) => `${e.vendor}:${e.code}`)).toEqual(['capillary:601', 'capillary:POINTS_NOT_REDEEMED', 'capillary:COUPON_NOT_REDEEMED']);
  });

  it('has nothing of Capillary\'s to undo when a committed checkout is cancelled', async () => {
    const { activities: acts } = activities();
    const { view } = await sale(acts, checkoutInput(), 'cancel');

    expect(view.state).toBe('cancelled');
    expect(calls.filter((c) => /^(redeemPoints|reversePoints)/.test(c))).toEqual([]);
    expect(view.compensations.map((c) => c.step)).not.toContain('reverse Capillary points');
  });

  it('redeems before payment, attached to the bill and reversed on cancel, for an org configured for it', async () => {
    const points = { ...checkoutInput().points!, redeemBeforePayment: true as const };
    const completed = activities();
    const { callsAtCommit, view } = await sale(completed.activities, checkoutInput({ points }));
    expect(callsAtCommit).toContain('redeemPoints');
    expect(calls.filter((c) => c === 'redeemPoints')).toHaveLength(1);
    expect(completed.bills[0].pointsRedemptionIds).toEqual(['R1']);
    expect(view.receipt?.references.pointsRedemptionId).toBe('R1');

    calls.length = 0;
    const cancelled = await sale(activities().activities, checkoutInput({ points }), 'cancel');
    expect(cancelled.view.state).toBe('cancelled');
    expect(calls).toContain('reversePoints:R1');
  });
});
