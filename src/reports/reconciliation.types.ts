import type { CheckoutView } from '../../workflows/checkout.contract';

/** Which store-day a report is of, in which zone: the facts' and the report's heading alike. */
export interface ReconciliationDay {
  merchant: string;
  store: string;
  date: string;
  timeZone: string;
  timeZoneSource: 'store' | 'default';
  /** The day's bounds and the report's time, rendered in the store's zone by Postgres. */
  from: string;
  to: string;
  generatedAt: string;
}

/** What the repository reads for one store-day; the builder turns it into the report. */
export interface ReconciliationFacts extends ReconciliationDay {
  checkoutEvents: CheckoutDayEvent[];
  returns: ReturnFact[];
  vendorCalls: VendorCallGroup[];
}

/** The saga transitions finance counts; a checkout's figures fall on the day it entered the state. */
export const RECONCILED_TRANSITIONS = ['completed', 'voided', 'compensated', 'compensation_failed', 'expired', 'cancelled'] as const;
export type ReconciledTransition = (typeof RECONCILED_TRANSITIONS)[number];

export interface CheckoutDayEvent {
  checkoutId: string;
  till: string;
  currency: string;
  event: ReconciledTransition;
  at: string;
  totalMinor: number;
  view: CheckoutView | null;
  failureReason: string | null;
  /** Sum of successful vendor-call amounts by `vendor:operation` (CMC and Capillary bills), to compare with the POS. */
  vendorAmounts: Record<string, number>;
}

/** One partial return of a completed sale (an item of the view's `returns.items`, counted on its `returnedAt`). */
export interface ReturnFact {
  checkoutId: string;
  till: string;
  currency: string;
  at: string;
  /** The goods' value returned, and the share of the amount paid that the POS refunds. */
  amountMinor: number;
  refundMinor: number;
  /** The pro-rata shares given back: CRM.COM award, Capillary points and their value. */
  awardReversedMinor: number;
  pointsReversed: number;
  pointsValueReversedMinor: number;
}

export interface VendorCallGroup {
  till: string;
  vendor: string;
  step: string;
  operation: string;
  outcome: string;
  currency: string;
  count: number;
  /** Sum of the rows' amounts (null amounts count as 0). */
  amountMinor: number;
}

export interface TillFigures {
  /** null on a store total. */
  till: string | null;
  currency: string;
  sales: { count: number; totalMinor: number; amountDueMinor: number; paidMinor: number; refusals: number };
  awards: { count: number; amountMinor: number };
  /**
   * `amountMinor`: spend the till deducted (front-end); `paidOutMinor`: spend CRM.COM paid out to the
   * customer itself on back-end purchases (the customer paid in full), never in `amountMinor`.
   */
  spends: { count: number; requestedMinor: number; amountMinor: number; paidOutMinor: number };
  couponDiscounts: { count: number; amountMinor: number };
  pointsRedeemed: { count: number; points: number; amountMinor: number };
  voids: {
    count: number;
    totalMinor: number;
    amountDueMinor: number;
    awardsReversedMinor: number;
    spendsReversedMinor: number;
    /** Back-end spends CRM.COM had paid out on the voided sales: the cancel restores the wallet, the payout may stand (an exception each). */
    paidOutMinor: number;
    pointsReversed: number;
    pointsValueReversedMinor: number;
  };
  returns: { count: number; amountMinor: number; refundMinor: number; awardReversedMinor: number; pointsReversed: number; pointsValueReversedMinor: number };
  compensations: { checkouts: number; undone: number; failed: number };
  failures: { compensated: number; rejected: number; compensationFailed: number; expired: number; cancelled: number };
}

/** Why a vendor call happened: the sale itself, an undo of a failed or abandoned checkout, a void or a return. */
export type VendorCallPurpose = 'sale' | 'compensation' | 'void' | 'return';

export interface VendorFigures {
  till: string;
  vendor: string;
  purpose: VendorCallPurpose;
  operation: string;
  currency: string;
  succeeded: number;
  rejected: number;
  failed: number;
  /** Effects not sent again because an earlier send may have been applied (CMC): each an `outcome_unknown` exception. */
  unknown: number;
  /** Sum of the amounts of the successful calls. */
  amountMinor: number;
}

export const EXCEPTION_KINDS = [
  'compensation_failed',
  'expired_after_commit',
  'non_compensable',
  'void_incomplete',
  'after_payment_refusal',
  'amount_mismatch',
  'outcome_unknown',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export interface ReconciliationException {
  kind: ExceptionKind;
  checkoutId: string;
  till: string;
  currency: string;
  at: string;
  vendor: string | null;
  code: string;
  reason: string;
  /** The amounts that disagree or are at stake, in minor units (points are counts). */
  figures: Record<string, number>;
}

export interface ReconciliationReport extends ReconciliationDay {
  totals: TillFigures[];
  tills: TillFigures[];
  vendors: VendorFigures[];
  exceptions: ReconciliationException[];
}
