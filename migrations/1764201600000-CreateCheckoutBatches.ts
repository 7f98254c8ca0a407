import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Back-office batch uploads. The batch and its sales are stored before the API answers 202, so an
 * API process that dies right after answering loses nothing; the batch workflow gets the batch id
 * only (500 sales with their lines would crowd Temporal's payload limit) and reads a chunk at a time.
 * A sale's result is not copied here: the `checkouts` projection, which every saga writes, is joined
 * in by checkout id. `drive_outcome` records only what the projection cannot say: the sale's key was
 * already used for another sale (`conflict`), or its saga refused to be driven (`refused`).
 */
export class CreateCheckoutBatches1764201600000 implements MigrationInterface {
  name = 'CreateCheckoutBatches1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE checkout_batches (
        merchant text NOT NULL,
        id text NOT NULL,
        content_hash text NOT NULL,
        sale_count int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant, id)
      )`);
    await q.query(`
      CREATE TABLE checkout_batch_sales (
        merchant text NOT NULL,
        batch_id text NOT NULL,
        position int NOT NULL,
        checkout_id text NOT NULL,
        pos_reference text NOT NULL,
        request_hash text NOT NULL,
        input jsonb NOT NULL,
        drive_outcome text NULL CHECK (drive_outcome IN ('driven', 'conflict', 'refused')),
        drive_reason text NULL,
        PRIMARY KEY (merchant, batch_id, position),
        FOREIGN KEY (merchant, batch_id) REFERENCES checkout_batches (merchant, id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE checkout_batch_sales`);
    await q.query(`DROP TABLE checkout_batches`);
  }
}
