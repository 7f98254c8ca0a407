import type { VendorRegistry } from '../../activities/vendors/vendor-registry';
import { checkoutReference, type CheckoutInput } from '../../workflows/checkout.contract';
import { amountDueAfterDiscounts, spendToRequest } from '../peer/amount-due';
import { directCallContext } from './direct-call-context';

/**
 * The reference checkout's vendor calls made directly: the same adapters, the same order and the same
 * parallelism as the saga's critical path (reserve-phase.ts, commit-phase.ts, complete-phase.ts), with
 * no Temporal, no audit rows and no projection. Its latency is the vendors' critical path, which the
 * benchmark subtracts from the saga's end-to-end latency to get the orchestration overhead.
 * Only the happy path: a refusal or fault simply fails the request (the bench counts it as an error).
 */
export async function runDirectCheckout(vendors: VendorRegistry, input: CheckoutInput): Promise<{ amountDueMinor: number }> {
  const reference = checkoutReference(input);
  // One try per call and nothing retried: no earlier try can have sent an effect.
  const ctx = (ref = reference) => directCallContext(input, ref);
  const purchase = { performedOn: input.performedOn, externalSystem: input.till, lines: input.lines };
  const points = input.points!;
  const coupon = input.coupons[0];

  // reserve: CRM.COM identify → preview | Capillary customer → points check | coupon look up → lock
  const [loyalty, pointsCustomer, couponMinor] = await Promise.all([
    (async () => {
      const customer = await vendors.loyalty.identify(ctx(), input.customer!.identifier);
      const preview = await vendors.loyalty.preview(ctx(), customer, purchase);
      return { customer, preview };
    })(),
    (async () => {
      const customer = await vendors.points.findCustomer(ctx(), points.customer);
      const check = await vendors.points.checkPoints(ctx(), customer, points.points);
      return { customer, valueMinor: check.valueMinor };
    })(),
    (async () => {
      const lookup = await vendors.coupons[coupon.provider].lookUp(ctx(`${reference}:${coupon.code}`), coupon.code, points.customer);
      await vendors.coupons[coupon.provider].hold(ctx(`${reference}:${coupon.code}`), coupon.code);
      return lookup.valueMinor ?? 0;
    })(),
  ]);

  // commit: CRM.COM purchase + spend (the checked points value is applied; redeemed after the bill)
  const spendMinor = spendToRequest(input.spend?.amountMinor ?? 0, loyalty.preview.maxAdditionalSpendMinor, loyalty.customer.walletBalanceMinor);
  const submitted = await vendors.loyalty.submitPurchase(ctx(), loyalty.customer, purchase, spendMinor > 0 ? spendMinor : undefined);
  const amountDueMinor = amountDueAfterDiscounts(input.totalMinor, [
    submitted.spend?.approvedMinor ?? 0, submitted.automaticSpendMinor, pointsCustomer.valueMinor, couponMinor,
  ]);

  // complete: Capillary bill → points redeem | CMC post-tender, then Coupontools validate last
  await Promise.all([
    (async () => {
      await vendors.transactions.addTransaction(ctx(), {
        billingTime: input.performedOn,
        amountMinor: amountDueMinor,
        grossAmountMinor: input.totalMinor,
        discountMinor: input.totalMinor - amountDueMinor,
        lines: input.lines,
        customer: points.customer,
      });
      await vendors.points.redeemPoints(ctx(), pointsCustomer.customer, points.points);
    })(),
    vendors.postTender.sendTransaction(ctx(), {
      terminalId: input.till,
      posLocationId: input.store,
      amountMinor: amountDueMinor,
      transactionDate: input.performedOn,
      lines: input.lines,
    }),
  ]);
  await vendors.coupons[coupon.provider].redeem(ctx(`${reference}:${coupon.code}`), coupon.code, { billAmountMinor: amountDueMinor });
  return { amountDueMinor };
}
