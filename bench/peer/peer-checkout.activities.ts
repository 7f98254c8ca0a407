import { Context } from '@temporalio/activity';
import type { LoyaltyCustomer, PointsCustomer, PointsRedemption } from '../../activities/vendors/capabilities';
import type { VendorRegistry } from '../../activities/vendors/vendor-registry';
import { checkoutReference, type CheckoutInput } from '../../workflows/checkout.contract';
import { directCallContext } from '../baseline/direct-call-context';

export type { CheckoutInput } from '../../workflows/checkout.contract';

/**
 * The peer's activities, as a Temporal sample writes them: one activity per vendor call (the same
 * adapters and references as the baseline and the saga), built from their dependencies
 * (samples-typescript `activities-dependency-injection`). No audit rows, no effect intents: a
 * retried effect relies on the vendor's own idempotency by reference, like the baseline's calls.
 */
export function createPeerActivities(vendors: VendorRegistry) {
  const ctx = (input: CheckoutInput, suffix?: string) =>
    directCallContext(input, suffix ? `${checkoutReference(input)}:${suffix}` : checkoutReference(input), Context.current().info.attempt);
  const purchaseOf = (input: CheckoutInput) => ({ performedOn: input.performedOn, externalSystem: input.till, lines: input.lines });
  const coupon = (input: CheckoutInput) => input.coupons[0];
  const couponCtx = (input: CheckoutInput) => ctx(input, coupon(input).code);
  const saleOf = (input: CheckoutInput, amountMinor: number) => ({
    terminalId: input.till, posLocationId: input.store, amountMinor, transactionDate: input.performedOn, lines: input.lines,
  });

  return {
    // reserve
    identifyLoyaltyCustomer: (input: CheckoutInput) => vendors.loyalty.identify(ctx(input), input.customer!.identifier),
    previewLoyalty: (input: CheckoutInput, customer: LoyaltyCustomer) => vendors.loyalty.preview(ctx(input), customer, purchaseOf(input)),
    findPointsCustomer: (input: CheckoutInput) => vendors.points.findCustomer(ctx(input), input.points!.customer),
    checkPoints: (input: CheckoutInput, customer: PointsCustomer) => vendors.points.checkPoints(ctx(input), customer, input.points!.points),
    lookUpCoupon: async (input: CheckoutInput) =>
      (await vendors.coupons[coupon(input).provider].lookUp(couponCtx(input), coupon(input).code, input.points?.customer)).valueMinor ?? 0,
    lockCoupon: (input: CheckoutInput) => vendors.coupons[coupon(input).provider].hold(couponCtx(input), coupon(input).code),
    releaseCoupon: (input: CheckoutInput) => vendors.coupons[coupon(input).provider].release(couponCtx(input), coupon(input).code),

    // commit
    submitPurchase: (input: CheckoutInput, customer: LoyaltyCustomer, spendMinor: number) =>
      vendors.loyalty.submitPurchase(ctx(input), customer, purchaseOf(input), spendMinor > 0 ? spendMinor : undefined),
    /** Undo by reference: finds the purchase first, so it works whether or not submitPurchase's reply arrived. */
    voidPurchase: async (input: CheckoutInput) => {
      const purchase = await vendors.loyalty.findPurchase(ctx(input));
      if (purchase) await vendors.loyalty.voidPurchase(ctx(input), purchase);
    },

    // complete
    addBill: (input: CheckoutInput, amountDueMinor: number) =>
      vendors.transactions.addTransaction(ctx(input), {
        billingTime: input.performedOn,
        amountMinor: amountDueMinor,
        grossAmountMinor: input.totalMinor,
        discountMinor: input.totalMinor - amountDueMinor,
        lines: input.lines,
        customer: input.points?.customer,
      }),
    returnBill: (input: CheckoutInput, amountDueMinor: number) =>
      vendors.transactions.returnTransaction(ctx(input, 'return'), {
        originalBillNumber: checkoutReference(input),
        originalBillingTime: input.performedOn,
        billingTime: input.performedOn,
        returnType: 'FULL',
        amountMinor: amountDueMinor,
        customer: input.points?.customer,
      }),
    redeemPoints: (input: CheckoutInput, customer: PointsCustomer) => vendors.points.redeemPoints(ctx(input), customer, input.points!.points),
    reversePoints: async (input: CheckoutInput, customer: PointsCustomer) => {
      const redemption: PointsRedemption | undefined = await vendors.points.findRedemption(ctx(input), customer, input.points!.points);
      if (redemption) await vendors.points.reversePoints(ctx(input), customer, redemption);
    },
    sendPostTender: async (input: CheckoutInput, amountDueMinor: number) =>
      (await vendors.postTender.sendTransaction(ctx(input), saleOf(input, amountDueMinor))).vendorTransactionId,
    refundPostTender: (input: CheckoutInput, amountDueMinor: number, originalTransactionId: string) =>
      vendors.postTender.sendRefund(ctx(input, 'refund'), { ...saleOf(input, amountDueMinor), originalTransactionId }),
    validateCoupon: (input: CheckoutInput, amountDueMinor: number) =>
      vendors.coupons[coupon(input).provider].redeem(couponCtx(input), coupon(input).code, { billAmountMinor: amountDueMinor }),
  };
}

export type PeerActivities = ReturnType<typeof createPeerActivities>;
