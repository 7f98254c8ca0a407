import type { LoadResult } from './load/load-plan';

export interface LatencyStats {
  sent: number;
  ok: number;
  errors: number;
  /** The first few distinct error messages, for the console. */
  errorKinds: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Completed checkouts per second: successful answers over the time from first due to last answer. */
  throughput: number;
  /** The largest delay between a request's due time and its send: > a few ms means the generator lagged. */
  maxSendLagMs: number;
}

/** Percentiles over successful checkouts (nearest rank); errors are counted, not timed. */
export function latencyStats(result: LoadResult): LatencyStats {
  const ok = result.samples.filter((s) => s.ok).map((s) => s.latencyMs).sort((a, b) => a - b);
  const pct = (p: number) => (ok.length ? ok[Math.min(ok.length - 1, Math.max(0, Math.ceil((p / 100) * ok.length) - 1))] : NaN);
  const errorKinds: Record<string, number> = {};
  for (const s of result.samples) if (!s.ok) errorKinds[s.error ?? 'unknown'] = (errorKinds[s.error ?? 'unknown'] ?? 0) + 1;
  return {
    sent: result.sent,
    ok: ok.length,
    errors: result.sent - ok.length,
    errorKinds,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: ok.length ? ok[ok.length - 1] : NaN,
    throughput: result.elapsedSeconds > 0 ? ok.length / result.elapsedSeconds : 0,
    maxSendLagMs: Math.max(0, ...result.samples.map((s) => s.sendLagMs)),
  };
}
