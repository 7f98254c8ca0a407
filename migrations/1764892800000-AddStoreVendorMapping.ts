import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stores as data (issue 19): besides its time zone, each store says who it is at each vendor, so no
 * one configured value stands for every store any more:
 * - crmcom_unit: CRM.COM legacy `performed_by_unit_identifier.name` (NULL: CRMCOM_UNIT_NAME);
 * - crmcom_outlet: CRM.COM back-office outlet (organisation) id (NULL: none sent);
 * - cmc_location: ClearLine `posLocationId` (NULL: the store id, as before);
 * - cmc_terminals: ClearLine `terminalId` per till, `{"<till>": "<terminal>"}` (a till not listed: its own id).
 * The demo stores keep what the sandbox and the README's quick start expect: unit "Unit" (the legacy
 * document's example, CRMCOM_UNIT_NAME's default), S1 at CMC location S1 with till T1 = terminal T1.
 *
 * audit_seals.time_zone: the zone whose calendar day a seal covers. NULL on seals written before
 * (UTC days, hashed without a zone); new seals record the store's zone and hash it with their content.
 */
export class AddStoreVendorMapping1764892800000 implements MigrationInterface {
  name = 'AddStoreVendorMapping1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stores
        ADD COLUMN crmcom_unit   text CHECK (crmcom_unit <> ''),
        ADD COLUMN crmcom_outlet text CHECK (crmcom_outlet <> ''),
        ADD COLUMN cmc_location  text CHECK (cmc_location <> ''),
        ADD COLUMN cmc_terminals jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(cmc_terminals) = 'object'),
        ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now()`);
    await q.query(`UPDATE stores SET crmcom_unit = 'Unit', cmc_location = store WHERE merchant = 'demo' AND store IN ('S1', 'S2', 'S3')`);
    // The back-office sandbox's outlet for the demo merchant's first store (src/sandbox/crmcom-backoffice.sandbox.ts).
    await q.query(`UPDATE stores SET crmcom_outlet = '0e5f1c2a-7b3d-4e8f-9a1b-2c3d4e5f6a01' WHERE merchant = 'demo' AND store = 'S1'`);
    // Unknown stores are refused from now on: every store that has sold keeps selling, in UTC (the times
    // its vendors were sent until now), until an admin gives it its zone and vendor ids.
    await q.query(`INSERT INTO stores (merchant, store, time_zone) SELECT DISTINCT merchant, store, 'UTC' FROM checkouts ON CONFLICT DO NOTHING`);
    await q.query(`ALTER TABLE audit_seals ADD COLUMN time_zone text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_seals DROP COLUMN time_zone`);
    await q.query(`ALTER TABLE stores DROP COLUMN crmcom_unit, DROP COLUMN crmcom_outlet, DROP COLUMN cmc_location, DROP COLUMN cmc_terminals, DROP COLUMN updated_at`);
  }
}
