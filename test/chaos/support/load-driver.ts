import { sleep } from './pos-client';

export interface LoadPlan {
  ratePerSecond: number;
  durationMs: number;
  /** Arrivals beyond this many in flight wait: the driver never piles up unbounded work. */
  maxInFlight: number;
  /** Stop starting new arrivals once this says so (a scenario's own end condition). */
  stopWhen?: () => boolean;
}

/**
 * Open-loop load at a fixed arrival rate: arrival i is due at i / rate seconds, whatever the earlier
 * ones are doing, so a slow system sees the load pile up as it would in a shop (bounded by
 * `maxInFlight`). Resolves with every task's result once all have finished.
 */
export async function driveAtRate<T>(plan: LoadPlan, task: (index: number) => Promise<T>): Promise<T[]> {
  const started = Date.now();
  const total = Math.floor((plan.ratePerSecond * plan.durationMs) / 1000);
  const running = new Set<Promise<T>>();
  const all: Array<Promise<T>> = [];
  for (let i = 0; i < total; i++) {
    if (plan.stopWhen?.()) break;
    const due = started + (i * 1000) / plan.ratePerSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    while (running.size >= plan.maxInFlight) await Promise.race(running);
    const p = task(i);
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => undefined);
    all.push(p);
  }
  return Promise.all(all);
}

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latencyStats(values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? 0 };
}
