import { TILL_CALLS, type LoadResult, type LoadSample, type TillCall } from './load/load-plan';

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
  const pct = (p: number) => nearestRank(ok, p);
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

/** The p-th percentile of ascending `sorted` by nearest rank; NaN when empty. */
function nearestRank(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN;
}

export interface CallStats {
  p50: number;
  p99: number;
  max: number;
}

/**
 * The three-call flow's figures per call (reserve, commit, complete), over the checkouts whose whole
 * flow succeeded, and for the whole flow (`flow`: first call sent to last answer).
 */
export function callLatencyStats(samples: LoadSample[]): Record<TillCall | 'flow', CallStats> {
  const ok = samples.filter((s) => s.ok);
  const statsOf = (values: number[]): CallStats => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: nearestRank(sorted, 50), p99: nearestRank(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
  };
  const perCall = Object.fromEntries(TILL_CALLS.map((c) => [c, statsOf(ok.map((s) => s.calls?.[c] ?? NaN).filter(Number.isFinite))]));
  return { ...(perCall as Record<TillCall, CallStats>), flow: statsOf(ok.map((s) => s.latencyMs)) };
}
