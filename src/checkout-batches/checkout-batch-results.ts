import type { CheckoutReceipt, CheckoutState, Refusal } from '../../workflows/checkout.contract';
import type { BatchSaleRow } from '../../core/checkout-batches/checkout-batches.repository';

export type BatchSaleOutcome = 'completed' | 'rejected' | 'failed' | 'pending';

/** What GET shows per sale; amounts stay in minor units here and become decimal strings at the edge. */
export interface BatchSaleResult {
  position: number;
  posReference: string;
  checkoutId: string;
  outcome: BatchSaleOutcome;
  /** The checkout's own state, once its saga has recorded one. */
  state?: CheckoutState;
  reason?: string;
  receipt?: {
    totalMinor: number;
    amountDueMinor: number;
    awardedMinor: number;
    spentMinor: number;
    pointsRedeemed: number;
    exceptions: Refusal[];
    references: CheckoutReceipt['references'];
  };
}

const COMPLETED: readonly CheckoutState[] = ['completed', 'voided', 'partially_returned'];
const FAILED: readonly CheckoutState[] = ['cancelled', 'expired', 'compensated', 'compensation_failed'];

/**
 * One rule for a sale's outcome: the batch could not drive it (its key belongs to another sale) or a
 * vendor refused it: rejected; its saga ended without the sale: failed; completed; otherwise pending.
 */
export function batchSaleResult(row: BatchSaleRow): BatchSaleResult {
  const base = { position: row.position, posReference: row.posReference, checkoutId: row.checkoutId, ...(row.state && { state: row.state }) };
  if (row.driveOutcome === 'conflict' || row.driveOutcome === 'refused') {
    return { ...base, outcome: 'rejected', reason: row.driveReason ?? row.driveOutcome };
  }
  if (row.rejection) return { ...base, outcome: 'rejected', reason: row.rejection.reason };
  if (row.state && COMPLETED.includes(row.state) && row.receipt) {
    const r = row.receipt;
    return {
      ...base,
      outcome: 'completed',
      receipt: {
        totalMinor: r.totalMinor,
        amountDueMinor: r.amountDueMinor,
        awardedMinor: r.awardedMinor,
        spentMinor: r.spentMinor,
        pointsRedeemed: r.pointsRedeemed,
        exceptions: r.exceptions,
        references: r.references,
      },
    };
  }
  if (row.state && FAILED.includes(row.state)) return { ...base, outcome: 'failed', reason: row.failureReason ?? `the checkout ended ${row.state}` };
  return { ...base, outcome: 'pending' };
}

export function countOutcomes(results: BatchSaleResult[]): Record<BatchSaleOutcome | 'total', number> {
  const counts = { total: results.length, completed: 0, rejected: 0, failed: 0, pending: 0 };
  for (const r of results) counts[r.outcome]++;
  return counts;
}
