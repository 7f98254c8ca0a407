import type { Pool } from 'undici';
import { checkoutNames, referenceCheckout } from '../reference-checkout';
import { postCheckoutCall } from './checkout-call';
import type { FlowOutcome, LoadPlan, TillCall } from './load-plan';

/**
 * The till's three calls for the i-th reference checkout, one after the other, as a POS makes them
 * (README, test/integration/checkout-phases.test.ts): POST /v1/checkouts with complete: false
 * (reserved), POST /:id/commit (committed, with the amount due), POST /:id/complete with the tender
 * (completed). Each call is timed; the flow stops at the first answer that is not the expected state.
 */
export async function threeCallCheckout(pool: Pool, plan: LoadPlan, i: number): Promise<FlowOutcome> {
  const { posReference, coupon } = checkoutNames(plan.prefix, i);
  const base = new URL(plan.url).pathname;
  const calls: Partial<Record<TillCall, number>> = {};
  const call = async (name: TillCall, path: string, body: unknown, status: number, state: string) => {
    const started = performance.now();
    const answer = await postCheckoutCall(pool, path, body, plan.apiKey);
    calls[name] = performance.now() - started;
    const ok = answer.status === status && answer.body?.state === state;
    return { ...answer, ok, ...(!ok && { error: `${name}: ${answer.error}` }) };
  };

  const reserved = await call('reserve', base, { ...referenceCheckout(posReference, coupon), complete: false }, 201, 'reserved');
  if (!reserved.ok) return { ok: false, status: reserved.status, error: reserved.error, calls };
  const id = String(reserved.body?.checkoutId);
  const committed = await call('commit', `${base}/${id}/commit`, {}, 200, 'committed');
  if (!committed.ok) return { ok: false, status: committed.status, error: committed.error, calls };
  const paid = (committed.body?.commitment as { amountDue?: string } | undefined)?.amountDue;
  const completed = await call('complete', `${base}/${id}/complete`, { tender: { paid, method: 'card' } }, 200, 'completed');
  return { ok: completed.ok, status: completed.status, ...(!completed.ok && { error: completed.error }), calls };
}
