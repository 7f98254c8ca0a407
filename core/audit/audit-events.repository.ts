import type { DataSource, EntityManager } from 'typeorm';
import type { AuditRowContent } from './audit-chain';
import { AuditEvent } from './audit-event.entity';
import type { CheckoutHead } from './audit-seal';
import type { StoreHead } from './head-checkpoint-store';

/** Namespaces the chain's advisory locks so they cannot meet another feature's. */
const CHAIN_LOCK_CLASS = 0x61756474; // 'audt'

/** A row with its link of the checkout's hash chain, as the writer inserts it. */
export type ChainedAuditRow = AuditRowContent & { prev_hash: string; row_hash: string; key_id: string | null };
/** A row as stored (`SELECT *`), for recomputing its chain. */
export type StoredAuditRow = ChainedAuditRow & { id: string };

export interface AuditEventFilter {
  merchant: string;
  checkout?: string;
  from?: string;
  to?: string;
  store?: string;
  till?: string;
  vendor?: string;
  outcome?: string;
  kind?: string;
  /** Start after this row's (recorded_at, id). */
  afterId?: string;
  limit: number;
}

/** One audit row as finance reads it: the time in the store's zone, amounts in minor units. */
export interface AuditEventRow {
  id: string;
  checkoutId: string;
  kind: string;
  step: string;
  vendor: string | null;
  operation: string | null;
  outcome: string;
  httpStatus: number | null;
  latencyMs: number | null;
  attempt: number;
  amountMinor: number | null;
  currency: string | null;
  vendorReference: string | null;
  requestExcerpt: unknown;
  responseExcerpt: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  store: string;
  till: string;
  recordedAt: string;
  timeZone: string;
}

/**
 * The audit_events table, one named method per query. The append path's methods take the writer's
 * transaction: they read and extend a checkout's chain under its lock, which lasts until commit.
 */
export class AuditEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises appends to one checkout's chain (other checkouts never wait) until `tx` ends. */
  async lockChain(tx: EntityManager, checkoutId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CHAIN_LOCK_CLASS, checkoutId]);
  }

  async hasIdempotencyKey(tx: EntityManager, idempotencyKey: string): Promise<boolean> {
    const [seen] = (await tx.query(`SELECT 1 FROM audit_events WHERE idempotency_key = $1`, [idempotencyKey])) as unknown[];
    return Boolean(seen);
  }

  /**
   * Whether the step already has a successful row of the same vendor operation for the same reference
   * (or one without a reference): a recovered effect is then not recorded again.
   */
  async hasRecordedEffect(tx: EntityManager, row: Pick<AuditRowContent, 'checkout_id' | 'step' | 'vendor' | 'operation' | 'vendor_reference'>): Promise<boolean> {
    const found = (await tx.query(
      `SELECT 1 FROM audit_events
        WHERE checkout_id = $1 AND kind = 'vendor_call' AND step = $2 AND vendor = $3 AND operation = $4 AND outcome = 'success'
          AND ($5::text IS NULL OR vendor_reference IS NULL OR vendor_reference = $5)
        LIMIT 1`,
      [row.checkout_id, row.step, row.vendor, row.operation, row.vendor_reference],
    )) as unknown[];
    return found.length > 0;
  }

  /** The row_hash of the checkout's last row; undefined before its first. */
  async chainHeadHash(tx: EntityManager, checkoutId: string): Promise<string | undefined> {
    const [head] = (await tx.query(`SELECT row_hash FROM audit_events WHERE checkout_id = $1 ORDER BY id DESC LIMIT 1`, [checkoutId])) as {
      row_hash: string;
    }[];
    return head?.row_hash;
  }

  async insert(tx: EntityManager, row: ChainedAuditRow): Promise<void> {
    await tx.query(
      `INSERT INTO audit_events (idempotency_key, checkout_id, run_id, kind, step, vendor, operation, outcome, http_status,
         latency_ms, attempt, amount_minor, currency, vendor_reference, request_excerpt, response_excerpt, error_code,
         error_message, merchant, store, till, customer_ref, recorded_at, prev_hash, row_hash, actor, key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)`,
      [
        row.idempotency_key, row.checkout_id, row.run_id, row.kind, row.step, row.vendor,
        row.operation, row.outcome, row.http_status, row.latency_ms, row.attempt,
        row.amount_minor === null ? null : String(row.amount_minor), row.currency, row.vendor_reference,
        jsonParam(row.request_excerpt), jsonParam(row.response_excerpt), row.error_code, row.error_message,
        row.merchant, row.store, row.till, row.customer_ref, new Date(row.recorded_at).toISOString(),
        row.prev_hash, row.row_hash, row.actor ?? null, row.key_id,
      ],
    );
  }

  /**
   * The heads of the store's checkouts touched in [start, end), as of `end`: what a day's seal
   * covers. The sealer (in its transaction) and the verifier both read them here, so a seal is
   * recomputable from the rows.
   */
  async checkoutHeads(merchant: string, store: string, { start, end }: { start: Date; end: Date }, tx?: EntityManager): Promise<CheckoutHead[]> {
    return (await (tx ?? this.dataSource).query(
      `SELECT DISTINCT ON (e.checkout_id) e.checkout_id AS "checkoutId", e.id::text AS "eventId", e.row_hash AS "rowHash"
       FROM audit_events e
       WHERE e.merchant = $1 AND e.store = $2 AND e.recorded_at < $4
         AND e.checkout_id IN (SELECT DISTINCT checkout_id FROM audit_events
                               WHERE merchant = $1 AND store = $2 AND recorded_at >= $3 AND recorded_at < $4)
       ORDER BY e.checkout_id, e.id DESC`,
      [merchant, store, start, end],
    )) as CheckoutHead[];
  }

  /**
   * The newest row of each of the merchant's checkouts with a row recorded since `since` (null: every
   * checkout), by checkout id after `afterCheckout`, at most `limit`: a page of a head checkpoint.
   */
  async headsChangedSince(merchant: string, since: Date | null, afterCheckout: string, limit: number): Promise<StoreHead[]> {
    return (await this.dataSource.query(
      // The changed checkouts from the (merchant, recorded_at) index, then each one's head from (checkout_id, id): one probe each.
      `SELECT c.checkout_id AS "checkoutId", h.id::text AS "eventId", h.row_hash AS "rowHash", h.store
       FROM (SELECT DISTINCT checkout_id FROM audit_events
             WHERE merchant = $1 AND ($2::timestamptz IS NULL OR recorded_at >= $2) AND checkout_id > $3
             ORDER BY checkout_id LIMIT $4) c
       CROSS JOIN LATERAL (SELECT id, row_hash, store FROM audit_events e
                           WHERE e.checkout_id = c.checkout_id AND e.merchant = $1 ORDER BY e.id DESC LIMIT 1) h
       ORDER BY c.checkout_id`,
      [merchant, since, afterCheckout, limit],
    )) as StoreHead[];
  }

  /** The rows with these ids the merchant still has: their checkout and row hash, by id. */
  async rowHashesOf(merchant: string, ids: string[]): Promise<Map<string, { checkoutId: string; rowHash: string }>> {
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id, checkout_id AS "checkoutId", row_hash AS "rowHash" FROM audit_events WHERE merchant = $1 AND id = ANY($2::bigint[])`,
      [merchant, ids],
    )) as { id: string; checkoutId: string; rowHash: string }[];
    return new Map(rows.map((r) => [r.id, { checkoutId: r.checkoutId, rowHash: r.rowHash }]));
  }

  /** Every merchant with audit rows (a loose index scan: one probe per merchant, not a pass over the table). */
  async merchants(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `WITH RECURSIVE m AS (
         (SELECT merchant FROM audit_events ORDER BY merchant LIMIT 1)
         UNION ALL
         SELECT (SELECT merchant FROM audit_events WHERE merchant > m.merchant ORDER BY merchant LIMIT 1) FROM m WHERE m.merchant IS NOT NULL
       )
       SELECT merchant FROM m WHERE merchant IS NOT NULL`,
    )) as { merchant: string }[];
    return rows.map((r) => r.merchant);
  }

  /** The checkouts with a row recorded in [start, end), of one store or all. */
  async checkoutIdsRecordedBetween(merchant: string, start: Date, end: Date, store?: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT checkout_id FROM audit_events
       WHERE merchant = $1 AND recorded_at >= $2 AND recorded_at < $3 AND ($4::text IS NULL OR store = $4)`,
      [merchant, start, end, store ?? null],
    )) as { checkout_id: string }[];
    return rows.map((r) => r.checkout_id);
  }

  /** Every row of these checkouts, whole chains, ordered by checkout then id. */
  async chainsOf(merchant: string, checkoutIds: string[]): Promise<StoredAuditRow[]> {
    return (await this.dataSource.query(`SELECT * FROM audit_events WHERE merchant = $1 AND checkout_id = ANY($2) ORDER BY checkout_id, id`, [
      merchant,
      checkoutIds,
    ])) as StoredAuditRow[];
  }

  /** The vendor references the checkout's calls recorded, in order: what ops looks a saga up by at each vendor. */
  async vendorReferencesOf(checkoutId: string): Promise<Array<Pick<AuditEvent, 'vendor' | 'operation' | 'vendorReference' | 'recordedAt'>>> {
    return this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('a')
      .select(['a.vendor', 'a.operation', 'a.vendorReference', 'a.recordedAt'])
      .where('a.checkout_id = :checkoutId AND a.kind = :kind AND a.vendor_reference IS NOT NULL', { checkoutId, kind: 'vendor_call' })
      .orderBy('a.id')
      .getMany();
  }

  /** The ops retries and cancels taken on the checkout (accepted or refused), in order. */
  async opsActionsOf(checkoutId: string): Promise<AuditEvent[]> {
    return this.dataSource.getRepository(AuditEvent).find({ where: { checkoutId, kind: 'ops_action' }, order: { id: 'ASC' } });
  }

  /**
   * One page in (recorded_at, id) order, the order of the (merchant, recorded_at, id) index. The
   * cursor row's position is read back by Postgres, so pages join without gaps or repeats.
   */
  async findPage(f: AuditEventFilter): Promise<AuditEventRow[]> {
    const where: string[] = ['e.merchant = $1'];
    const params: unknown[] = [f.merchant];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.checkout) add((p) => `e.checkout_id = ${p}`, f.checkout);
    if (f.from) add((p) => `e.recorded_at >= ${p}::timestamptz`, f.from);
    if (f.to) add((p) => `e.recorded_at < ${p}::timestamptz`, f.to);
    if (f.store) add((p) => `e.store = ${p}`, f.store);
    if (f.till) add((p) => `e.till = ${p}`, f.till);
    if (f.vendor) add((p) => `e.vendor = ${p}`, f.vendor);
    if (f.outcome) add((p) => `e.outcome = ${p}`, f.outcome);
    if (f.kind) add((p) => `e.kind = ${p}`, f.kind);
    if (f.afterId) add((p) => `(e.recorded_at, e.id) > (SELECT c.recorded_at, c.id FROM audit_events c WHERE c.id = ${p}::bigint)`, f.afterId);
    params.push(f.limit);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT e.id::text AS id, e.checkout_id, e.kind, e.step, e.vendor, e.operation, e.outcome, e.http_status, e.latency_ms,
              e.attempt, e.amount_minor::text AS amount_minor, e.currency, e.vendor_reference, e.request_excerpt,
              e.response_excerpt, e.error_code, e.error_message, e.store, e.till,
              local_iso(e.recorded_at, COALESCE(s.time_zone, 'UTC')) AS recorded_at, COALESCE(s.time_zone, 'UTC') AS time_zone
         FROM audit_events e
         LEFT JOIN stores s ON s.merchant = e.merchant AND s.store = e.store
        WHERE ${where.join(' AND ')}
        ORDER BY e.recorded_at, e.id
        LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRow);
  }
}

function toRow(r: Record<string, unknown>): AuditEventRow {
  return {
    id: r.id as string,
    checkoutId: r.checkout_id as string,
    kind: r.kind as string,
    step: r.step as string,
    vendor: r.vendor as string | null,
    operation: r.operation as string | null,
    outcome: r.outcome as string,
    httpStatus: r.http_status as number | null,
    latencyMs: r.latency_ms as number | null,
    attempt: r.attempt as number,
    amountMinor: r.amount_minor === null ? null : Number(r.amount_minor),
    currency: r.currency as string | null,
    vendorReference: r.vendor_reference as string | null,
    requestExcerpt: r.request_excerpt,
    responseExcerpt: r.response_excerpt,
    errorCode: r.error_code as string | null,
    errorMessage: r.error_message as string | null,
    store: r.store as string,
    till: r.till as string,
    recordedAt: r.recorded_at as string,
    timeZone: r.time_zone as string,
  };
}

function jsonParam(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}
