import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit_events had the same index twice: `audit_events_time_idx` (AddAuditChainAndSeals) and
 * `audit_events_merchant_time_id_idx` (CreateStoresAndFinanceIndexes), both on
 * (merchant, recorded_at, id). Every audit write paid for both. The second one stays: its name says
 * its columns and its migration says which query pages on it (GET /v1/audit/events).
 *
 * Dropped CONCURRENTLY, outside a transaction: a plain DROP INDEX waits for the table's exclusive
 * lock, and every audit write queued behind it would wait too. IF EXISTS makes a re-run safe should
 * the drop have happened without the migration being recorded.
 */
export class DropDuplicateAuditTimeIndex1764720000000 implements MigrationInterface {
  name = 'DropDuplicateAuditTimeIndex1764720000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS audit_events_time_idx`);
  }

  /** Plain CREATE INDEX: a revert may run inside a transaction, where CONCURRENTLY is refused. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (merchant, recorded_at, id)`);
  }
}
