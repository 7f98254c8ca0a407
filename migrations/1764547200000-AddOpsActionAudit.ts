import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ops actions (retry, cancel) are audited like vendor calls and transitions: a third kind of row,
 * and who acted (`ops` until API keys land; then the key id). The projection remembers the run that
 * wrote it: after an ops reset (a new run re-numbering its transitions from the reset point) the new
 * run's transitions win over the closed run's.
 */
export class AddOpsActionAudit1764547200000 implements MigrationInterface {
  name = 'AddOpsActionAudit1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check`);
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check CHECK (kind IN ('vendor_call', 'transition', 'ops_action'))`);
    await q.query(`ALTER TABLE audit_events ADD COLUMN actor text`);
    await q.query(`ALTER TABLE checkouts ADD COLUMN run_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE checkouts DROP COLUMN run_id`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN actor`);
    await q.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check`);
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check CHECK (kind IN ('vendor_call', 'transition'))`);
  }
}
