import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { OUTCOME_UNKNOWN } from '../../activities/vendors/crmcom-legacy.vendor';
import type { CheckoutView } from '../../workflows/checkout.contract';
import { cancelCheckout, checkoutView, commitCheckout, completeCheckout } from '../../workflows/checkout.messages';
import { checkoutWorkflow } from '../../workflows/checkout.workflow';
import { checkoutInput, happyActivities, withSaga } from './checkout-saga.harness';
import { activityCallsPerTest } from './activity-calls';
import { workflowTestEnvForFile } from './workflow-test-env';

/**
 * CRM.COM's reduction method (who redeems the wallet spend) and its at-most-once failures, with every
 * activity mocked. The reduction method only changes data (the spend asked, the discounts), never the
 * commands the saga issues, so no patched() guard: replay.test.ts replays the recorded histories.
 */
describe(`${checkoutWorkflow.name}: CRM.COM reduction method`, () => {
  const wf = workflowTestEnvForFile();
  const { calls, transitions } = activityCallsPerTest();

  it('on a back-end-reduction account gives no spend discount and sends no spend request; the quote and commitment say CRM.COM redeems', async () => {
    const activities = happyActivities(calls, transitions);
    activities.previewLoyalty = async () => ({ awardMinor: 10, automaticSpendMinor: 300, maxAdditionalSpendMinor: 800, reductionMethod: 'back_end' });
    activities.submitLoyaltyPurchase = async (_ref, _c, _p, spendMinor) => {
      calls.push(`submitLoyaltyPurchase:${spendMinor ?? 'none'}`);
      // CRM.COM takes its automatic spend itself and pays it back to the customer.
      return { purchaseNumber: '111', awardedMinor: 10, automaticSpendMinor: 300 };
    };
    const { view, commitment, receipt } = await withSaga(wf, activities, checkoutInput({ spend: { amountMinor: 500 } }), async (start, handle) => {
      const view = (await start()) as CheckoutView;
      // Even an explicit spend on commit is not sent: the till does not redeem on this account.
      const commitment = (await handle.executeUpdate(commitCheckout, { args: [{ spendMinor: 500 }], updateId: 'commit' })).commitment;
      const receipt = (await handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' })).receipt;
      await handle.result();
      return { view, commitment, receipt };
    });

    expect(view.quote?.loyalty).toEqual({
      walletBalanceMinor: 1000,
      expectedAwardMinor: 10,
      automaticSpendMinor: 300,
      maxSpendMinor: 0,
      requestedSpendMinor: 0,
      reductionMethod: 'back_end',
    });
    expect(calls).toContain('submitLoyaltyPurchase:none');
    expect(commitment?.discounts).toEqual({ spendMinor: 0, automaticSpendMinor: 0, pointsMinor: 100, couponsMinor: 400 });
    expect(commitment?.loyalty).toEqual({ reductionMethod: 'back_end', backEndSpendMinor: 300 });
    // 10.00 - points 1.00 - coupons 4.00: no CRM.COM discount at the till.
    expect(commitment?.amountDueMinor).toBe(500);
    // The wallet still shows what CRM.COM spent (and pays back to the customer).
    expect(receipt).toMatchObject({ amountDueMinor: 500, spentMinor: 300, walletBalanceAfterMinor: 1000 + 10 - 300 });
  });

  it('on a front-end account discounts the approved spend and the automatic spend at the till, as before', async () => {
    const activities = happyActivities(calls, transitions);
    activities.previewLoyalty = async () => ({ awardMinor: 10, automaticSpendMinor: 0, maxAdditionalSpendMinor: 800, reductionMethod: 'front_end' });
    const { view, commitment } = await withSaga(wf, activities, checkoutInput({ coupons: [], points: undefined }), async (start, handle) => {
      const view = (await start()) as CheckoutView;
      const commitment = (await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' })).commitment;
      await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      return { view, commitment };
    });

    expect(view.quote?.loyalty).toMatchObject({ maxSpendMinor: 800, requestedSpendMinor: 500, reductionMethod: 'front_end' });
    expect(calls).toContain('submitLoyaltyPurchase:500');
    expect(commitment?.discounts).toMatchObject({ spendMinor: 400 });
    expect(commitment?.loyalty).toEqual({ reductionMethod: 'front_end', backEndSpendMinor: 0 });
    expect(commitment?.amountDueMinor).toBe(600);
  });

  it('does not retry a CRM.COM step whose outcome is unknown; it unwinds, and an undo that cannot find the effect ends compensation_failed', async () => {
    const activities = happyActivities(calls, transitions);
    const unknown = (what: string) =>
      ApplicationFailure.create({ type: OUTCOME_UNKNOWN, message: `CRM.COM ${what}: outcome unknown`, nonRetryable: true });
    activities.submitLoyaltyPurchase = async () => {
      calls.push('submitLoyaltyPurchase');
      throw unknown('spend_requests.create');
    };
    activities.voidLoyaltyPurchase = async () => {
      calls.push('voidLoyaltyPurchase');
      throw unknown('purchases.create');
    };
    const { error, view } = await withSaga(wf, activities, checkoutInput({ coupons: [], points: undefined }), async (start, handle) => {
      await start();
      const error = await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' }).catch((e: unknown) => e);
      const view = (await handle.query(checkoutView)) as CheckoutView;
      await handle.cancel();
      return { error, view };
    });

    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    // At most once: one try of the step, one try of its undo, no retries of either.
    expect(calls.filter((c) => c === 'submitLoyaltyPurchase')).toHaveLength(1);
    expect(calls.filter((c) => c === 'voidLoyaltyPurchase')).toHaveLength(1);
    expect(view.state).toBe('compensation_failed');
    expect(view.failureReason).toContain('outcome unknown');
  }, 60_000);
});
