export interface PollOptions {
  /** How long to keep polling (default 15 s). */
  timeoutMs?: number;
  /** The pause between reads (default 300 ms): longer for heavy reads, shorter to catch a brief state. */
  intervalMs?: number;
}

/**
 * Polls `read` until `check` passes or `timeoutMs` has gone by, and returns the last value either
 * way, so the caller's own assertion says what was still missing.
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, { timeoutMs = 15_000, intervalMs = 300 }: PollOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
