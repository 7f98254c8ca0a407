import { AsyncLocalStorage } from 'node:async_hooks';
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

/** The most any database wait may last inside the current async scope (withDatabasePatience). */
const patienceCap = new AsyncLocalStorage<number>();

/**
 * Runs `work` with every database wait inside it (untilDatabaseAnswers) capped at `capMs`. A local
 * activity attempt is timed out in seconds: waiting longer for Postgres would let its audit row
 * land after the next attempt recorded the effect it found by lookup (two success rows for one
 * effect); failing fast hands the wait to the regular activity the step continues as.
 */
export function withDatabasePatience<T>(capMs: number, work: () => Promise<T>): Promise<T> {
  return patienceCap.run(capMs, work);
}

/** Runs `work`, repeating it while the database is unavailable for up to `patienceMs` (backoff 250 ms to 2 s). */
export async function untilDatabaseAnswers<T>(work: () => Promise<T>, patienceMs: number): Promise<T> {
  const giveUpAt = Date.now() + Math.min(patienceMs, patienceCap.getStore() ?? patienceMs);
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await work();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + delay > giveUpAt) throw err;
      await sleep(delay);
    }
  }
}
