import type { CheckoutSagaClient } from '../core/checkouts/checkout-saga.client';
import { SagaRefusal } from '../core/checkouts/saga-refusal';
import type { CheckoutInput } from '../workflows/checkout.contract';

/** How long the batch waits for one phase of one sale before leaving it to a later attempt. */
export const SALE_PHASE_WAIT_MS = 120_000;

export type SaleDriveResult = { outcome: 'driven' } | { outcome: 'conflict' | 'refused'; reason: string };

/**
 * One sale of a batch, exactly as POST /v1/checkouts with "complete": true runs it: Update-with-Start
 * of the one-shot Update on the checkout's own workflow (its id is the checkout key: a sale that
 * already ran is answered from its saga, never run again), which the workflow drives to its end. A
 * reserve or commit still running at the wait's end throws, so the chunk is retried later and
 * re-attaches; a complete still running is the saga retrying a vendor forward after payment: it
 * finishes on its own and the projection shows it. The commit and complete calls below only act on a
 * saga reserved before one-shots ran inside the workflow.
 */
export async function driveOneShotSale(
  sagas: CheckoutSagaClient,
  input: CheckoutInput,
  memo: { requestHash: string; requestId: string; batchId: string },
): Promise<SaleDriveResult> {
  try {
    const deadline = () => Date.now() + SALE_PHASE_WAIT_MS;
    const reserved = await sagas.reserve(input, { ...memo, currency: input.currency }, deadline(), { oneShot: true });
    if (reserved.memo.requestHash !== memo.requestHash) {
      return { outcome: 'conflict', reason: `store ${input.store}, till ${input.till}, posReference ${input.posReference} already identify another checkout` };
    }
    let answer = reserved.outcome;
    if (answer.rejected || answer.failed) return { outcome: 'driven' };
    if (answer.pending) throw new Error(`${input.checkoutId}: reserve still running`);
    if (answer.view.state === 'reserved') answer = await sagas.drive(input.checkoutId, 'commit', {}, deadline());
    if (answer.rejected || answer.failed) return { outcome: 'driven' };
    if (answer.pending) throw new Error(`${input.checkoutId}: commit still running`);
    if (answer.view.state === 'committed') await sagas.drive(input.checkoutId, 'complete', {}, deadline());
    return { outcome: 'driven' };
  } catch (err) {
    // The saga exists in a state a one-shot cannot drive (a till reserved it and cancelled, say).
    if (err instanceof SagaRefusal) return { outcome: 'refused', reason: err.detail };
    throw err;
  }
}
