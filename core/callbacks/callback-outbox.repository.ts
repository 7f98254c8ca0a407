import type { DataSource, EntityManager } from 'typeorm';
import { FINAL_STATES, type CheckoutState, type CheckoutView } from '../../workflows/checkout.contract';
import { returnedRows } from '../database/returned-rows';
import type { SealedCallbackSecret } from './callback-secret-box';

/** Namespaces the outbox's advisory locks so they cannot meet another feature's. */
const CALLBACK_LOCK_CLASS = 0x63616c6c; // 'call'

export type CallbackStatus = 'pending' | 'delivered' | 'failed';
export const CALLBACK_STATUSES: readonly CallbackStatus[] = ['pending', 'delivered', 'failed'];

/** An event the dispatcher has claimed, with where it goes and what signs it (as stored: sealed). */
export interface ClaimedCallback {
  eventId: string;
  checkoutId: string;
  merchant: string;
  store: string;
  till: string;
  state: CheckoutState;
  currency: string;
  view: CheckoutView;
  occurredAt: string;
  attempts: number;
  url: string | null;
  secret: SealedCallbackSecret | null;
}

/** An event as ops see it. */
export interface CallbackEventRow {
  eventId: string;
  checkoutId: string;
  store: string;
  till: string;
  state: CheckoutState;
  status: CallbackStatus;
  attempts: number;
  lastHttpStatus: number | null;
  lastError: string | null;
  occurredAt: string;
  nextAttemptAt: string;
  deliveredAt: string | null;
}

const ISO = (column: string, as: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

const EVENT_COLUMNS = `event_id AS "eventId", checkout_id AS "checkoutId", store, till, state, status, attempts,
  last_http_status AS "lastHttpStatus", last_error AS "lastError", ${ISO('occurred_at', 'occurredAt')},
  ${ISO('next_attempt_at', 'nextAttemptAt')}, ${ISO('delivered_at', 'deliveredAt')}`;

/**
 * The callback outbox: events are enqueued in the transaction that moves a checkout's projection to a
 * final state (or, if the API answered 202 only after that, in the API's mark), claimed by any API
 * process with SKIP LOCKED, and their outcome written back.
 */
export class CallbackOutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * In `tx`, after the projection write: one event for the row's final state when a callback applies
   * (a URL for its store or merchant, a secret, and the API answered it 202 or the merchant asked for
   * all). Unique per (checkout, state, seq), so a retried transition or a late mark adds nothing.
   * Both callers take the checkout's lock first: the transition and the 202 mark, committed in either
   * order, then never both miss each other.
   */
  async enqueueIfEnded(tx: EntityManager, checkoutId: string): Promise<boolean> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CALLBACK_LOCK_CLASS, checkoutId]);
    const rows = (await tx.query(
      `INSERT INTO callback_outbox (checkout_id, merchant, store, till, state, transition_seq, currency, view)
       SELECT c.id, c.merchant, c.store, c.till, c.state, c.transition_seq, c.currency, c.view
         FROM checkouts c
         JOIN merchant_callbacks m ON m.merchant = c.merchant
         LEFT JOIN store_callbacks s ON s.merchant = c.merchant AND s.store = c.store
        WHERE c.id = $1 AND c.state = ANY($2) AND c.view IS NOT NULL
          AND COALESCE(s.url, m.url) IS NOT NULL AND m.secret_id IS NOT NULL
          AND (m.all_checkouts OR EXISTS (SELECT 1 FROM checkout_pending_answers p WHERE p.checkout_id = c.id))
       ON CONFLICT (checkout_id, state, transition_seq) DO NOTHING
       RETURNING event_id`,
      [checkoutId, FINAL_STATES],
    )) as unknown[];
    return rows.length > 0;
  }

  /** The API answered the checkout 202: mark it, and enqueue at once if it had already ended. */
  async markAnsweredPending(checkoutId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`INSERT INTO checkout_pending_answers (checkout_id) VALUES ($1) ON CONFLICT DO NOTHING`, [checkoutId]);
      await this.enqueueIfEnded(tx, checkoutId);
    });
  }

  /**
   * Up to `limit` due events, leased for `leaseMs` (their next attempt moved past it, so no other
   * process takes them meanwhile; a process that dies mid-delivery leaves them due again then).
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedCallback[]> {
    return returnedRows<ClaimedCallback>(await this.dataSource.query(
      `WITH due AS (
         SELECT event_id FROM callback_outbox WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
       )
       UPDATE callback_outbox o SET next_attempt_at = now() + $2 * interval '1 millisecond'
         FROM due LEFT JOIN LATERAL (
           SELECT COALESCE(s.url, m.url) AS url, m.secret_id, m.secret_sealed, m.secret_sealed_by
             FROM callback_outbox x JOIN merchant_callbacks m ON m.merchant = x.merchant
             LEFT JOIN store_callbacks s ON s.merchant = x.merchant AND s.store = x.store
            WHERE x.event_id = due.event_id
         ) cfg ON true
        WHERE o.event_id = due.event_id
       RETURNING o.event_id AS "eventId", o.checkout_id AS "checkoutId", o.merchant, o.store, o.till, o.state, o.currency, o.view,
                 ${ISO('o.occurred_at', 'occurredAt')}, o.attempts, cfg.url,
                 CASE WHEN cfg.secret_id IS NULL THEN NULL
                      ELSE json_build_object('id', cfg.secret_id, 'sealed', cfg.secret_sealed, 'sealedBy', cfg.secret_sealed_by) END AS secret`,
      [limit, leaseMs],
    ));
  }

  async markDelivered(eventId: string, httpStatus: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE callback_outbox SET status = 'delivered', attempts = attempts + 1, last_http_status = $2, last_error = NULL, delivered_at = now()
        WHERE event_id = $1 AND status = 'pending'`,
      [eventId, httpStatus],
    );
  }

  /** A refused attempt: due again after `retryInMs`, or `failed` when null. */
  async markRefused(eventId: string, refusal: { httpStatus: number | null; error: string }, retryInMs: number | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE callback_outbox SET attempts = attempts + 1, last_http_status = $2, last_error = $3,
              status = CASE WHEN $4::int IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = CASE WHEN $4::int IS NULL THEN next_attempt_at ELSE now() + $4::int * interval '1 millisecond' END
        WHERE event_id = $1 AND status = 'pending'`,
      [eventId, refusal.httpStatus, refusal.error, retryInMs],
    );
  }

  async pendingCount(): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM callback_outbox WHERE status = 'pending'`)) as Array<{ n: number }>;
    return row.n;
  }

  /** The merchant's events (a store's only, for a store-scoped key), newest first. */
  async list(merchant: string, store: string | null, status: CallbackStatus | null, limit: number): Promise<CallbackEventRow[]> {
    return (await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM callback_outbox
        WHERE merchant = $1 AND ($2::text IS NULL OR store = $2) AND ($3::text IS NULL OR status = $3)
        ORDER BY occurred_at DESC LIMIT $4`,
      [merchant, store, status, limit],
    )) as CallbackEventRow[];
  }

  async find(merchant: string, store: string | null, eventId: string): Promise<CallbackEventRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM callback_outbox WHERE event_id = $1 AND merchant = $2 AND ($3::text IS NULL OR store = $3)`,
      [eventId, merchant, store],
    )) as CallbackEventRow[];
    return rows[0];
  }

  /** Queues a delivered or failed event again with fresh attempts; false when it is already pending. */
  async redeliver(eventId: string): Promise<boolean> {
    const updated = returnedRows(
      await this.dataSource.query(
        `UPDATE callback_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = NULL
          WHERE event_id = $1 AND status <> 'pending' RETURNING event_id`,
        [eventId],
      ),
    );
    return updated.length > 0;
  }
}
