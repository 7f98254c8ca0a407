import type { DataSource } from 'typeorm';

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

/** The audit_events table, one named method per query. */
export class AuditEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

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
