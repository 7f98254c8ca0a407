import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security events (issue 21, M9; PCI DSS v4 requirement 10): API keys created and revoked, failed
 * authentications (at most one row per key id and source per window, with a count), and reads of the
 * audit log and the reports. Append-only like audit_events and audit_seals (the same trigger
 * function). Who is a key id (`key:<keyId>`) or the CLI, never a key or its secret; no customer data.
 */
export class CreateSecurityEvents1765497600000 implements MigrationInterface {
  name = 'CreateSecurityEvents1765497600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE security_events (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        event       text        NOT NULL CHECK (event IN ('key_created', 'key_revoked', 'authentication_failed', 'audit_read', 'report_read')),
        merchant    text,
        actor       text        NOT NULL,
        subject     text,
        outcome     text        NOT NULL,
        count       integer     NOT NULL DEFAULT 1 CHECK (count >= 1),
        source      text,
        detail      jsonb       NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX security_events_merchant_time ON security_events (merchant, occurred_at)`);
    await q.query(`
      CREATE TRIGGER security_events_append_only BEFORE UPDATE OR DELETE ON security_events
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await q.query(`
      CREATE TRIGGER security_events_no_truncate BEFORE TRUNCATE ON security_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE security_events`);
  }
}
