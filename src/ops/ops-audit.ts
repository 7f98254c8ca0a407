import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditWriter } from '../../core/audit/audit-writer';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';

export interface OpsAction {
  checkoutId: string;
  runId: string | null;
  merchant: string;
  store: string;
  till: string;
  /** The vendor acted on (force_circuit); none for an action on a saga. */
  vendor?: string;
  /** retry_compensation, reset_activity, cancel, force_circuit */
  operation: string;
  /** What came of it: the state reached, `requested`, or `refused`. */
  outcome: string;
  detail?: string;
}

/**
 * One audit row per ops retry or cancel, accepted or refused, and per vendor circuit forced: who did what to which saga (or vendor). Written
 * through the AuditWriter, so the row joins the checkout's hash chain like every other.
 */
@Injectable()
export class OpsAudit {
  private readonly writer: AuditWriter;

  constructor(@Inject(DataSource) dataSource: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    this.writer = new AuditWriter(dataSource, new CustomerRefHasher(config.auditHmacKey), config.auditChainKeys);
  }

  async record(actor: string, action: OpsAction): Promise<void> {
    await this.writer.append({
      // Each action is its own event: nothing to deduplicate, so the key is unique per call.
      idempotency_key: [action.checkoutId, 'ops', randomUUID()].join('|'),
      checkout_id: action.checkoutId,
      run_id: action.runId,
      kind: 'ops_action',
      step: 'ops',
      vendor: action.vendor ?? null,
      operation: action.operation,
      outcome: action.outcome,
      http_status: null,
      latency_ms: null,
      attempt: 1,
      amount_minor: null,
      currency: null,
      vendor_reference: null,
      request_excerpt: null,
      response_excerpt: null,
      error_code: null,
      error_message: action.detail ?? null,
      actor,
      merchant: action.merchant,
      store: action.store,
      till: action.till,
    });
  }
}
