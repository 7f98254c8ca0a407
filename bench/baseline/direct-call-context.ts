import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import type { CheckoutInput } from '../../workflows/checkout.contract';

/** The baseline and the peer write no audit rows: that cost is part of what the benchmark measures. */
const noAudit = { record: async () => undefined };

/**
 * An adapter call's context without the saga's bookkeeping: no audit row, no effect intent (nothing
 * is looked up before a send). Shared by the direct-call baseline and the Temporal-sample-style peer.
 */
export function directCallContext(input: CheckoutInput, reference: string, attempt = 1): VendorCallContext {
  return {
    reference,
    store: input.store,
    till: input.till,
    attempt,
    currency: input.currency,
    ...(input.storeProfile && { storeProfile: input.storeProfile }),
    recorder: noAudit,
    effectMayHaveBeenSent: () => Promise.resolve(false),
  };
}
