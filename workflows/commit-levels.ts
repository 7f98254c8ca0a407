import type { CheckoutCommitment, Refusal } from './checkout.contract';
import { compensation } from './activity-options';
import { redeemPointsStep } from './capillary-steps';
import { asRefusal } from './failures';
import { step, type LocalFirstSteps } from './local-first';
import { commitmentOf } from './phase-answers';
import { loyaltyPurchase } from './reserve-phase';
import type { SagaState } from './saga-state';
import { unavailableRefusal, type TillDeadline } from './till-deadline';

/**
 * Commit of checkoutWorkflowV2: one barrier group of local activities, the CRM.COM purchase with its
 * spend and, only for an org configured to redeem points before payment, the Capillary points. The
 * same rules and answer as v1's commit (commit-phase.ts says why): each undo is registered before its
 * step, a refusal keeps the undo (a retried attempt's refusal does not prove the first posted
 * nothing), and points are otherwise redeemed after the bill.
 * With a till's `deadline`, a step that has not answered by then is left out of the commitment, its
 * vendor named unavailable, and its effect undone at once in case it landed (till-deadline.ts): the
 * purchase voided (the receipt then carries CRM.COM's reclaim codes), the points reversed.
 */
export async function commitInLevels(
  s: SagaState,
  steps: LocalFirstSteps,
  spendMinorAsked: number | undefined,
  holdExpiresAt: string,
  deadline?: TillDeadline,
): Promise<CheckoutCommitment> {
  const { ref, input } = s;
  const refusals: Refusal[] = [];
  const customer = s.loyaltyCustomer;
  const quoteMax = s.view.quote?.loyalty?.maxSpendMinor ?? 0;
  const spendMinor = Math.min(spendMinorAsked ?? s.view.quote?.loyalty?.requestedSpendMinor ?? 0, quoteMax);
  // CRM.COM back-office back-end: CRM.COM pays the spend out when the purchase is submitted, so it is
  // submitted after the customer paid (complete-levels.ts), never here: a sale cancelled or expired
  // before payment has posted nothing. Keyed on the input's crmcomReduction, which sagas recorded
  // before it lack: they issue the commands they recorded.
  const postAfterPayment = customer && input.crmcomReduction === 'back_end';
  if (postAfterPayment) s.purchaseAfterPayment = { spendMinor: Math.max(0, spendMinor) };
  if (customer && !postAfterPayment) {
    s.compensations.push('void CRM.COM purchase', () =>
      compensation.voidLoyaltyPurchase(ref, { purchaseNumber: s.purchase?.purchaseNumber, spendNumber: s.purchase?.spend?.spendNumber ?? null }),
    );
  }
  const points = input.points;
  const pointsCustomer = s.pointsCustomer;
  const usesPoints = points && s.pointsAccepted && pointsCustomer;
  const pointsNow = usesPoints && points.redeemBeforePayment ? { points, customer: pointsCustomer } : undefined;
  if (usesPoints && !pointsNow) s.pointsAfterBill = true;
  if (pointsNow) {
    s.compensations.push('reverse Capillary points', () => compensation.reversePoints(ref, pointsNow.customer, s.pointsRedemption ?? null, pointsNow.points.points));
  }

  const [purchase, redemption] = await steps.group('beforePayment', [
    customer && !postAfterPayment && step('submitLoyaltyPurchase', ref, customer, loyaltyPurchase(input), spendMinor > 0 ? spendMinor : undefined),
    pointsNow && redeemPointsStep(ref, pointsNow.customer, pointsNow.points),
  ], deadline);
  const failures: unknown[] = [];
  if (purchase && !purchase.ok && purchase.unavailable && input.customer) {
    s.leaveOut(input.customer.provider, 'void CRM.COM purchase', deadline?.landsWithinMs);
    s.loyaltyLeftOut = true;
    s.loyaltyCustomer = undefined;
    refusals.push(unavailableRefusal(input.customer.provider, 'the loyalty award and spend'));
  } else if (purchase?.ok) {
    s.purchase = purchase.value;
    const spend = purchase.value.spend;
    if (spend?.refusal) refusals.push({ vendor: 'crmcom', ...spend.refusal });
  } else if (purchase) refuseOr(purchase.error, refusals, failures);
  if (redemption && !redemption.ok && redemption.unavailable && points) {
    s.leaveOut(points.provider, 'reverse Capillary points', deadline?.landsWithinMs);
    s.pointsAccepted = false;
    refusals.push(unavailableRefusal(points.provider, 'the points'));
  } else if (redemption?.ok) s.pointsRedemption = redemption.value;
  else if (redemption) refuseOr(redemption.error, refusals, failures);
  if (failures.length > 0) throw failures[0];
  return commitmentOf(s, refusals, holdExpiresAt);
}

function refuseOr(err: unknown, refusals: Refusal[], failures: unknown[]): void {
  const refusal = asRefusal(err);
  if (refusal) refusals.push(refusal);
  else failures.push(err);
}
