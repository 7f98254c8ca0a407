import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail and the checkout projection. audit_events is append-only at the database level:
 * a trigger refuses UPDATE and DELETE, and TRUNCATE is refused too, whatever the application does.
 * Monthly partitioning (design §2) is planned for when the table grows; the primary key is kept
 * simple until then.
 */
export class CreateAuditAndCheckouts1763769600000 implements MigrationInterface {
  name = 'CreateAuditAndCheckouts1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        idempotency_key  text        NOT NULL UNIQUE,
        checkout_id      text        NOT NULL,
        run_id           text,
        kind             text        NOT NULL CHECK (kind IN ('vendor_call', 'transition')),
        step             text        NOT NULL,
        vendor           text,
        operation        text,
        outcome          text        NOT NULL,
        http_status      int,
        latency_ms       int,
        attempt          int         NOT NULL DEFAULT 1,
        amount_minor     bigint,
        currency         char(3),
        vendor_reference text,
        request_excerpt  jsonb,
        response_excerpt jsonb,
        error_code       text,
        error_message    text,
        merchant         text        NOT NULL,
        store            text        NOT NULL,
        till             text        NOT NULL,
        recorded_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_events_checkout_idx ON audit_events (checkout_id, id)`);
    await q.query(`CREATE INDEX audit_events_store_time_idx ON audit_events (merchant, store, recorded_at)`);
    await q.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);

    await q.query(`
      CREATE TABLE checkouts (
        id             text        PRIMARY KEY,
        merchant       text        NOT NULL,
        store          text        NOT NULL,
        till           text        NOT NULL,
        pos_reference  text        NOT NULL,
        state          text        NOT NULL,
        currency       char(3)     NOT NULL,
        total_minor    bigint      NOT NULL,
        awarded_minor  bigint,
        receipt        jsonb,
        failure_reason text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX checkouts_store_state_idx ON checkouts (merchant, store, state, updated_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE checkouts`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_refuse_change`);
  }
}
