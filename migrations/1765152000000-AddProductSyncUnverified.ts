import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A batch CRM.COM accepted whose results cannot be known (its process could not be read, answered a
 * status we do not know, or monitoring is off, CRMCOM_SYNC_MONITORING): its products are
 * `unverified`, counted apart from processed and unprocessed, and the batch's reason is kept on the
 * sync by batch number (1-based). A sync with such a batch ends `completed_unverified`.
 */
export class AddProductSyncUnverified1765152000000 implements MigrationInterface {
  name = 'AddProductSyncUnverified1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE product_syncs ADD COLUMN unverified_count int NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE product_syncs ADD COLUMN unverified_batches jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE product_sync_items DROP CONSTRAINT product_sync_items_outcome_check`);
    await q.query(`ALTER TABLE product_sync_items ADD CONSTRAINT product_sync_items_outcome_check CHECK (outcome IN ('processed', 'unprocessed', 'unverified'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE product_sync_items SET outcome = NULL WHERE outcome = 'unverified'`);
    await q.query(`ALTER TABLE product_sync_items DROP CONSTRAINT product_sync_items_outcome_check`);
    await q.query(`ALTER TABLE product_sync_items ADD CONSTRAINT product_sync_items_outcome_check CHECK (outcome IN ('processed', 'unprocessed'))`);
    await q.query(`ALTER TABLE product_syncs DROP COLUMN unverified_batches`);
    await q.query(`ALTER TABLE product_syncs DROP COLUMN unverified_count`);
  }
}
