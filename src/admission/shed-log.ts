import type { ShedReason } from './admission-decision';

/**
 * Shedding happens by the hundred a second: one log line per request would add to the overload it
 * answers. Refusals are counted here and written as one line by flush(), which the owner calls once
 * a second from a timer of its own (started outside any request, so the line carries no request's
 * fields).
 */
export class ShedLog {
  private counts = new Map<ShedReason, number>();

  constructor(private readonly write: (line: string) => void) {}

  record(reason: ShedReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /** Writes what was gathered since the last line, if anything. */
  flush(): void {
    if (this.counts.size === 0) return;
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    const reasons = [...this.counts].map(([reason, n]) => `${reason} ${n}`).join(', ');
    this.write(`shed ${total} new checkouts (503 overloaded, nothing started): ${reasons}`);
    this.counts.clear();
  }
}
