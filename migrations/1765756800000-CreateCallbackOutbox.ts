import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Callbacks when a checkout ends (issue 22, item 4). Per merchant a default URL, the "all checkouts"
 * flag and the signing secret (sealed with a key derived from TEMPORAL_CODEC_KEY, never in clear);
 * per store an optional URL of its own. `checkout_pending_answers` marks checkouts the API answered
 * 202. `callback_outbox` holds one event per (checkout, final state, transition seq), inserted in
 * the transaction that moves the projection there, and delivered by the API's dispatcher; it is a
 * work queue, not a trail (status and attempts are updated): each attempt is audited in audit_events
 * (a fourth kind, `callback`).
 */
export class CreateCallbackOutbox1765756800000 implements MigrationInterface {
  name = 'CreateCallbackOutbox1765756800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE merchant_callbacks (
        merchant          text        PRIMARY KEY,
        url               text,
        all_checkouts     boolean     NOT NULL DEFAULT false,
        secret_id         text,
        secret_sealed     text,
        secret_sealed_by  text,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CHECK ((secret_id IS NULL) = (secret_sealed IS NULL) AND (secret_sealed IS NULL) = (secret_sealed_by IS NULL))
      )`);
    await q.query(`
      CREATE TABLE store_callbacks (
        merchant    text        NOT NULL,
        store       text        NOT NULL,
        url         text        NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant, store)
      )`);
    await q.query(`
      CREATE TABLE checkout_pending_answers (
        checkout_id  text        PRIMARY KEY,
        answered_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE callback_outbox (
        event_id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        checkout_id      text        NOT NULL,
        merchant         text        NOT NULL,
        store            text        NOT NULL,
        till             text        NOT NULL,
        state            text        NOT NULL,
        transition_seq   integer     NOT NULL,
        currency         char(3)     NOT NULL,
        view             jsonb       NOT NULL,
        occurred_at      timestamptz NOT NULL DEFAULT now(),
        status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts         integer     NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_http_status integer,
        last_error       text,
        delivered_at     timestamptz,
        UNIQUE (checkout_id, state, transition_seq)
      )`);
    await q.query(`CREATE INDEX callback_outbox_due ON callback_outbox (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX callback_outbox_merchant_status ON callback_outbox (merchant, status, occurred_at)`);
    await q.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check`);
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check CHECK (kind IN ('vendor_call', 'transition', 'ops_action', 'callback'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_kind_check`);
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_kind_check CHECK (kind IN ('vendor_call', 'transition', 'ops_action'))`);
    await q.query(`DROP TABLE callback_outbox`);
    await q.query(`DROP TABLE checkout_pending_answers`);
    await q.query(`DROP TABLE store_callbacks`);
    await q.query(`DROP TABLE merchant_callbacks`);
  }
}
