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
  rate: number;
  durationSeconds: number;
  /** How many checkouts the bench prepared coupon sessions for: the generator never sends more. */
  maxRequests: number;
  requestTimeoutMs: number;
  /** Sent as a bearer token (the saga's API wants a pos key; the baseline ignores it). */
  apiKey?: string;
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
}

export interface LoadResult {
  sent: number;
  samples: LoadSample[];
  /** Seconds from the first due time to the last answer. */
  elapsedSeconds: number;
  /** Seconds during which requests were scheduled. */
  scheduledSeconds: number;
}
