import type { DataSource } from 'typeorm';
import type { AuditWriter } from '../core/audit/audit-writer';
import { CallbackOutboxRepository } from '../core/callbacks/callback-outbox.repository';
import { hideProjectionCodes, sealProjectionCodes } from '../core/checkouts/projection-codes';
import type { TextSealer } from '../core/temporal/encryption-codec';
import { isFinalState, type CheckoutRef, type CheckoutState, type CheckoutTransition } from '../workflows/checkout.contract';
import { isCheckoutSagaTransition } from '../workflows/checkout-transitions.contract';
import { Context } from '@temporalio/activity';
import { sagaTransitions } from './metrics/worker-metrics';

/** States after which a checkout's remembered v2 step results (activities/remembered-steps.ts) no longer stand. */
const FORGETTING_STATES: readonly CheckoutState[] = ['compensated', 'cancelled', 'expired', 'voided'];

/**
 * Saga transitions: one audit row per state entered and the `checkouts` projection moved in the same
 * database transaction, so the read model never shows a state the trail does not explain.
 */
export function createTransitionActivities({ dataSource, audit, codes }: { dataSource: DataSource; audit: AuditWriter; codes: TextSealer }) {
  const callbacks = new CallbackOutboxRepository(dataSource);
  return {
    async recordCheckoutTransition(ref: CheckoutRef, transition: CheckoutTransition): Promise<void> {
      const info = Context.current().info;
      const runId = info.workflowExecution?.runId ?? null;
      // Only the checkout saga's own runs compete by run; the void and returns sagas move the row by their seq.
      const projectionRunId = isCheckoutSagaTransition(transition.seq) ? runId : null;
      // The row keeps coupon codes sealed (projection-codes.ts); the audit row, kept for ever, shows them as [coupon].
      const stored = sealProjectionCodes({ view: transition.view, receipt: transition.view.receipt ?? null }, codes);
      const recorded = await dataSource.transaction(async (tx) => {
        const appended = await audit.append(
          {
            idempotency_key: [ref.checkoutId, runId ?? '-', 'transition', transition.state, ...(transition.distinctBy ? [transition.distinctBy] : [])].join('|'),
            checkout_id: ref.checkoutId,
            run_id: runId,
            kind: 'transition',
            step: transition.step,
            vendor: null,
            operation: null,
            outcome: transition.state,
            http_status: null,
            latency_ms: null,
            attempt: Context.current().info.attempt,
            amount_minor: transition.view.receipt?.amountDueMinor ?? null,
            currency: ref.currency,
            vendor_reference: null,
            request_excerpt: null,
            response_excerpt: null,
            error_code: transition.view.rejection?.code ?? null,
            error_message: hideProjectionCodes(stored.view.rejection?.reason ?? stored.view.failureReason ?? null),
            merchant: ref.merchant,
            store: ref.store,
            till: ref.till,
          },
          tx,
        );
        // Insert, or move forward only: a late attempt of an earlier transition changes nothing. A
        // different run of the same checkout is a reset (ids are never reused), so it wins.
        const v = transition.view;
        await tx.query(
          `INSERT INTO checkouts (id, merchant, store, till, pos_reference, state, currency, total_minor,
                                  awarded_minor, spent_minor, receipt, view, transition_seq, failure_reason, run_id, request_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           ON CONFLICT (id) DO UPDATE SET
             state = EXCLUDED.state, awarded_minor = EXCLUDED.awarded_minor, spent_minor = EXCLUDED.spent_minor,
             receipt = EXCLUDED.receipt, view = EXCLUDED.view, transition_seq = EXCLUDED.transition_seq,
             failure_reason = EXCLUDED.failure_reason, run_id = COALESCE(EXCLUDED.run_id, checkouts.run_id),
             request_hash = COALESCE(checkouts.request_hash, EXCLUDED.request_hash), updated_at = now()
           WHERE checkouts.transition_seq < EXCLUDED.transition_seq
              OR (checkouts.run_id IS NOT NULL AND EXCLUDED.run_id IS NOT NULL AND checkouts.run_id <> EXCLUDED.run_id)`,
          [
            ref.checkoutId, ref.merchant, ref.store, ref.till, ref.posReference, transition.state, ref.currency,
            transition.totalMinor, v.receipt?.awardedMinor ?? null, v.receipt?.spentMinor ?? null,
            stored.receipt ? JSON.stringify(stored.receipt) : null, JSON.stringify(stored.view), transition.seq,
            stored.view.rejection?.reason ?? stored.view.failureReason ?? null, projectionRunId, ref.requestHash ?? null,
          ],
        );
        // An unwound (or voided) sale forgets its remembered step results: a reset of it asks the
        // vendors again rather than re-driving holds and purchases that were undone.
        if (FORGETTING_STATES.includes(transition.state)) await tx.query(`DELETE FROM saga_step_results WHERE checkout_id = $1`, [ref.checkoutId]);
        // An ended checkout may owe its merchant a callback: queued with the projection write, never lost, never doubled.
        if (isFinalState(transition.state)) await callbacks.enqueueIfEnded(tx, ref.checkoutId);
        return appended;
      });
      // Counted when the audit row is new: a retried write of the same transition counts once.
      if (recorded) sagaTransitions.inc({ state: transition.state });
    },
  };
}
