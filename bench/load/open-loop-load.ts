import { Pool } from 'undici';
import { checkoutNames, referenceCheckout } from '../reference-checkout';
import { postCheckoutCall } from './checkout-call';
import type { FlowOutcome, LoadPlan, LoadResult, LoadSample } from './load-plan';
import { threeCallCheckout } from './three-call-flow';

/**
 * The load generator, a process of its own (so its CPU is measured apart): an open model at a fixed
 * arrival rate. autocannon's `overallRate` is closed-loop per connection (it caps connections at the
 * rate, one request per connection per second, and its coordinated-omission correction assumes a
 * 1 ms interval), so a stalled server would lower the offered rate instead of showing up as latency.
 * Here every request is sent at its due time on a pool with more connections than can be in flight,
 * and its latency counts from that due time.
 */
async function run(plan: LoadPlan): Promise<LoadResult> {
  const url = new URL(plan.url);
  const pool = new Pool(url.origin, {
    connections: 2048,
    pipelining: 1,
    headersTimeout: plan.requestTimeoutMs,
    bodyTimeout: plan.requestTimeoutMs,
    keepAliveTimeout: 60_000,
  });
  const samples: LoadSample[] = [];
  const flow = plan.flow === 'three-call' ? threeCallCheckout : oneShotCheckout;
  const send = async (i: number, dueAt: number): Promise<void> => {
    const sentAt = performance.now();
    try {
      const outcome = await flow(pool, plan, i);
      samples.push({ index: i, latencyMs: performance.now() - dueAt, sendLagMs: sentAt - dueAt, ...outcome });
    } catch (err) {
      samples.push({ index: i, latencyMs: performance.now() - dueAt, sendLagMs: sentAt - dueAt, ok: false, status: 0, error: (err as Error).message });
    }
  };

  const cpuAtStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + plan.durationSeconds * 1000;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  if (plan.mode === 'sequential') {
    while (performance.now() < deadline && sent < plan.maxRequests) await send(sent++, performance.now());
  } else {
    const total = Math.min(plan.maxRequests, Math.floor(plan.durationSeconds * plan.rate));
    while (sent < total) {
      const dueAt = start + (sent * 1000) / plan.rate;
      const wait = dueAt - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = send(sent++, dueAt).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }
  const scheduledSeconds = (performance.now() - start) / 1000;
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - start) / 1000;
  await pool.close();
  const cpu = process.cpuUsage(cpuAtStart);
  return { sent, samples, elapsedSeconds, scheduledSeconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The reference checkout in one call (complete: true): ok when it answers 201 completed. */
async function oneShotCheckout(pool: Pool, plan: LoadPlan, i: number): Promise<FlowOutcome> {
  const { posReference, coupon } = checkoutNames(plan.prefix, i);
  const answer = await postCheckoutCall(pool, new URL(plan.url).pathname, referenceCheckout(posReference, coupon), plan.apiKey, plan.headers);
  const ok = answer.status === 201 && answer.body?.state === 'completed';
  return { ok, status: answer.status, ...(!ok && { error: answer.error }) };
}

// The bench stopped (Ctrl-C, a crash): stop sending rather than load a stack that is going away.
process.once('disconnect', () => process.exit(1));
process.once('message', (plan: LoadPlan) => {
  run(plan)
    .then((result) => process.send!(result, () => process.exit(0)))
    .catch((err: unknown) => {
      console.error('load generator failed:', err);
      process.exit(1);
    });
});
