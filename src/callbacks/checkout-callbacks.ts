import { Inject, Injectable } from '@nestjs/common';
import { CallbackOutboxRepository } from '../../core/callbacks/callback-outbox.repository';

/** What the checkouts API tells the callbacks: it answered a checkout 202 (still running). */
@Injectable()
export class CheckoutCallbacks {
  constructor(@Inject(CallbackOutboxRepository) private readonly outbox: CallbackOutboxRepository) {}

  /** Marks the checkout as owed a callback when it ends (or queues it now, if it ended meanwhile). */
  async answeredPending(checkoutId: string): Promise<void> {
    await this.outbox.markAnsweredPending(checkoutId);
  }
}
