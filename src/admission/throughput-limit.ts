/**
 * How many new checkouts this API process may have in flight and still answer each within its
 * till's budget, by Little's law: with L requests in flight leaving at the engine's throughput λ
 * (answers per second, measured over the last window), a request spends about W = L / λ in the
 * engine. A new one is admitted while that stays under `budgetShare` of its budget, i.e. while
 * inFlight < λ × budget × share; the rest of the budget is headroom for the spread around W. λ is measured, never configured: it rises with the engine's speed
 * and falls when the engine slows. The floor (minInFlight) lets an idle engine take a burst before λ
 * is known; the ceiling (maxInFlight) bounds memory whatever λ says.
 *
 * Why not AIMD or a gradient on latency (Netflix concurrency-limits): those learn from answers that
 * arrive a budget later, so the limit overshoots while latency builds; λ × budget bounds the queue
 * with what has already been measured.
 */
export interface ThroughputLimitSettings {
  minInFlight: number;
  maxInFlight: number;
  /** Share of a budget the mean time in the engine may take (the rest is headroom for the spread). */
  budgetShare: number;
  /** Over how long λ is measured. */
  windowMs: number;
}

export class ThroughputLimit {
  private current = 0;
  /** When each answer in the window came, oldest first. */
  private answeredAt: number[] = [];

  constructor(
    private readonly settings: ThroughputLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get inFlight(): number {
    return this.current;
  }

  /** Answers per second over the last window. */
  throughput(): number {
    this.forgetOld();
    return this.answeredAt.length / (this.settings.windowMs / 1000);
  }

  /** The in-flight count below which a request with this budget is admitted. */
  limitFor(budgetMs: number): number {
    const { minInFlight, maxInFlight, budgetShare } = this.settings;
    const byLittle = Math.floor(this.throughput() * (budgetMs / 1000) * budgetShare);
    return Math.min(maxInFlight, Math.max(minInFlight, byLittle));
  }

  /** An admitted request is in flight until release(). */
  acquire(): void {
    this.current += 1;
  }

  /**
   * The request left. `answered`: the engine answered it (a view, a refusal, a 202 at the deadline),
   * which is throughput; an error (Temporal unreachable, a 409 before any saga) is not.
   */
  release(answered: boolean): void {
    this.current = Math.max(0, this.current - 1);
    if (answered) this.answeredAt.push(this.now());
  }

  private forgetOld(): void {
    const since = this.now() - this.settings.windowMs;
    let drop = 0;
    while (drop < this.answeredAt.length && this.answeredAt[drop] <= since) drop += 1;
    if (drop > 0) this.answeredAt = this.answeredAt.slice(drop);
  }
}
