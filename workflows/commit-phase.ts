import type { CheckoutCommitment, Refusal } from './checkout.contract';
import { beforePayment, compensation } from './activity-options';
import { asRefusal } from './failures';
import { commitmentOf } from './phase-answers';
import { loyaltyPurchase } from './reserve-phase';
import type { SagaState } from './saga-state';
import { Patches, isPatched } from './workflow-patches';

/**
 * Commit: the CRM.COM purchase with its spend and, only where the org allows reversal and is
 * configured for it, the Capillary points redemption, in parallel. Otherwise the till applies the
 * points value the reserve's isredeemable approved and the complete phase redeems after the bill
 * (capillary-pos-integration.md, "Points": "apply the redeeming value on the transaction and commit
 * the transaction into the POS. Consume transaction/add API and on success consume point/redeem API").
 * Each undo is registered before its step, because a reply lost after the effect landed is still
 * an effect; the undo resolves an unknown outcome by looking the effect up. The POS deducts what
 * the vendors actually approved, which can be less than asked.
 */
export async function commit(s: SagaState, spendMinorAsked: number | undefined, holdExpiresAt: string): Promise<CheckoutCommitment> {
  const refusals: Refusal[] = [];
  // allSettled, not all: a failed step must not start the undos while the other step is still
  // running, or its effect would land after its undo had found nothing to undo.
  const results = await Promise.allSettled([commitLoyalty(s, spendMinorAsked, refusals), commitPoints(s, refusals)]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;

  return commitmentOf(s, refusals, holdExpiresAt);
}

async function commitLoyalty(s: SagaState, spendMinorAsked: number | undefined, refusals: Refusal[]): Promise<void> {
  const customer = s.loyaltyCustomer;
  if (!customer) return;
  const quoteMax = s.view.quote?.loyalty?.maxSpendMinor ?? 0;
  const asked = spendMinorAsked ?? s.view.quote?.loyalty?.requestedSpendMinor ?? 0;
  const spendMinor = Math.min(asked, quoteMax);
  const undo = 'void CRM.COM purchase';
  s.compensations.push(undo, () =>
    compensation.voidLoyaltyPurchase(s.ref, {
      purchaseNumber: s.purchase?.purchaseNumber,
      spendNumber: s.purchase?.spend?.spendNumber ?? null,
    }),
  );
  try {
    s.purchase = await beforePayment.submitLoyaltyPurchase(s.ref, customer, loyaltyPurchase(s.input), spendMinor > 0 ? spendMinor : undefined);
  } catch (err) {
    const refusal = asRefusal(err);
    if (!refusal) throw err;
    // The undo stays: a refusal on a retried attempt does not prove the first attempt posted
    // nothing, and the void looks the purchase up by our reference ("never posted" = done).
    refusals.push(refusal);
    return;
  }
  const spend = s.purchase.spend;
  if (spend?.refusal) refusals.push({ vendor: 'crmcom', ...spend.refusal });
}

async function commitPoints(s: SagaState, refusals: Refusal[]): Promise<void> {
  const points = s.input.points;
  if (!points || !s.pointsAccepted || !s.pointsCustomer) return;
  // Redeemed after the bill, so nothing to undo here: a cancelled or expired checkout leaves the
  // customer's points alone (an org without Allow_points_redemption_reversal could not give them back).
  if (!points.redeemBeforePayment && isPatched(Patches.capillaryRedeemAfterBill)) {
    s.pointsAfterBill = true;
    return;
  }
  const customer = s.pointsCustomer;
  const undo = 'reverse Capillary points';
  s.compensations.push(undo, () => compensation.reversePoints(s.ref, customer, s.pointsRedemption ?? null, points.points));
  try {
    s.pointsRedemption = await beforePayment.redeemPoints(s.ref, customer, points.points);
  } catch (err) {
    const refusal = asRefusal(err);
    if (!refusal) throw err;
    // The undo stays, as for the purchase: the reversal finds the redemption by bill, if any.
    refusals.push(refusal);
  }
}
