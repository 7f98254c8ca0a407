import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Codec calls are security events too: every payload decode (ops reading a saga's input in the
 * Temporal UI, the CLI) and encode, with who made it (src/temporal/codec.controller.ts).
 */
export class AddCodecSecurityEvents1765670400000 implements MigrationInterface {
  name = 'AddCodecSecurityEvents1765670400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE security_events DROP CONSTRAINT security_events_event_check`);
    await q.query(
      `ALTER TABLE security_events ADD CONSTRAINT security_events_event_check
         CHECK (event IN ('key_created', 'key_revoked', 'authentication_failed', 'audit_read', 'report_read', 'payload_decode', 'payload_encode'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE security_events DROP CONSTRAINT security_events_event_check`);
    await q.query(`ALTER TABLE security_events ADD CONSTRAINT security_events_event_check CHECK (event IN ('key_created', 'key_revoked', 'authentication_failed', 'audit_read', 'report_read'))`);
  }
}
