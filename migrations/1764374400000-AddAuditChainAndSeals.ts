import type { MigrationInterface, QueryRunner } from 'typeorm';
import { auditRowHash, CHAIN_GENESIS, type AuditRowContent } from '../core/audit/audit-chain';

/**
 * Tamper evidence and the finance queries (issue 6):
 * - audit_events gets `prev_hash`/`row_hash` (a chain per checkout, see core/audit/audit-chain.ts)
 *   and `customer_ref` (an HMAC of the customer identifier, never the identifier itself). Rows
 *   written before this migration are chained here, in id order per checkout.
 * - audit_seals: one row per (merchant, store, UTC day) over the heads of every checkout touched
 *   that day, chained to the store's previous seal. Append-only like audit_events.
 * - Indexes for GET /v1/audit/events (checkout, date range, store, till, vendor, outcome; id cursor)
 *   and the daily reconciliation per store, till and vendor.
 *
 * Monthly partitioning (planned, not done here): audit_events becomes `PARTITION BY RANGE
 * (recorded_at)` with one partition per month, created a month ahead by the nightly seal run.
 * Postgres requires the partition key in every unique constraint, so the primary key becomes
 * (id, recorded_at) and the idempotency key's uniqueness moves to a small unpartitioned
 * `audit_idempotency_keys (idempotency_key PRIMARY KEY, event_id, recorded_at)` table written in the
 * same transaction (the writer already checks the key under the checkout's lock). An existing table
 * is converted by creating the partitioned table, attaching the old one as the partition of the
 * months it holds (after adding a matching CHECK constraint, so the attach does not rescan), and
 * swapping names in one transaction; the append-only triggers are created on the parent (Postgres
 * 13+ clones row triggers to partitions). The chain and seals do not change: they never depend on
 * the physical layout.
 */
export class AddAuditChainAndSeals1764374400000 implements MigrationInterface {
  name = 'AddAuditChainAndSeals1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN customer_ref text, ADD COLUMN prev_hash char(64), ADD COLUMN row_hash char(64)`);
    await this.chainExistingRows(q);
    await q.query(`ALTER TABLE audit_events ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN row_hash SET NOT NULL`);
    // The writer sets recorded_at itself: it is part of the hashed content.
    await q.query(`ALTER TABLE audit_events ALTER COLUMN recorded_at DROP DEFAULT`);

    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (merchant, recorded_at, id)`);
    await q.query(`CREATE INDEX audit_events_till_time_idx ON audit_events (merchant, store, till, recorded_at)`);
    await q.query(`CREATE INDEX audit_events_vendor_time_idx ON audit_events (merchant, vendor, recorded_at) WHERE vendor IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_outcome_time_idx ON audit_events (merchant, outcome, recorded_at)`);

    await q.query(`
      CREATE TABLE audit_seals (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        merchant       text        NOT NULL,
        store          text        NOT NULL,
        day            date        NOT NULL,
        checkout_heads jsonb       NOT NULL,
        prev_seal_hash char(64)    NOT NULL,
        seal_hash      char(64)    NOT NULL,
        sealed_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (merchant, store, day)
      )`);
    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
  }

  /** Rows from before the chain are linked in id order per checkout (the trigger is off only here). */
  private async chainExistingRows(q: QueryRunner): Promise<void> {
    const rows = (await q.query(`SELECT * FROM audit_events ORDER BY checkout_id, id`)) as (AuditRowContent & { id: string })[];
    if (rows.length === 0) return;
    await q.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
    let checkout: string | undefined;
    let prev = CHAIN_GENESIS;
    for (const row of rows) {
      if (row.checkout_id !== checkout) [checkout, prev] = [row.checkout_id, CHAIN_GENESIS];
      const hash = auditRowHash(prev, { ...row, customer_ref: null });
      await q.query(`UPDATE audit_events SET prev_hash = $1, row_hash = $2 WHERE id = $3`, [prev, hash, row.id]);
      prev = hash;
    }
    await q.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_seals`);
    await q.query(`DROP FUNCTION audit_refuse_change`);
    await q.query(`DROP INDEX audit_events_outcome_time_idx, audit_events_vendor_time_idx, audit_events_till_time_idx, audit_events_time_idx`);
    await q.query(`ALTER TABLE audit_events ALTER COLUMN recorded_at SET DEFAULT now()`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN row_hash, DROP COLUMN prev_hash, DROP COLUMN customer_ref`);
  }
}
