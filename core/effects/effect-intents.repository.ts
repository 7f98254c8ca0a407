import type { DataSource } from 'typeorm';
import { untilDatabaseAnswers } from '../database/database-unavailable';

/** What names one effect across retries, activity resets and re-runs: never the attempt or the run. */
export interface EffectIntentKey {
  checkoutId: string;
  step: string;
  vendor: string;
  operation: string;
  /** Our deterministic reference for the effect. */
  reference: string;
}

/** `first`: no earlier try can have sent the effect. `seen`: one may have (its reply may have been lost). */
export type EffectIntentAnswer = 'first' | 'seen';

/**
 * effect_intents: one row per effect, written before the effect is sent. The write itself answers
 * whether an earlier try got this far, which is what decides lookup-before-send (not the attempt
 * number, which an activity reset starts at 1 again).
 */
export class EffectIntentsRepository {
  /** Waits out a database outage like the audit writer: nothing has been sent yet, but a failed write would spend a retry. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly patienceMs = 120_000,
  ) {}

  async record(key: EffectIntentKey): Promise<EffectIntentAnswer> {
    const inserted = await untilDatabaseAnswers(
      () =>
        this.dataSource.query<unknown[]>(
          `INSERT INTO effect_intents (checkout_id, step, vendor, operation, reference) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT DO NOTHING RETURNING 1`,
          [key.checkoutId, key.step, key.vendor, key.operation, key.reference],
        ),
      this.patienceMs,
    );
    return inserted.length === 1 ? 'first' : 'seen';
  }
}
