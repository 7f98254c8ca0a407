import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Product synchronisation requests and their per-product results. The products live here, not in
 * the workflow input (Temporal caps payloads): the workflow gets the sync id and reads a batch at a
 * time. A result is written onto the product's own row (sync id, position), so a retried batch
 * overwrites its results instead of adding rows.
 */
export class CreateProductSyncs1764028800000 implements MigrationInterface {
  name = 'CreateProductSyncs1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE product_syncs (
        id uuid PRIMARY KEY,
        merchant text NOT NULL,
        status text NOT NULL,
        source text NOT NULL,
        copied_from uuid NULL REFERENCES product_syncs(id),
        product_count int NOT NULL,
        batch_count int NOT NULL,
        batches_done int NOT NULL DEFAULT 0,
        processed_count int NOT NULL DEFAULT 0,
        unprocessed_count int NOT NULL DEFAULT 0,
        failure_reason text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The nightly run looks up the merchant's latest completed catalogue.
    await q.query(`CREATE INDEX product_syncs_merchant_created ON product_syncs (merchant, created_at DESC)`);
    await q.query(`
      CREATE TABLE product_sync_items (
        sync_id uuid NOT NULL REFERENCES product_syncs(id) ON DELETE CASCADE,
        position int NOT NULL,
        batch_number int NOT NULL,
        code text NOT NULL,
        product jsonb NOT NULL,
        outcome text NULL CHECK (outcome IN ('processed', 'unprocessed')),
        vendor_id text NULL,
        error_code text NULL,
        error_description text NULL,
        PRIMARY KEY (sync_id, position)
      )`);
    await q.query(`CREATE INDEX product_sync_items_batch ON product_sync_items (sync_id, batch_number)`);
    await q.query(`CREATE INDEX product_sync_items_unprocessed ON product_sync_items (sync_id, position) WHERE outcome = 'unprocessed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE product_sync_items`);
    await q.query(`DROP TABLE product_syncs`);
  }
}
