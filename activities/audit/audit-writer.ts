import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { isDatabaseUnavailable } from '../../src/database/database-unavailable';
import type { VendorCallRecord, VendorCallRecorder } from '../vendors/vendor-call';

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
}

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
 */
export class AuditWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patienceMs = AUDIT_WRITE_PATIENCE_MS,
  ) {}

  recorderFor(scope: AuditScope): VendorCallRecorder {
    let sequence = 0;
    return {
      record: (call) => this.insert(scope, `${++sequence}:${call.operation}`, vendorCallRow(call)),
    };
  }

  /** Inserts the row, waiting out a database outage of up to `patienceMs` (backoff 250 ms to 2 s). */
  async insert(scope: AuditScope, discriminator: string, row: Partial<AuditEvent>): Promise<void> {
    const giveUpAt = Date.now() + this.patienceMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await this.insertOnce(scope, discriminator, row);
      } catch (err) {
        if (!isDatabaseUnavailable(err) || Date.now() + delay > giveUpAt) throw err;
        await sleep(delay);
      }
    }
  }

  private async insertOnce(scope: AuditScope, discriminator: string, row: Partial<AuditEvent>): Promise<void> {
    const key = [scope.checkoutId, scope.runId ?? '-', scope.activityId, scope.attempt, discriminator].join('|');
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AuditEvent)
      .values({
        idempotencyKey: key,
        checkoutId: scope.checkoutId,
        runId: scope.runId,
        attempt: scope.attempt,
        step: scope.step,
        merchant: scope.merchant,
        store: scope.store,
        till: scope.till,
        currency: scope.currency,
        ...row,
      })
      .orIgnore()
      .execute();
  }
}

function vendorCallRow(call: VendorCallRecord): Partial<AuditEvent> {
  return {
    kind: 'vendor_call',
    vendor: call.vendor,
    operation: call.operation,
    outcome: call.outcome,
    httpStatus: call.httpStatus,
    latencyMs: call.latencyMs,
    requestExcerpt: asJson(call.requestExcerpt),
    responseExcerpt: asJson(call.responseExcerpt),
    vendorReference: call.vendorReference ?? null,
    amountMinor: call.amountMinor ?? null,
    errorCode: call.errorCode ?? null,
    errorMessage: call.errorMessage ?? null,
  };
}

/** jsonb holds objects; a bare string body (an HTML error page) is wrapped so it stays queryable. */
function asJson(excerpt: unknown): object | null {
  if (excerpt === null || excerpt === undefined) return null;
  return typeof excerpt === 'object' ? excerpt : { text: String(excerpt).slice(0, 500) };
}
