/** CALLBACK_RETRY_* and CALLBACK_MAX_ATTEMPTS. */
export interface CallbackRetrySettings {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * What follows a refused attempt (`attemptsMade` counts it): give up once the attempts are spent,
 * else retry after base·2^(n-1), capped at max, its upper half random ("equal jitter": never sooner
 * than half the step, so a receiver that is down is not hammered, and receivers that came back
 * together are not hit in one burst). A pure function rather than a retry library: the outbox, not a
 * promise loop, holds the wait, so only the delay's arithmetic is needed (`random` in [0, 1)).
 */
export function nextCallbackAttempt(attemptsMade: number, settings: CallbackRetrySettings, random: () => number = Math.random): { giveUp: true } | { giveUp: false; delayMs: number } {
  if (attemptsMade >= settings.maxAttempts) return { giveUp: true };
  const step = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.min(attemptsMade - 1, 52));
  const half = step / 2;
  return { giveUp: false, delayMs: Math.round(half + half * random()) };
}
