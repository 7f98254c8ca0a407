import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Effect intents: before an effect is sent to a vendor, a row saying it may be sent. Keyed by what
 * names the effect across retries, activity resets and re-runs (checkout, step, vendor operation,
 * our deterministic reference), never by the attempt or the run: a second write of the same key
 * means an earlier try may have applied the effect, so the adapter looks it up first.
 * No personal data: the checkout id and our references are made of merchant, store, till and POS ids.
 */
export class CreateEffectIntents1764633600000 implements MigrationInterface {
  name = 'CreateEffectIntents1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE effect_intents (
        checkout_id text NOT NULL,
        step text NOT NULL,
        vendor text NOT NULL,
        operation text NOT NULL,
        reference text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (checkout_id, step, vendor, operation, reference)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE effect_intents`);
  }
}
