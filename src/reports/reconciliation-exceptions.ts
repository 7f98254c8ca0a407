import { RefusalCodes } from '../../workflows/checkout.contract';
import type { CheckoutDayEvent, ReconciliationException } from './reconciliation.types';
import { hideProjectionCodes } from '../../core/checkouts/projection-codes';

/**
 * What finance must look at, never hidden in a total: sagas ops must finish, effects nobody can
 * undo, vendor refusals after payment, and every place where a vendor's amount is not the POS's.
 */
export function exceptionsOf(e: CheckoutDayEvent): ReconciliationException[] {
  const base = { checkoutId: e.checkoutId, till: e.till, currency: e.currency, at: e.at };
  const out: ReconciliationException[] = [];
  const view = e.view;
  if (e.event === 'compensation_failed') {
    out.push({
      ...base, kind: 'compensation_failed', vendor: null, code: 'COMPENSATION_FAILED',
      reason: e.failureReason ?? 'a compensation failed', figures: { totalMinor: e.totalMinor, ...commitmentFigures(e) },
    });
  }
  if (e.event === 'expired' && view?.commitment) {
    out.push({
      ...base, kind: 'expired_after_commit', vendor: null, code: 'EXPIRED_AFTER_COMMIT',
      reason: 'the checkout was committed and then expired without completing; its effects were undone', figures: commitmentFigures(e),
    });
  }
  if (e.event === 'voided' && view?.void) {
    for (const n of view.void.nonCompensable) {
      const value = view.receipt?.coupons.find((c) => c.code === n.code)?.valueMinor;
      out.push({
        ...base, kind: 'non_compensable', vendor: n.vendor, code: RefusalCodes.nonCompensable,
        // The coupon is not named: its code identifies the customer it was issued to.
        reason: `a ${n.vendor} coupon was validated, and the vendor has no undo`, figures: value === undefined ? {} : { couponValueMinor: value },
      });
    }
    for (const x of view.void.exceptions.filter((v) => v.code !== RefusalCodes.nonCompensable)) {
      const kind = x.code === RefusalCodes.outcomeUnknown ? 'outcome_unknown' : 'void_incomplete';
      const paidOut = x.code === RefusalCodes.backEndPayoutNotReversed ? view.receipt?.crmcomPaidOut?.spendMinor : undefined;
      out.push({ ...base, kind, vendor: x.vendor, code: x.code, reason: x.reason, figures: paidOut === undefined ? {} : { paidOutMinor: paidOut } });
    }
  }
  if (e.event === 'completed' && view?.receipt) {
    for (const x of view.receipt.exceptions) {
      // Not a refusal: the vendor may hold the effect (sent once, answer lost), finance checks it there.
      const kind = x.code === RefusalCodes.outcomeUnknown ? 'outcome_unknown' : 'after_payment_refusal';
      out.push({ ...base, kind, vendor: x.vendor, code: x.code, reason: x.reason, figures: { amountDueMinor: view.receipt.amountDueMinor } });
    }
    out.push(...mismatchesOf(e).map((m) => ({ ...base, kind: 'amount_mismatch' as const, ...m })));
  }
  // A vendor's or a step's reason may quote a coupon code: the projection keeps it sealed, the report shows `[coupon]`.
  return out.map((x) => ({ ...x, reason: hideProjectionCodes(x.reason) }));
}

type Mismatch = Pick<ReconciliationException, 'vendor' | 'code' | 'reason' | 'figures'>;

/** A completed sale's vendor figures against the POS's, each pair named. */
function mismatchesOf(e: CheckoutDayEvent): Mismatch[] {
  const { quote, receipt } = e.view ?? {};
  if (!receipt) return [];
  const out: Mismatch[] = [];
  // What the saga asked CRM.COM to spend: the POS's request capped by the quote (wallet balance and
  // CRM.COM's preview maximum); the POS's raw request is not in the projection.
  const requested = quote?.loyalty?.requestedSpendMinor ?? 0;
  if (requested > 0 && receipt.spentMinor < requested) {
    out.push({ vendor: 'crmcom', code: 'SPEND_BELOW_REQUEST', reason: 'CRM.COM approved less spend than the POS asked for', figures: { requestedMinor: requested, approvedMinor: receipt.spentMinor } });
  }
  const preview = quote?.loyalty?.expectedAwardMinor;
  if (receipt.references.crmcomPurchaseNumber && preview !== undefined && preview !== receipt.awardedMinor) {
    out.push({ vendor: 'crmcom', code: 'AWARD_DIFFERS_FROM_PREVIEW', reason: 'CRM.COM awarded another amount than its preview', figures: { previewMinor: preview, awardedMinor: receipt.awardedMinor } });
  }
  const quotedPoints = quote?.points?.accepted ? quote.points : undefined;
  if (quotedPoints && receipt.pointsRedeemed > 0 && quotedPoints.valueMinor !== receipt.pointsValueMinor) {
    out.push({ vendor: 'capillary', code: 'POINTS_VALUE_DIFFERS', reason: 'Capillary redeemed the points for another value than it quoted', figures: { quotedMinor: quotedPoints.valueMinor, redeemedMinor: receipt.pointsValueMinor } });
  }
  const vendorBills: Array<[string, string, string]> = [
    ['cmc', 'cmc:pos.transaction', 'CMC_AMOUNT_DIFFERS'],
    ['capillary', 'capillary:transaction.add', 'CAPILLARY_BILL_DIFFERS'],
  ];
  for (const [vendor, key, code] of vendorBills) {
    const amount = e.vendorAmounts[key];
    if (amount !== undefined && amount !== receipt.amountDueMinor) {
      out.push({ vendor, code, reason: `the ${vendor} transaction amount is not the POS amount due`, figures: { posAmountDueMinor: receipt.amountDueMinor, vendorAmountMinor: amount } });
    }
  }
  if (receipt.paidMinor !== receipt.amountDueMinor) {
    out.push({ vendor: null, code: 'PAID_DIFFERS_FROM_DUE', reason: 'the tender the POS reported is not the amount due', figures: { amountDueMinor: receipt.amountDueMinor, paidMinor: receipt.paidMinor } });
  }
  return out;
}

function commitmentFigures(e: CheckoutDayEvent): Record<string, number> {
  const d = e.view?.commitment?.discounts;
  return d ? { spendMinor: d.spendMinor, automaticSpendMinor: d.automaticSpendMinor, pointsMinor: d.pointsMinor, couponsMinor: d.couponsMinor } : {};
}
