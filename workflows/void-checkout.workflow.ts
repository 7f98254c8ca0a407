import { proxyActivities } from '@temporalio/workflow';
import type { createTransitionActivities } from '../activities/checkout-transition.activities';
import type { createVoidActivities } from '../activities/checkout-void.activities';
import { ActivityProfiles } from './activity-options';
import {
  checkoutReference,
  RefusalCodes,
  type CheckoutRef,
  type CheckoutView,
  type OriginalSale,
  type Refusal,
} from './checkout.contract';
import { VOID_TRANSITION_SEQ } from './checkout-transitions.contract';
import { forwardSteps } from './forward-step';
import { refundOfUnknownCmcSale } from './unknown-cmc-sale';
import { workflowNow } from './workflow-clock';
import { Patches, isPatched } from './workflow-patches';

type Activities = ReturnType<typeof createVoidActivities> & ReturnType<typeof createTransitionActivities>;

/** The void runs after the sale was paid and refunded: like complete, transient faults are retried forward. */
const afterPayment = proxyActivities<Activities>(ActivityProfiles.afterPayment);
const bookkeeping = proxyActivities<Activities>(ActivityProfiles.bookkeeping);

export function voidWorkflowId(checkoutId: string): string {
  return `void:${checkoutId}`;
}

export interface VoidCheckoutInput {
  ref: CheckoutRef;
  /** The completed checkout's view, from the projection: its receipt says which effects to undo. */
  view: CheckoutView;
  /** From the checkout's own input (its workflow history); absent when that history is gone. */
  original?: OriginalSale;
}

/**
 * Void of a completed checkout: every effect the sale left at a vendor is undone (CMC refund,
 * Capillary coupon reactivation, bill return and points reversal, CRM.COM purchase and spend
 * cancel), a vendor's refusal becomes an exception for finance, and Coupontools validation, which has
 * no undo, is recorded as non-compensable. The answer is the checkout's view in state `voided`.
 * Workflow id `void:<checkoutId>`: a closed void never runs again, so voiding twice gets this answer.
 */
export async function voidCheckoutWorkflow(input: VoidCheckoutInput): Promise<CheckoutView> {
  const { ref, view, original } = input;
  const receipt = view.receipt;
  const exceptions: Refusal[] = [];
  const nonCompensable: Array<{ vendor: string; code: string }> = [];
  const references: Record<string, string> = {};
  const now = new Date(workflowNow()).toISOString();

  const forward = forwardSteps(exceptions, 'NOT_VOIDED');

  if (receipt) {
    const refs = receipt.references;
    const performedOn = original?.performedOn ?? now;
    const lines = original?.lines ?? [];
    const capillaryCoupons = receipt.coupons.filter((c) => c.provider === 'capillary');
    const customerMissing = (step: string): Refusal => ({
      vendor: 'capillary',
      code: 'CUSTOMER_UNKNOWN',
      reason: `${step} not attempted: the checkout's Capillary customer is no longer known`,
    });

    const returnBill = async () => {
      if (!refs.capillaryTransactionId) return;
      if (!original) {
        exceptions.push(customerMissing('transaction return'));
        return;
      }
      await forward('transaction return', 'capillary', async () => {
        const returned = await afterPayment.returnCompletedSale(ref, {
          amountMinor: receipt.amountDueMinor,
          originalBillingTime: performedOn,
          billingTime: now,
          ...(original.capillaryCustomer && { customer: original.capillaryCustomer }),
        });
        if (returned.transactionId) references.capillaryReturnTransactionId = returned.transactionId;
      });
    };
    const reversePoints = async () => {
      if (!refs.pointsRedemptionId) return;
      const customer = original?.capillaryCustomer;
      if (!customer) {
        exceptions.push(customerMissing('points reversal'));
        return;
      }
      await forward('points reverse', 'capillary', async () => {
        await afterPayment.reverseCompletedPoints(ref, customer, {
          redemptionId: refs.pointsRedemptionId as string,
          points: receipt.pointsRedeemed,
          valueMinor: receipt.pointsValueMinor,
        });
        references.pointsReversedRedemptionId = refs.pointsRedemptionId as string;
      });
    };

    const capillary = async () => {
      // Coupons first and then the points (both were redeemed against the bill), then the bill:
      // vendors.md's undo table, `points/redeem`: "Reverse **before** returning the bill if both are
      // needed". Guarded: voids recorded before returned the bill first.
      for (const c of capillaryCoupons) {
        await forward(`coupon ${c.code} reactivate`, 'capillary', async () => {
          await afterPayment.reinstateCompletedCoupon(ref, { code: c.code, ...(c.redemptionId && { redemptionId: c.redemptionId }) });
        });
      }
      if (refs.pointsRedemptionId && refs.capillaryTransactionId && isPatched(Patches.voidReversesPointsBeforeBillReturn)) {
        await reversePoints();
        await returnBill();
      } else {
        await returnBill();
        await reversePoints();
      }
    };

    await Promise.all([
      refs.cmcTransactionId &&
        forward('post-tender refund', 'cmc', async () => {
          const refund = await afterPayment.refundPostTender(ref, {
            // The ClearLine transactionId the sale was sent under is our checkout reference (cmcTransactionId is CMC's own id).
            originalTransactionId: checkoutReference(ref),
            amountMinor: receipt.amountDueMinor,
            transactionDate: now,
            lines,
          });
          references.cmcRefundTransactionId = refund.vendorTransactionId;
        }),
      capillary(),
      refs.crmcomPurchaseNumber &&
        forward('purchase cancel', 'crmcom', async () => {
          await afterPayment.voidCompletedPurchase(ref, { purchaseNumber: refs.crmcomPurchaseNumber as string, spendNumber: refs.crmcomSpendNumber ?? null });
          references.crmcomCancelledPurchaseNumber = refs.crmcomPurchaseNumber as string;
        }),
    ]);

    // A back-end purchase's paid-out spend: the cancel restores the wallet, but CRM.COM may or may not
    // reverse the payout (the guide only says spends "are amended"), and the till refunds what it
    // took, the full amount. Finance must see it, with the amount. Data only (no command), so no patch.
    const paidOutMinor = receipt.crmcomPaidOut?.spendMinor ?? 0;
    if (refs.crmcomPurchaseNumber && paidOutMinor > 0) {
      exceptions.push({
        vendor: 'crmcom',
        code: RefusalCodes.backEndPayoutNotReversed,
        // The amount in minor units (workflows convert no money); the receipt's crmcomPaidOut shows it as a decimal.
        reason: `CRM.COM paid ${paidOutMinor} ${receipt.currency} minor units of wallet spend out to the customer on back-end purchase ${refs.crmcomPurchaseNumber}; the cancel gives the spend back to the wallet and may not reverse the payout: check it at CRM.COM and recover it from the customer if it was not reversed`,
      });
    }

    // Data only (no command), so no patch.
    const unknownCmcSale = refundOfUnknownCmcSale(receipt, ref, 'void');
    if (unknownCmcSale) exceptions.push(unknownCmcSale);

    // Coupontools validation cannot be given back: finance sees it, the void does not pretend.
    for (const c of receipt.coupons.filter((c) => c.provider === 'coupontools')) {
      nonCompensable.push({ vendor: 'coupontools', code: c.code });
      exceptions.push({ vendor: 'coupontools', code: RefusalCodes.nonCompensable, reason: `coupon ${c.code} was validated at Coupontools, which has no undo` });
    }
  }

  const voided: CheckoutView = { ...view, state: 'voided', void: { exceptions, nonCompensable, references } };
  await bookkeeping.recordCheckoutTransition(ref, {
    seq: VOID_TRANSITION_SEQ,
    state: 'voided',
    step: 'void',
    totalMinor: receipt?.totalMinor ?? view.quote?.totalMinor ?? 0,
    view: voided,
  });
  return voided;
}
