import { Inject, Injectable, Logger } from '@nestjs/common';
import { CallbackOutboxRepository } from '../../core/callbacks/callback-outbox.repository';

/** What the checkouts API tells the callbacks: it answered a checkout 202 (still running). */
@Injectable()
export class CheckoutCallbacks {
  private readonly log = new Logger(CheckoutCallbacks.name);

  constructor(@Inject(CallbackOutboxRepository) private readonly outbox: CallbackOutboxRepository) {}

  /**
   * Marks the checkout as owed a callback when it ends (or queues it now, if it ended meanwhile).
   * A failed mark (Postgres unreachable) is logged, never the till's answer: the sale is not held
   * for a callback, and polling GET /v1/checkouts/{id} still tells the outcome.
   */
  async answeredPending(checkoutId: string): Promise<void> {
    try {
      await this.outbox.markAnsweredPending(checkoutId);
    } catch (err) {
      this.log.error(`could not mark ${checkoutId} for a callback: ${(err as Error).message}`);
    }
  }
}
