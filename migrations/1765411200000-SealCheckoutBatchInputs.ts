import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21 (H2): a batch sale's input (phones, e-mails, card codes) is no longer kept as plain JSON.
 * New rows carry it in `sealed_input`, sealed by the Temporal payload codec (AES-256-GCM, key id in
 * the payload), and both columns are emptied once the sale's drive outcome is recorded. `currency`
 * is its own column, since GET reads it after the input is gone. Rows stored before this migration:
 * those already driven lose their plain input here; undriven ones keep it until they are driven
 * (the reader takes `input` when `sealed_input` is null).
 */
export class SealCheckoutBatchInputs1765411200000 implements MigrationInterface {
  name = 'SealCheckoutBatchInputs1765411200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE checkout_batch_sales ADD COLUMN sealed_input bytea NULL, ADD COLUMN currency text NULL`);
    await q.query(`UPDATE checkout_batch_sales SET currency = input->>'currency'`);
    await q.query(`ALTER TABLE checkout_batch_sales ALTER COLUMN currency SET NOT NULL, ALTER COLUMN input DROP NOT NULL`);
    await q.query(`UPDATE checkout_batch_sales SET input = NULL WHERE drive_outcome IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Purged and sealed inputs cannot come back as plain JSON: such rows are dropped with their batch.
    await q.query(`DELETE FROM checkout_batches b WHERE EXISTS (SELECT 1 FROM checkout_batch_sales s WHERE s.merchant = b.merchant AND s.batch_id = b.id AND s.input IS NULL)`);
    await q.query(`ALTER TABLE checkout_batch_sales ALTER COLUMN input SET NOT NULL`);
    await q.query(`ALTER TABLE checkout_batch_sales DROP COLUMN sealed_input, DROP COLUMN currency`);
  }
}
