/** What the bench asks the load generator process to do, and what it answers (over IPC). */
export interface LoadPlan {
  url: string;
  /** posReference prefix; the i-th checkout is named by checkoutNames(prefix, i). */
  prefix: string;
  /**
   * `open`: request i is due at start + i / rate, whether or not earlier ones have answered, and its
   * latency counts from that due time (no coordinated omission). `sequential`: one at a time.
   */
  mode: 'open' | 'sequential';
  /** Extra request headers (the overload bench's Till-Budget-Ms). */
  headers?: Record<string, string>;
  rate: number;
  durationSeconds: number;
  /** How many checkouts the bench prepared coupon sessions for: the generator never sends more. */
  maxRequests: number;
  requestTimeoutMs: number;
  /** Sent as a bearer token (the saga's API wants a pos key; the baseline ignores it). */
  apiKey?: string;
  /**
   * `one-shot` (default): one POST with complete: true. `three-call`: the till's flow through the
   * API, POST reserve, then commit, then complete, each call timed (bench/load/three-call-flow.ts).
   */
  flow?: 'one-shot' | 'three-call';
}

/** The three calls of the till's flow, in order. */
export const TILL_CALLS = ['reserve', 'commit', 'complete'] as const;
export type TillCall = (typeof TILL_CALLS)[number];

/** One checkout's answer, as a flow reports it to the generator. */
export interface FlowOutcome {
  ok: boolean;
  status: number;
  error?: string;
  /** three-call: each call's latency (ms), for the calls that were made. */
  calls?: Partial<Record<TillCall, number>>;
}

export interface LoadSample {
  /** Which checkout of the plan: checkoutNames(prefix, index). */
  index: number;
  /** From the due time (open) or the send time (sequential) to the last byte of the answer. */
  latencyMs: number;
  /** How late the generator sent it after its due time: large values mean the generator lagged. */
  sendLagMs: number;
  ok: boolean;
  status: number;
  /** Set when not ok: HTTP status and the answer's state, or the transport error. */
  error?: string;
  calls?: Partial<Record<TillCall, number>>;
}

export interface LoadResult {
  sent: number;
  samples: LoadSample[];
  /** Seconds from the first due time to the last answer. */
  elapsedSeconds: number;
  /** Seconds during which requests were scheduled. */
  scheduledSeconds: number;
  /** The generator's own CPU time (user + system) during the run, from process.cpuUsage. */
  cpuMs?: number;
}
