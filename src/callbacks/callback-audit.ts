import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditWriter } from '../../core/audit/audit-writer';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import type { ClaimedCallback } from '../../core/callbacks/callback-outbox.repository';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { CallbackAttempt } from './callback-delivery';

/** `delivered`, `retrying` (refused, due again) or `failed` (attempts spent). */
export type CallbackAttemptOutcome = 'delivered' | 'retrying' | 'failed';

/**
 * One audit row per delivery attempt, on the checkout's own chain (kind `callback`): the event id,
 * the ended state, the attempt, the receiver's status and a short reason. No URL (it may carry a
 * token), no secret, no receiver body.
 */
@Injectable()
export class CallbackAudit {
  private readonly writer: AuditWriter;

  constructor(@Inject(DataSource) dataSource: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    this.writer = new AuditWriter(dataSource, new CustomerRefHasher(config.auditHmacKey), config.auditChainKeys);
  }

  async attempt(event: ClaimedCallback, attempt: CallbackAttempt, outcome: CallbackAttemptOutcome): Promise<void> {
    const number = event.attempts + 1;
    await this.writer.append({
      // Each attempt is written once, by the process that made it; a redelivery's attempt 1 is another row.
      idempotency_key: [event.checkoutId, 'callback', event.eventId, number, randomUUID()].join('|'),
      checkout_id: event.checkoutId,
      run_id: null,
      kind: 'callback',
      step: 'callback',
      vendor: null,
      operation: 'checkout.ended',
      outcome,
      http_status: attempt.httpStatus,
      latency_ms: attempt.latencyMs,
      attempt: number,
      amount_minor: null,
      currency: null,
      vendor_reference: null,
      request_excerpt: { eventId: event.eventId, state: event.state },
      response_excerpt: null,
      error_code: null,
      error_message: attempt.error,
      merchant: event.merchant,
      store: event.store,
      till: event.till,
    });
  }
}
