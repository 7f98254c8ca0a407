import type { DataSource } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity';
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
 * Writes audit rows from activities (never from workflow code). The idempotency key names the
 * activity attempt, so a retried write of the same attempt is a no-op while a new attempt adds a row.
 */
export class AuditWriter {
  constructor(private readonly dataSource: DataSource) {}

  recorderFor(scope: AuditScope): VendorCallRecorder {
    let sequence = 0;
    return {
      record: (call) => this.insert(scope, `${++sequence}:${call.operation}`, vendorCallRow(call)),
    };
  }

  async insert(scope: AuditScope, discriminator: string, row: Partial<AuditEvent>): Promise<void> {
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
