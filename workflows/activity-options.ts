import { proxyActivities } from '@temporalio/workflow';
import type { createCheckoutActivities } from '../activities/checkout.activities';
import { FailureTypes } from './checkout.contract';

type Activities = ReturnType<typeof createCheckoutActivities>;

/** Reserve and commit steps: bounded retries with backoff, then the saga compensates. */
export const beforePayment = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: {
    initialInterval: '250ms',
    backoffCoefficient: 2,
    maximumInterval: '5s',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FailureTypes.vendorRejection],
  },
});

/**
 * Complete steps run after the customer paid: nothing is compensated, so transient faults are
 * retried forward for up to a day; only a business refusal stops them (and becomes an exception).
 */
export const afterPayment = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: {
    initialInterval: '500ms',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: [FailureTypes.vendorRejection],
  },
});

/** Undo steps: idempotent, retried with backoff for a while; if they still fail, ops must act. */
export const compensation = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: {
    initialInterval: '500ms',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [FailureTypes.vendorRejection],
  },
});

/** Our own bookkeeping (audit + projection) retries until Postgres is back: it must never be lost. */
export const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '250ms', backoffCoefficient: 2, maximumInterval: '30s' },
});
