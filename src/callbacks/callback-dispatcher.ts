import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { AppConfig } from '../../core/config/app-config';
import { CallbackOutboxRepository, type ClaimedCallback } from '../../core/callbacks/callback-outbox.repository';
import { nextCallbackAttempt } from '../../core/callbacks/callback-retry-schedule';
import { CallbackSecretBox } from '../../core/callbacks/callback-secret-box';
import { openProjectionCodes } from '../../core/checkouts/projection-codes';
import { encryptionCodecFor, type EncryptionCodec } from '../../core/temporal/encryption-codec';
import { APP_CONFIG } from '../config/config.module';
import { CallbackAudit } from './callback-audit';
import { postCallback, type CallbackAttempt } from './callback-delivery';
import { registerCallbackMetrics, type CallbackMetrics } from './callback-metrics';

/** Events claimed per poll: the POSTs of one poll run side by side. */
const BATCH = 20;
/** A claimed event is out of other processes' reach for its timeout plus this (its outcome is written well within it). */
const LEASE_MARGIN_MS = 30_000;

/**
 * Delivers the callback outbox from the API process: stateless and scaled out like the API, and
 * never taking worker slots from vendor calls. Every process polls; SKIP LOCKED and the lease keep
 * one event with one process at a time. Each attempt's outcome is written back and audited.
 */
@Injectable()
export class CallbackDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(CallbackDispatcher.name);
  private readonly metrics: CallbackMetrics;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  private readonly codes: EncryptionCodec;

  constructor(
    @Inject(CallbackOutboxRepository) private readonly outbox: CallbackOutboxRepository,
    @Inject(CallbackSecretBox) private readonly box: CallbackSecretBox,
    @Inject(CallbackAudit) private readonly audit: CallbackAudit,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Registry) registry: Registry,
  ) {
    this.metrics = registerCallbackMetrics(registry);
    this.codes = encryptionCodecFor(config);
  }

  onApplicationBootstrap(): void {
    if (this.config.CALLBACK_DISPATCH === 'on') this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => this.schedule());
    }, this.config.CALLBACK_POLL_MS);
  }

  /** One poll: claim what is due, deliver it all. A database outage is logged and waited out by the next poll. */
  async poll(): Promise<void> {
    try {
      const claimed = await this.outbox.claimDue(BATCH, this.config.CALLBACK_TIMEOUT_MS + LEASE_MARGIN_MS);
      // One event's fault (a secret sealed under a key no longer configured) leaves it leased, then due again; the others go on.
      await Promise.all(claimed.map((event) => this.deliver(event).catch((err: Error) => this.log.error(`callback ${event.eventId}: ${err.message}`))));
      this.metrics.outboxDepth.set(await this.outbox.pendingCount());
    } catch (err) {
      this.log.warn(`callback poll failed: ${(err as Error).message}`);
    }
  }

  private async deliver(event: ClaimedCallback): Promise<void> {
    const attempt = await this.attempt(event);
    if (attempt.delivered) {
      await this.outbox.markDelivered(event.eventId, attempt.httpStatus ?? 0);
      return this.settled(event, attempt, 'delivered');
    }
    const next = nextCallbackAttempt(event.attempts + 1, { baseMs: this.config.CALLBACK_RETRY_BASE_MS, maxMs: this.config.CALLBACK_RETRY_MAX_MS, maxAttempts: this.config.CALLBACK_MAX_ATTEMPTS });
    await this.outbox.markRefused(event.eventId, { httpStatus: attempt.httpStatus, error: attempt.error ?? 'refused' }, next.giveUp ? null : next.delayMs);
    await this.settled(event, attempt, next.giveUp ? 'failed' : 'retrying');
  }

  /** The POST, or a refusal without one when the merchant has no URL or secret any more (retried like any other: it may be set again). */
  private async attempt(event: ClaimedCallback): Promise<CallbackAttempt> {
    if (!event.url || !event.secret) return { delivered: false, httpStatus: null, error: 'no callback URL or secret configured', latencyMs: 0 };
    // The outbox's copy of the view keeps coupon codes sealed like the projection; the merchant gets them in clear.
    const view = openProjectionCodes(event.view, this.codes);
    return postCallback({ ...event, view, url: event.url }, this.box.open(event.merchant, event.secret), this.config.CALLBACK_TIMEOUT_MS);
  }

  private async settled(event: ClaimedCallback, attempt: CallbackAttempt, outcome: 'delivered' | 'retrying' | 'failed'): Promise<void> {
    this.metrics.attempts.inc({ outcome });
    if (outcome !== 'delivered') this.log.warn(`callback ${event.eventId} of ${event.checkoutId} attempt ${event.attempts + 1}: ${attempt.error} (${outcome})`);
    await this.audit.attempt(event, attempt, outcome);
  }
}
