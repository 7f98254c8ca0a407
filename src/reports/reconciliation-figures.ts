import type { CheckoutDayEvent, ReturnFact, TillFigures } from './reconciliation.types';

/** Steps that undo a checkout that did not complete (the saga's compensations). */
export const COMPENSATION_STEPS: readonly string[] = ['coupon release', 'void purchase', 'points reverse'];

export function emptyFigures(till: string | null, currency: string): TillFigures {
  return {
    till,
    currency,
    sales: { count: 0, totalMinor: 0, amountDueMinor: 0, paidMinor: 0, refusals: 0 },
    awards: { count: 0, amountMinor: 0 },
    spends: { count: 0, requestedMinor: 0, amountMinor: 0, paidOutMinor: 0 },
    couponDiscounts: { count: 0, amountMinor: 0 },
    pointsRedeemed: { count: 0, points: 0, amountMinor: 0 },
    voids: { count: 0, totalMinor: 0, amountDueMinor: 0, awardsReversedMinor: 0, spendsReversedMinor: 0, paidOutMinor: 0, pointsReversed: 0, pointsValueReversedMinor: 0 },
    returns: { count: 0, amountMinor: 0, refundMinor: 0, awardReversedMinor: 0, pointsReversed: 0, pointsValueReversedMinor: 0 },
    compensations: { checkouts: 0, undone: 0, failed: 0 },
    failures: { compensated: 0, rejected: 0, compensationFailed: 0, expired: 0, cancelled: 0 },
  };
}

/**
 * Adds one checkout transition of the day to its till's figures. A sale counts on the day it
 * completed (with its receipt's award, spend, coupons and points); a void on the day it was voided,
 * reversing that receipt; a failure on the day the saga ended.
 */
export function addCheckoutEvent(f: TillFigures, e: CheckoutDayEvent): void {
  const receipt = e.view?.receipt;
  switch (e.event) {
    case 'completed': {
      f.sales.count += 1;
      f.sales.totalMinor += e.totalMinor;
      f.sales.amountDueMinor += receipt?.amountDueMinor ?? e.totalMinor;
      f.sales.paidMinor += receipt?.paidMinor ?? 0;
      f.sales.refusals += e.view?.commitment?.refusals.length ?? 0;
      if (!receipt) return;
      if (receipt.references.crmcomPurchaseNumber) {
        f.awards.count += 1;
        f.awards.amountMinor += receipt.awardedMinor;
      }
      if (receipt.references.crmcomSpendNumber || receipt.spentMinor > 0) {
        f.spends.count += 1;
        f.spends.requestedMinor += e.view?.quote?.loyalty?.requestedSpendMinor ?? 0;
        f.spends.amountMinor += receipt.spentMinor - paidOutOf(receipt);
        f.spends.paidOutMinor += paidOutOf(receipt);
      }
      for (const coupon of receipt.coupons) {
        f.couponDiscounts.count += 1;
        f.couponDiscounts.amountMinor += coupon.valueMinor ?? 0;
      }
      if (receipt.pointsRedeemed > 0) {
        f.pointsRedeemed.count += 1;
        f.pointsRedeemed.points += receipt.pointsRedeemed;
        f.pointsRedeemed.amountMinor += receipt.pointsValueMinor;
      }
      return;
    }
    case 'voided':
      f.voids.count += 1;
      f.voids.totalMinor += e.totalMinor;
      f.voids.amountDueMinor += receipt?.amountDueMinor ?? 0;
      f.voids.awardsReversedMinor += receipt?.references.crmcomPurchaseNumber ? receipt.awardedMinor : 0;
      f.voids.spendsReversedMinor += receipt ? receipt.spentMinor - paidOutOf(receipt) : 0;
      f.voids.paidOutMinor += receipt ? paidOutOf(receipt) : 0;
      f.voids.pointsReversed += receipt?.pointsRedeemed ?? 0;
      f.voids.pointsValueReversedMinor += receipt?.pointsValueMinor ?? 0;
      return;
    case 'compensated':
      if (e.view?.rejection) f.failures.rejected += 1;
      else f.failures.compensated += 1;
      addCompensations(f, e);
      return;
    case 'compensation_failed':
      f.failures.compensationFailed += 1;
      addCompensations(f, e);
      return;
    case 'expired':
      f.failures.expired += 1;
      addCompensations(f, e);
      return;
    case 'cancelled':
      f.failures.cancelled += 1;
      addCompensations(f, e);
      return;
  }
}

/** A back-end purchase's spend, paid out by CRM.COM (in the receipt's spentMinor, never deducted at the till). */
function paidOutOf(receipt: { crmcomPaidOut?: { spendMinor: number } }): number {
  return receipt.crmcomPaidOut?.spendMinor ?? 0;
}

function addCompensations(f: TillFigures, e: CheckoutDayEvent): void {
  const compensations = e.view?.compensations ?? [];
  if (compensations.length === 0) return;
  f.compensations.checkouts += 1;
  f.compensations.undone += compensations.filter((c) => c.outcome === 'done').length;
  f.compensations.failed += compensations.filter((c) => c.outcome === 'failed').length;
}

export function addReturn(f: TillFigures, r: ReturnFact): void {
  f.returns.count += 1;
  f.returns.amountMinor += r.amountMinor;
  f.returns.refundMinor += r.refundMinor;
  f.returns.awardReversedMinor += r.awardReversedMinor;
  f.returns.pointsReversed += r.pointsReversed;
  f.returns.pointsValueReversedMinor += r.pointsValueReversedMinor;
}

/** A store total: every numeric figure of its tills added up (same currency only). */
export function sumFigures(tills: TillFigures[], currency: string): TillFigures {
  const total = emptyFigures(null, currency);
  for (const t of tills.filter((x) => x.currency === currency)) addNumbers(total as unknown as Record<string, unknown>, t as unknown as Record<string, unknown>);
  return total;
}

function addNumbers(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    if (typeof value === 'number') into[key] = (into[key] as number) + value;
    else if (value && typeof value === 'object') addNumbers(into[key] as Record<string, unknown>, value as Record<string, unknown>);
  }
}
