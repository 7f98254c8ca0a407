import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The database went away under us: connection refused or reset, or Postgres shutting down or
 * starting up (SQLSTATE class 08, 57P01-57P03). Such an error says nothing about the statement, so
 * it is worth repeating once the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return true;
    if (typeof code === 'string' && (/^08/.test(code) || /^57P0[123]$/.test(code))) return true;
    if (typeof message === 'string' && /Connection terminated|terminating connection|the database system is (starting up|shutting down)/i.test(message)) return true;
    e = (e as { cause?: unknown; driverError?: unknown }).cause ?? (e as { driverError?: unknown }).driverError;
  }
  return false;
}

/** Runs `work`, repeating it while the database is unavailable for up to `patienceMs` (backoff 250 ms to 2 s). */
export async function untilDatabaseAnswers<T>(work: () => Promise<T>, patienceMs: number): Promise<T> {
  const giveUpAt = Date.now() + patienceMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await work();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + delay > giveUpAt) throw err;
      await sleep(delay);
    }
  }
}
