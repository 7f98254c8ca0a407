import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CRM.COM back-office synchronises products asynchronously: `POST /synchronise_products` answers
 * "a unique process id that can be used for monitoring the progress" (crmcom-v2-pos-ecommerce.txt).
 * Each batch's process id is kept on its sync, keyed by batch number (1-based), so the sync view and
 * ops can follow it at CRM.COM; the products' results are written once the process reports them.
 */
export class AddProductSyncVendorProcesses1765065600000 implements MigrationInterface {
  name = 'AddProductSyncVendorProcesses1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE product_syncs ADD COLUMN vendor_process_ids jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE product_syncs DROP COLUMN vendor_process_ids`);
  }
}
