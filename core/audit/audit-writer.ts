import type { DataSource, EntityManager } from 'typeorm';
import { CHAIN_GENESIS, type AuditRowContent } from './audit-chain';
import { AuditEventsRepository } from './audit-events.repository';
import { keyedExcerpt, keyedVendorReference } from './audit-identifiers';
import type { AuditChainKeys } from './audit-keys';
import type { CustomerRefHasher } from './customer-ref';
import { untilDatabaseAnswers } from '../database/database-unavailable';
import type { VendorCallRecord, VendorCallRecorder } from './vendor-call-record';

/** Who an audit row belongs to: the checkout and the exact activity attempt that wrote it. */
export interface AuditScope {
  checkoutId: string;
  runId: string | null;
  activityId: string;
  attempt: number;
  /**
   * When Temporal scheduled this attempt (`currentAttemptScheduledTimestampMs`): an activity reset
   * starts at attempt 1 again, and only this tells its rows from the original attempt 1's.
   */
  attemptScheduledAtMs?: number;
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
 * activity attempt (its number and when it was scheduled), so a retried write of the same attempt is
 * a no-op while a new attempt, or a reset's attempt 1 after the original attempt 1, adds a row.
 *
 * Each row is appended to its checkout's hash chain, keyed with the current chain key (its id stored
 * as the row's key_id): under a transaction-scoped advisory lock on
 * the checkout id (activities of one checkout run in parallel; other checkouts never wait), the
 * writer reads the checkout's head, hashes the row onto it and inserts. The lock is held until
 * commit, so ids of one checkout follow chain order.
 */
export class AuditWriter {
  private readonly events: AuditEventsRepository;

  constructor(
    private readonly dataSource: DataSource,
    readonly customers: CustomerRefHasher,
    private readonly chainKeys: AuditChainKeys,
    private readonly patienceMs = AUDIT_WRITE_PATIENCE_MS,
  ) {
    this.events = new AuditEventsRepository(dataSource);
  }

  recorderFor(scope: AuditScope): VendorCallRecorder {
    let sequence = 0;
    return {
      record: (call) =>
        this.insert(scope, `${++sequence}:${call.operation}`, vendorCallRow(call, this.customers), call.recoveredBy ? { unlessEffectRecorded: true } : {}),
    };
  }

  /** Inserts the row, waiting out a database outage of up to `patienceMs` (backoff 250 ms to 2 s). */
  insert(scope: AuditScope, discriminator: string, row: VendorCallRow, options: AppendOptions = {}): Promise<void> {
    return untilDatabaseAnswers(() => this.insertOnce(scope, discriminator, row, options), this.patienceMs);
  }

  private async insertOnce(scope: AuditScope, discriminator: string, row: VendorCallRow, options: AppendOptions): Promise<void> {
    // The scheduled time tells an activity reset's attempt 1 from the attempt 1 it repeats; absent, the key is as before.
    const attemptOf = scope.attemptScheduledAtMs === undefined ? [scope.attempt] : [scope.attempt, scope.attemptScheduledAtMs];
    const key = [scope.checkoutId, scope.runId ?? '-', scope.activityId, ...attemptOf, discriminator].join('|');
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
    await this.events.lockChain(manager, row.checkout_id);
    if (await this.events.hasIdempotencyKey(manager, row.idempotency_key)) return false;
    // Under the checkout's lock, so two attempts cannot both find the effect unrecorded.
    if (options.unlessEffectRecorded && (await this.events.hasRecordedEffect(manager, row))) return false;
    const prevHash = (await this.events.chainHeadHash(manager, row.checkout_id)) ?? CHAIN_GENESIS;
    // Hash exactly what Postgres will give back: jsonb drops undefined and normalises nothing else we use.
    const content: AuditRowContent = {
      ...row,
      request_excerpt: roundTrip(row.request_excerpt),
      response_excerpt: roundTrip(row.response_excerpt),
      customer_ref: row.customer_ref ?? null,
      recorded_at: new Date(),
    };
    const keyId = this.chainKeys.currentId;
    await this.events.insert(manager, { ...content, prev_hash: prevHash, row_hash: this.chainKeys.rowHash(keyId, prevHash, content), key_id: keyId });
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

type VendorCallRow = Pick<
  NewAuditRow,
  | 'kind' | 'vendor' | 'operation' | 'outcome' | 'http_status' | 'latency_ms' | 'request_excerpt' | 'response_excerpt'
  | 'vendor_reference' | 'amount_minor' | 'error_code' | 'error_message'
>;

/** The call as a row: customer identifiers in its excerpts and vendor reference keyed (audit-identifiers.ts). */
function vendorCallRow(call: VendorCallRecord, customers: CustomerRefHasher): VendorCallRow {
  return {
    kind: 'vendor_call',
    vendor: call.vendor,
    operation: call.operation,
    outcome: call.outcome,
    http_status: call.httpStatus,
    latency_ms: call.latencyMs,
    request_excerpt: asJson(keyedExcerpt(call.requestExcerpt, customers, call)),
    response_excerpt: asJson(keyedExcerpt(call.responseExcerpt, customers, call)),
    vendor_reference: keyedVendorReference(call.vendor, call.operation, call.vendorReference ?? null, customers),
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
