import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key id of each audit row's and seal's hash (core/audit/audit-keys.ts): rows and seals written
 * from now on are HMAC-SHA256 under the key that id names (AUDIT_CHAIN_KEY and its older ids); null
 * on those written before, which stay the plain SHA-256 chain ("legacy", counted apart by verify).
 * Adding a column rewrites no row, so the append-only triggers stay on.
 */
export class AddAuditKeyIds1765324800000 implements MigrationInterface {
  name = 'AddAuditKeyIds1765324800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN key_id text`);
    await q.query(`ALTER TABLE audit_seals ADD COLUMN key_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_seals DROP COLUMN key_id`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN key_id`);
  }
}
