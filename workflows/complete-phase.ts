import type { CheckoutReceipt, Refusal } from './checkout.contract';
import { capillaryBillNumberOf } from './checkout.contract';
import { afterPayment } from './activity-options';
import { forwardSteps } from './forward-step';
import { receiptOf, referencesBeforeComplete } from './phase-answers';
import type { SagaState } from './saga-state';
import { Patches, isPatched } from './workflow-patches';

/**
 * Complete runs after the customer has paid, so nothing here is compensated: transient faults are
 * retried forward (for up to a day), and a vendor's refusal becomes an exception on the receipt for
 * finance while the sale stands. Capillary goes in the POS guide's order (capillary-pos-integration.md):
 * the bill first, then, "on success", the points ("Consume transaction/add API and on success consume
 * point/redeem API") and the coupons ("After committing the transaction, consume transaction/add API
 * and on success consume coupon/redeem API"), each referring to the bill by its number. Coupontools
 * validation has no undo, so it goes last.
 */
export async function complete(s: SagaState, paidMinor: number | undefined, paymentMethod?: string): Promise<CheckoutReceipt> {
  const exceptions: Refusal[] = [];
  const amountDueMinor = s.view.commitment?.amountDueMinor ?? s.input.totalMinor;
  const capillaryCoupons = s.acceptedCoupons().filter((c) => c.provider === 'capillary');
  // Batch sales are billed at Capillary whatever they used (guarded: it adds a command to sagas whose
  // input asks for it, which a worker from before the change completed without the bill).
  const batchBill = s.input.capillaryBill && isPatched(Patches.capillaryBatchBill) ? s.input.capillaryBill : undefined;
  const usesCapillary = Boolean(s.input.points) || capillaryCoupons.length > 0 || batchBill !== undefined;
  const billCustomer = s.input.points?.customer ?? batchBill?.customer;
  const references = referencesBeforeComplete(s);
  let postTender: CheckoutReceipt['postTender'];
  /** Capillary redemption ids by coupon code: a later void reactivates the coupon with them. */
  const couponRedemptionIds: Record<string, string> = {};

  const forward = forwardSteps(exceptions, 'NOT_COMPLETED');

  let billed = false;
  const addBill = () =>
    forward('transaction add', 'capillary', async () => {
      const tx = await afterPayment.addSaleTransaction(s.ref, {
        billingTime: s.input.performedOn,
        amountMinor: amountDueMinor,
        grossAmountMinor: s.input.totalMinor,
        discountMinor: s.input.totalMinor - amountDueMinor,
        lines: s.input.lines,
        // Without a Capillary customer the bill goes as `not_interested` (capillary-transactions.ts).
        ...(billCustomer && { customer: billCustomer }),
        // Only a redemption made before the bill (redeemBeforePayment, or a saga from before the
        // reorder) is attached to it; one made after names the bill by its number (transaction_number).
        ...(s.pointsRedemption && { pointsRedemptionIds: [s.pointsRedemption.redemptionId] }),
      });
      references.capillaryBillNumber = capillaryBillNumberOf(s.ref);
      references.capillaryTransactionId = tx.transactionId;
      billed = true;
    });
  const redeemCoupon = (c: (typeof capillaryCoupons)[number]) =>
    forward(`coupon ${c.code} redeem`, 'capillary', async () => {
      const redemption = await afterPayment.redeemCoupon(s.ref, c.provider, c.code, { billAmountMinor: amountDueMinor, customer: s.input.points?.customer });
      if (redemption.redemptionId) couponRedemptionIds[c.code] = redemption.redemptionId;
    });
  /** The bill, then on its success the redemptions that name it by number (guarded: before, all at once). */
  const capillaryInOrder = async () => {
    await addBill();
    const points = s.input.points;
    const pointsCustomer = s.pointsCustomer;
    const toRedeem = s.pointsAfterBill && points && pointsCustomer ? { points, customer: pointsCustomer } : undefined;
    if (!billed) {
      // No bill, no redemption: the till gave the discounts, finance settles them with Capillary.
      const reason = 'not redeemed at Capillary: its bill (transaction/add) did not succeed, and redemptions follow a successful bill';
      if (toRedeem) exceptions.push({ vendor: 'capillary', code: 'POINTS_NOT_REDEEMED', reason: `${toRedeem.points.points} points ${reason}` });
      for (const c of capillaryCoupons) exceptions.push({ vendor: 'capillary', code: 'COUPON_NOT_REDEEMED', reason: `coupon ${c.code} ${reason}` });
      return;
    }
    await Promise.all([
      toRedeem &&
        forward('points redeem', 'capillary', async () => {
          s.pointsRedemption = await afterPayment.redeemPoints(s.ref, toRedeem.customer, toRedeem.points.points);
          references.pointsRedemptionId = s.pointsRedemption.redemptionId;
        }),
      ...capillaryCoupons.map(redeemCoupon),
    ]);
  };
  const inOrder = usesCapillary && isPatched(Patches.capillaryRedeemAfterBill);

  await Promise.all([
    ...(inOrder ? [capillaryInOrder()] : [usesCapillary && addBill(), ...capillaryCoupons.map(redeemCoupon)]),
    s.input.postTender &&
      forward('post-tender transaction', 'cmc', async () => {
        const sent = await afterPayment.sendPostTender(s.ref, {
          terminalId: s.input.till,
          posLocationId: s.input.store,
          amountMinor: amountDueMinor,
          transactionDate: s.input.performedOn,
          lines: s.input.lines,
        });
        references.cmcTransactionId = sent.vendorTransactionId;
        postTender = {
          ...(sent.qrCodeWidget?.qrCodeLinkUrl && { qrCodeLinkUrl: sent.qrCodeWidget.qrCodeLinkUrl }),
          ...(sent.qrCodeWidget?.shortLinkUrl && { shortLinkUrl: sent.qrCodeWidget.shortLinkUrl }),
          ...(sent.cfsTemplate?.cfsCarouselUrl && { cfsCarouselUrl: sent.cfsTemplate.cfsCarouselUrl }),
        };
      }),
  ]);

  // Last: a validated Coupontools coupon cannot be given back. One that could not be validated is
  // unlocked, so no coupon stays locked (the exception tells finance it was honoured unvalidated).
  for (const c of s.acceptedCoupons().filter((c) => c.provider === 'coupontools')) {
    const before = exceptions.length;
    await forward(`coupon ${c.code} validate`, 'coupontools', async () => {
      await afterPayment.redeemCoupon(s.ref, c.provider, c.code, { billAmountMinor: paidMinor ?? amountDueMinor });
    });
    if (exceptions.length > before) {
      await forward(`coupon ${c.code} release`, 'coupontools', () => afterPayment.releaseCoupon(s.ref, c.provider, c.code));
    }
  }

  return receiptOf(s, { amountDueMinor, paidMinor, paymentMethod, references, postTender, couponRedemptionIds, exceptions });
}
