import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { auditRowHash, CHAIN_GENESIS, type AuditRowContent } from './audit-chain';
import type { CustomerRefHasher } from './customer-ref';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import type { VendorCallRecord, VendorCallRecorder } from './vendor-call-record';

/** Who an audit row belongs to: the checkout and the exact activity attempt that wrote it. */
export interface AuditScope {
  checkoutId: string;
  runId: string | null;
  activityId: string;
  attempt: number;
  step: string;
  merchant: string;
  store: string;
  till: string;
  currency: string;
  /** The keyed hash of the customer the step is about, when it names one (never the identifier). */
  customerRef?: string | null;
}

/** A new row's content; the writer adds the time and the chain. */
export type NewAuditRow = Omit<AuditRowContent, 'recorded_at' | 'customer_ref'> & { customer_ref?: string | null };

/** Namespaces our advisory locks so they cannot meet another feature's. */
const CHAIN_LOCK_CLASS = 0x61756474; // 'audt'

/**
 * How long a vendor call's audit row waits for Postgres to come back. The call has happened: if the
 * row were given up, the attempt would vanish from the trail, and failing the activity would spend
 * the step's retries (and compensate a good checkout) on our own database's outage. The activity's
 * own timeout may pass meanwhile; the row is still written once Postgres answers (a timed-out
 * activity keeps running), and its idempotency key keeps it single.
 */
export const AUDIT_WRITE_PATIENCE_MS = 120_000;

/**
 * Writes audit rows from activities (never from workflow code). The idempotency key names the
 * activity attempt, so a retried write of the same attempt is a no-op while a new attempt adds a row.
 *
 * Each row is appended to its checkout's hash chain: under a transaction-scoped advisory lock on
 * the checkout id (activities of one checkout run in parallel; other checkouts never wait), the
 * writer reads the checkout's head, hashes the row onto it and inserts. The lock is held until
 * commit, so ids of one checkout follow chain order.
 */
export class AuditWriter {
  constructor(
    private readonly dataSource: DataSource,
    readonly customers: CustomerRefHasher,
    private readonly patienceMs = AUDIT_WRITE_PATIENCE_MS,
  ) {}

  recorderFor(scope: AuditScope): VendorCallRecorder {
    let sequence = 0;
    return {
      record: (call) =>
        this.insert(scope, `${++sequence}:${call.operation}`, vendorCallRow(call), call.recoveredBy ? { unlessEffectRecorded: true } : {}),
    };
  }

  /** Inserts the row, waiting out a database outage of up to `patienceMs` (backoff 250 ms to 2 s). */
  async insert(scope: AuditScope, discriminator: string, row: VendorCallRow, options: AppendOptions = {}): Promise<void> {
    const giveUpAt = Date.now() + this.patienceMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await this.insertOnce(scope, discriminator, row, options);
      } catch (err) {
        if (!isDatabaseUnavailable(err) || Date.now() + delay > giveUpAt) throw err;
        await sleep(delay);
      }
    }
  }

  private async insertOnce(scope: AuditScope, discriminator: string, row: VendorCallRow, options: AppendOptions): Promise<void> {
    const key = [scope.checkoutId, scope.runId ?? '-', scope.activityId, scope.attempt, discriminator].join('|');
    await this.append({
      idempotency_key: key,
      checkout_id: scope.checkoutId,
      run_id: scope.runId,
      attempt: scope.attempt,
      step: scope.step,
      merchant: scope.merchant,
      store: scope.store,
      till: scope.till,
      currency: scope.currency,
      customer_ref: scope.customerRef ?? null,
      ...row,
    }, undefined, options);
  }

  /** Appends one row (in `manager`'s transaction when given). False when its key was written before. */
  async append(row: NewAuditRow, manager?: EntityManager, options: AppendOptions = {}): Promise<boolean> {
    if (!manager) return this.dataSource.transaction((tx) => this.append(row, tx, options));
    await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CHAIN_LOCK_CLASS, row.checkout_id]);
    const [seen] = (await manager.query(`SELECT 1 FROM audit_events WHERE idempotency_key = $1`, [row.idempotency_key])) as unknown[];
    if (seen) return false;
    // Under the checkout's lock, so two attempts cannot both find the effect unrecorded.
    if (options.unlessEffectRecorded && (await effectRecorded(manager, row))) return false;
    const [head] = (await manager.query(
      `SELECT row_hash FROM audit_events WHERE checkout_id = $1 ORDER BY id DESC LIMIT 1`,
      [row.checkout_id],
    )) as { row_hash: string }[];
    // Hash exactly what Postgres will give back: jsonb drops undefined and normalises nothing else we use.
    const content: AuditRowContent = {
      ...row,
      request_excerpt: roundTrip(row.request_excerpt),
      response_excerpt: roundTrip(row.response_excerpt),
      customer_ref: row.customer_ref ?? null,
      recorded_at: new Date(),
    };
    const prevHash = head?.row_hash ?? CHAIN_GENESIS;
    const rowHash = auditRowHash(prevHash, content);
    await manager.query(
      `INSERT INTO audit_events (idempotency_key, checkout_id, run_id, kind, step, vendor, operation, outcome, http_status,
         latency_ms, attempt, amount_minor, currency, vendor_reference, request_excerpt, response_excerpt, error_code,
         error_message, merchant, store, till, customer_ref, recorded_at, prev_hash, row_hash, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)`,
      [
        content.idempotency_key, content.checkout_id, content.run_id, content.kind, content.step, content.vendor,
        content.operation, content.outcome, content.http_status, content.latency_ms, content.attempt,
        content.amount_minor === null ? null : String(content.amount_minor), content.currency, content.vendor_reference,
        jsonParam(content.request_excerpt), jsonParam(content.response_excerpt), content.error_code, content.error_message,
        content.merchant, content.store, content.till, content.customer_ref, (content.recorded_at as Date).toISOString(),
        prevHash, rowHash, content.actor ?? null,
      ],
    );
    return true;
  }
}

export interface AppendOptions {
  /**
   * A recovered effect (found by lookup after a retry): skip the row when the step already has a
   * successful row of the same vendor operation for the same reference (or one without a reference).
   */
  unlessEffectRecorded?: boolean;
}

async function effectRecorded(manager: EntityManager, row: NewAuditRow): Promise<boolean> {
  const found = (await manager.query(
    `SELECT 1 FROM audit_events
      WHERE checkout_id = $1 AND kind = 'vendor_call' AND step = $2 AND vendor = $3 AND operation = $4 AND outcome = 'success'
        AND ($5::text IS NULL OR vendor_reference IS NULL OR vendor_reference = $5)
      LIMIT 1`,
    [row.checkout_id, row.step, row.vendor, row.operation, row.vendor_reference],
  )) as unknown[];
  return found.length > 0;
}

type VendorCallRow = Pick<
  NewAuditRow,
  | 'kind' | 'vendor' | 'operation' | 'outcome' | 'http_status' | 'latency_ms' | 'request_excerpt' | 'response_excerpt'
  | 'vendor_reference' | 'amount_minor' | 'error_code' | 'error_message'
>;

function vendorCallRow(call: VendorCallRecord): VendorCallRow {
  return {
    kind: 'vendor_call',
    vendor: call.vendor,
    operation: call.operation,
    outcome: call.outcome,
    http_status: call.httpStatus,
    latency_ms: call.latencyMs,
    request_excerpt: asJson(call.requestExcerpt),
    response_excerpt: asJson(call.responseExcerpt),
    vendor_reference: call.vendorReference ?? null,
    amount_minor: call.amountMinor ?? null,
    error_code: call.errorCode ?? null,
    error_message: call.errorMessage ?? null,
  };
}

/** jsonb holds objects; a bare string body (an HTML error page) is wrapped so it stays queryable. */
function asJson(excerpt: unknown): object | null {
  if (excerpt === null || excerpt === undefined) return null;
  return typeof excerpt === 'object' ? excerpt : { text: String(excerpt).slice(0, 500) };
}

function roundTrip(value: unknown): unknown {
  return value === null || value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

function jsonParam(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}
