import { CancellationScope, log, proxyActivities } from '@temporalio/workflow';
import { amountDueAfterDiscounts, spendToRequest } from './amount-due';
import type { CheckoutInput, PeerActivities } from './peer-checkout.activities';

// Workflow code: the same rules as workflows/ (eslint.config.mjs): relative imports and
// @temporalio/workflow only, activities as types, no Node built-ins, no Date.now or Math.random.

const { identifyLoyaltyCustomer, previewLoyalty, findPointsCustomer, checkPoints, lookUpCoupon, lockCoupon, submitPurchase, addBill, redeemPoints, sendPostTender, validateCoupon } =
  proxyActivities<PeerActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });
const undo = proxyActivities<PeerActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 10 } });

/**
 * The benchmark's peer: the reference checkout written the way Temporal's `saga` sample writes a
 * saga, to tell what Temporal itself costs from what this project's saga adds. The same vendor calls
 * in the same order and parallelism as the saga's one-shot and the baseline (direct-checkout.ts),
 * each a regular activity; a list of undo activities, newest first, run on failure. No audit rows,
 * no effect intents, no projection, no search attributes, no payload codec, no Update-with-Start.
 * Unlike the sample, an undo is registered before its step (its reply may be lost after the effect
 * landed; each undo looks the effect up) and a failed undo is logged, not silently dropped.
 */
export async function peerCheckoutWorkflow(input: CheckoutInput): Promise<{ amountDueMinor: number }> {
  const compensations: Array<{ step: string; undo: () => Promise<unknown> }> = [];
  const register = (step: string, fn: () => Promise<unknown>) => compensations.unshift({ step, undo: fn });
  try {
    // reserve: CRM.COM identify → preview | Capillary customer → points check | coupon look up → lock
    const [loyalty, points, couponMinor] = await Promise.all([
      (async () => {
        const customer = await identifyLoyaltyCustomer(input);
        return { customer, preview: await previewLoyalty(input, customer) };
      })(),
      (async () => {
        const customer = await findPointsCustomer(input);
        return { customer, check: await checkPoints(input, customer) };
      })(),
      (async () => {
        const valueMinor = await lookUpCoupon(input);
        register('release coupon', () => undo.releaseCoupon(input));
        await lockCoupon(input);
        return valueMinor;
      })(),
    ]);

    // commit: CRM.COM purchase with spend
    const spendMinor = spendToRequest(input.spend?.amountMinor ?? 0, loyalty.preview.maxAdditionalSpendMinor, loyalty.customer.walletBalanceMinor);
    register('void purchase', () => undo.voidPurchase(input));
    const submitted = await submitPurchase(input, loyalty.customer, spendMinor);
    const amountDueMinor = amountDueAfterDiscounts(input.totalMinor, [
      submitted.spend?.approvedMinor ?? 0, submitted.automaticSpendMinor, points.check.valueMinor, couponMinor,
    ]);

    // complete: Capillary bill → points redeem | CMC post-tender, then Coupontools validate last
    await Promise.all([
      (async () => {
        register('return bill', () => undo.returnBill(input, amountDueMinor));
        await addBill(input, amountDueMinor);
        register('reverse points', () => undo.reversePoints(input, points.customer));
        await redeemPoints(input, points.customer);
      })(),
      (async () => {
        const cmcTransactionId = await sendPostTender(input, amountDueMinor);
        register('refund post-tender', () => undo.refundPostTender(input, amountDueMinor, cmcTransactionId));
      })(),
    ]);
    await validateCoupon(input, amountDueMinor);
    return { amountDueMinor };
  } catch (err) {
    await CancellationScope.nonCancellable(async () => {
      for (const { step, undo: fn } of compensations) {
        try {
          await fn();
        } catch (undoErr) {
          log.error('peer compensation failed', { step, error: undoErr instanceof Error ? undoErr.message : String(undoErr) });
        }
      }
    });
    throw err;
  }
}
