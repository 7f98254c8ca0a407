import type { CheckoutReceipt, Refusal } from './checkout.contract';
import { capillaryBillNumberOf } from './checkout.contract';
import { redeemCapillaryCouponStep, redeemPointsStep } from './capillary-steps';
import { exceptionOf } from './forward-step';
import { step, type LocalFirstSteps } from './local-first';
import { receiptOf, referencesBeforeComplete } from './phase-answers';
import { loyaltyPurchase } from './reserve-phase';
import type { SagaState } from './saga-state';

const NOT_DONE = 'NOT_COMPLETED';

/**
 * Complete of checkoutWorkflowV2, after the customer paid, in barrier groups of local activities
 * (each step continuing as a regular activity, retried forward for a day, if its local budget runs
 * out). Nothing is compensated; a step that still fails becomes an exception on the receipt. The
 * order is v1's (complete-phase.ts quotes the POS guide):
 * 1. the Capillary bill and the CMC post-tender transaction;
 * 2. on the bill's success, the points and the Capillary coupons, naming the bill by its number;
 * 3. the Coupontools validations, last (no undo);
 * 4. the Coupontools coupons that could not be validated are unlocked (none stays locked).
 */
export async function completeInLevels(s: SagaState, steps: LocalFirstSteps, paidMinor: number | undefined, paymentMethod?: string): Promise<CheckoutReceipt> {
  const { ref, input } = s;
  const exceptions: Refusal[] = [];
  const amountDueMinor = s.view.commitment?.amountDueMinor ?? input.totalMinor;
  const capillaryCoupons = s.acceptedCoupons().filter((c) => c.provider === 'capillary');
  const coupontoolsCoupons = s.acceptedCoupons().filter((c) => c.provider === 'coupontools');
  const batchBill = input.capillaryBill;
  const usesCapillary = Boolean(input.points) || capillaryCoupons.length > 0 || batchBill !== undefined;
  const billCustomer = input.points?.customer ?? batchBill?.customer;
  const references = referencesBeforeComplete(s);
  let postTender: CheckoutReceipt['postTender'];
  const couponRedemptionIds: Record<string, string> = {};

  const customer = s.loyaltyCustomer;
  const backEnd = customer && s.purchaseAfterPayment ? { customer, spendMinor: s.purchaseAfterPayment.spendMinor } : undefined;
  const [bill, sent, purchase] = await steps.group('afterPayment', [
    usesCapillary &&
      step('addSaleTransaction', ref, {
        billingTime: input.performedOn,
        amountMinor: amountDueMinor,
        grossAmountMinor: input.totalMinor,
        discountMinor: input.totalMinor - amountDueMinor,
        lines: input.lines,
        ...(billCustomer && { customer: billCustomer }),
        ...(s.pointsRedemption && { pointsRedemptionIds: [s.pointsRedemption.redemptionId] }),
      }),
    input.postTender &&
      step('sendPostTender', ref, {
        terminalId: input.till,
        posLocationId: input.store,
        amountMinor: amountDueMinor,
        transactionDate: input.performedOn,
        lines: input.lines,
        // The people the till named (data only: the same command, so no patch).
        ...(input.postTender.customer && { customer: input.postTender.customer }),
        ...(input.postTender.salesPerson && { salesPerson: input.postTender.salesPerson }),
        ...(input.postTender.cardNumber !== undefined && { cardNumber: input.postTender.cardNumber }),
      }),
    // CRM.COM back-end purchase, after payment (commit-levels.ts says why); only sagas carrying
    // input.crmcomReduction back_end, so those recorded before issue the same commands.
    backEnd && step('submitLoyaltyPurchase', ref, backEnd.customer, loyaltyPurchase(input), backEnd.spendMinor > 0 ? backEnd.spendMinor : undefined),
  ]);
  if (purchase?.ok) {
    s.purchase = purchase.value;
    references.crmcomPurchaseNumber = purchase.value.purchaseNumber;
    if (purchase.value.spend?.spendNumber) references.crmcomSpendNumber = purchase.value.spend.spendNumber;
    const refused = purchase.value.spend?.refusal;
    if (refused) exceptions.push({ vendor: 'crmcom', ...refused });
  } else if (purchase) exceptions.push(exceptionOf(purchase.error, 'purchase', 'crmcom', NOT_DONE));
  if (bill?.ok) {
    references.capillaryBillNumber = capillaryBillNumberOf(ref);
    references.capillaryTransactionId = bill.value.transactionId;
  } else if (bill) exceptions.push(exceptionOf(bill.error, 'transaction add', 'capillary', NOT_DONE));
  if (sent?.ok) {
    const receipt = sent.value;
    references.cmcTransactionId = receipt.vendorTransactionId;
    postTender = {
      ...(receipt.qrCodeWidget?.qrCodeLinkUrl && { qrCodeLinkUrl: receipt.qrCodeWidget.qrCodeLinkUrl }),
      ...(receipt.qrCodeWidget?.shortLinkUrl && { shortLinkUrl: receipt.qrCodeWidget.shortLinkUrl }),
      ...(receipt.cfsTemplate?.cfsCarouselUrl && { cfsCarouselUrl: receipt.cfsTemplate.cfsCarouselUrl }),
    };
  } else if (sent) exceptions.push(exceptionOf(sent.error, 'post-tender transaction', 'cmc', NOT_DONE));

  const points = input.points;
  const pointsCustomer = s.pointsCustomer;
  const toRedeem = s.pointsAfterBill && points && pointsCustomer ? { points, customer: pointsCustomer } : undefined;
  if (bill?.ok) {
    const [redeemed, ...coupons] = await steps.group('afterPayment', [
      toRedeem && redeemPointsStep(ref, toRedeem.customer, toRedeem.points),
      ...capillaryCoupons.map((c) => redeemCapillaryCouponStep(input, ref, c, amountDueMinor, points?.customer)),
    ]);
    if (redeemed?.ok) {
      s.pointsRedemption = redeemed.value;
      references.pointsRedemptionId = redeemed.value.redemptionId;
    } else if (redeemed) exceptions.push(exceptionOf(redeemed.error, 'points redeem', 'capillary', NOT_DONE));
    capillaryCoupons.forEach((c, i) => {
      const outcome = coupons[i];
      if (!outcome.ok) exceptions.push(exceptionOf(outcome.error, `coupon ${c.code} redeem`, 'capillary', NOT_DONE));
      else if (outcome.value.redemptionId) couponRedemptionIds[c.code] = outcome.value.redemptionId;
    });
  } else if (usesCapillary) {
    // No bill, no redemption: the till gave the discounts, finance settles them with Capillary.
    const reason = 'not redeemed at Capillary: its bill (transaction/add) did not succeed, and redemptions follow a successful bill';
    if (toRedeem) exceptions.push({ vendor: 'capillary', code: 'POINTS_NOT_REDEEMED', reason: `${toRedeem.points.points} points ${reason}` });
    for (const c of capillaryCoupons) exceptions.push({ vendor: 'capillary', code: 'COUPON_NOT_REDEEMED', reason: `coupon ${c.code} ${reason}` });
  }

  const validated = await steps.group(
    'afterPayment',
    coupontoolsCoupons.map((c) => step('redeemCoupon', ref, c.provider, c.code, { billAmountMinor: paidMinor ?? amountDueMinor })),
  );
  const notValidated = coupontoolsCoupons.filter((c, i) => {
    const outcome = validated[i];
    if (outcome.ok) return false;
    exceptions.push(exceptionOf(outcome.error, `coupon ${c.code} validate`, 'coupontools', NOT_DONE));
    return true;
  });
  const released = await steps.group('afterPayment', notValidated.map((c) => step('releaseCoupon', ref, c.provider, c.code)));
  notValidated.forEach((c, i) => {
    const outcome = released[i];
    if (!outcome.ok) exceptions.push(exceptionOf(outcome.error, `coupon ${c.code} release`, 'coupontools', NOT_DONE));
  });

  return receiptOf(s, { amountDueMinor, paidMinor, paymentMethod, references, postTender, couponRedemptionIds, exceptions });
}
