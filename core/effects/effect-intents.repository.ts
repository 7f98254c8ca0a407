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

/**
 * `first`: no earlier try can have sent the effect (or every earlier send was known not applied, see
 * `forget`). `seen`: one may have (its reply may have been lost).
 */
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
    /**
     * How the reference is stored: a coupon step's reference ends in the coupon code, which names its
     * customer, so the worker stores a keyed digest (effectReferenceKeyer). Absent: as given.
     */
    private readonly keyOf?: (reference: string) => string,
  ) {}

  async record(key: EffectIntentKey): Promise<EffectIntentAnswer> {
    const params = [key.checkoutId, key.step, key.vendor, key.operation, this.stored(key.reference)];
    const inserted = await untilDatabaseAnswers(
      () =>
        this.keyOf
          ? // One round trip: an intent an earlier version wrote with the reference in clear still counts as seen.
            this.dataSource.query<unknown[]>(
              `INSERT INTO effect_intents (checkout_id, step, vendor, operation, reference)
               SELECT $1, $2, $3, $4, $5
                WHERE NOT EXISTS (SELECT 1 FROM effect_intents WHERE checkout_id = $1 AND step = $2 AND vendor = $3 AND operation = $4 AND reference = $6)
               ON CONFLICT DO NOTHING RETURNING 1`,
              [...params, key.reference],
            )
          : this.dataSource.query<unknown[]>(
              `INSERT INTO effect_intents (checkout_id, step, vendor, operation, reference) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING RETURNING 1`,
              params,
            ),
      this.patienceMs,
    );
    return inserted.length === 1 ? 'first' : 'seen';
  }

  private stored(reference: string): string {
    return this.keyOf ? this.keyOf(reference) : reference;
  }

  /**
   * The try that recorded this intent knows its send was NOT applied (the request was never written,
   * or the vendor answered that it did not apply it): the intent goes, so a later try (a retry, an
   * activity reset) sends again instead of treating the effect as possibly done. Only an adapter that
   * can tell such an answer from a lost reply calls this; a timeout after the request was written
   * keeps the intent. Safe against an overlapping try: one that wrote the same key while this row was
   * there saw `seen` and sent nothing, so removing the row cannot let two sends through.
   */
  async forget(key: EffectIntentKey): Promise<void> {
    const params = [key.checkoutId, key.step, key.vendor, key.operation, this.stored(key.reference)];
    await untilDatabaseAnswers(
      () =>
        this.keyOf
          ? this.dataSource.query(
              `DELETE FROM effect_intents WHERE checkout_id = $1 AND step = $2 AND vendor = $3 AND operation = $4 AND reference IN ($5, $6)`,
              [...params, key.reference],
            )
          : this.dataSource.query(`DELETE FROM effect_intents WHERE checkout_id = $1 AND step = $2 AND vendor = $3 AND operation = $4 AND reference = $5`, params),
      this.patienceMs,
    );
  }
}

/** The worker's stored form of an intent's reference: `hmac:` + HMAC-SHA256 under AUDIT_HMAC_KEY (never reversed; only compared). */
export function effectReferenceKeyer(customers: { digestOf(text: string): string }): (reference: string) => string {
  return (reference) => `hmac:${customers.digestOf(`effect-intent-reference:${reference}`)}`;
}
