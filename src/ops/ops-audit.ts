import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';

export interface OpsAction {
  checkoutId: string;
  runId: string | null;
  merchant: string;
  store: string;
  till: string;
  /** retry_compensation, reset_activity, cancel */
  operation: string;
  /** What came of it: the state reached, `requested`, or `refused`. */
  outcome: string;
  detail?: string;
}

/** One audit row per ops retry or cancel, accepted or refused: who did what to which saga. */
@Injectable()
export class OpsAudit {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async record(actor: string, action: OpsAction): Promise<void> {
    await this.dataSource.getRepository(AuditEvent).insert({
      // Each action is its own event: nothing to deduplicate, so the key is unique per call.
      idempotencyKey: [action.checkoutId, 'ops', randomUUID()].join('|'),
      checkoutId: action.checkoutId,
      runId: action.runId,
      kind: 'ops_action',
      step: 'ops',
      operation: action.operation,
      outcome: action.outcome,
      errorMessage: action.detail ?? null,
      actor,
      merchant: action.merchant,
      store: action.store,
      till: action.till,
    });
  }
}
