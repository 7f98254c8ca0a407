import { proxyActivities, proxyLocalActivities, type ActivityOptions, type LocalActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import type { createCheckoutActivities } from '../activities/checkout.activities';
import { FailureTypes } from './checkout.contract';

type Activities = ReturnType<typeof createCheckoutActivities>;

/**
 * A vendor call's retries: faults back off exponentially, a vendor's refusal (unknown customer,
 * coupon used) is final. Each profile below picks how fast and how long.
 */
function vendorRetry(policy: Pick<RetryPolicy, 'initialInterval' | 'maximumInterval' | 'maximumAttempts'>): RetryPolicy {
  return { ...policy, backoffCoefficient: 2, nonRetryableErrorTypes: [FailureTypes.vendorRejection] };
}

/**
 * The activity profiles of the checkout saga and of the void and returns sagas that follow it,
 * declared once: every saga proxies its own activities with these. The values are part of every
 * recorded history (the options of each scheduled activity), so changing one changes what running
 * sagas do on their next retry; change them here deliberately or not at all.
 */
export const ActivityProfiles = {
  /** Reserve and commit steps: bounded retries with backoff, then the saga compensates. */
  beforePayment: {
    // In milliseconds (20 s): a till's deadline shortens it (local-first.ts).
    startToCloseTimeout: 20_000,
    retry: vendorRetry({ initialInterval: '250ms', maximumInterval: '5s', maximumAttempts: 5 }),
  },
  /**
   * Steps after the customer paid (complete, void, returns): nothing is compensated, so transient
   * faults are retried forward for up to a day; only a business refusal stops them (and becomes an
   * exception).
   */
  afterPayment: {
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '24h',
    retry: vendorRetry({ initialInterval: '500ms', maximumInterval: '5m' }),
  },
  /** Undo steps: idempotent, retried with backoff for a while; if they still fail, ops must act. */
  compensation: {
    startToCloseTimeout: '20s',
    retry: vendorRetry({ initialInterval: '500ms', maximumInterval: '10s', maximumAttempts: 8 }),
  },
  /** Our own bookkeeping (audit + projection) retries until Postgres is back: it must never be lost. */
  bookkeeping: {
    startToCloseTimeout: '10s',
    retry: { initialInterval: '250ms', backoffCoefficient: 2, maximumInterval: '30s' },
  },
} satisfies Record<string, ActivityOptions>;

export const beforePayment = proxyActivities<Activities>(ActivityProfiles.beforePayment);
export const afterPayment = proxyActivities<Activities>(ActivityProfiles.afterPayment);
export const compensation = proxyActivities<Activities>(ActivityProfiles.compensation);
export const bookkeeping = proxyActivities<Activities>(ActivityProfiles.bookkeeping);

/**
 * checkoutWorkflowV2 runs its steps as local activities first (workflows/local-first.ts): three tries
 * within a budget of seconds, under the workflow task's timeout (CHECKOUT_V2_WORKFLOW_TASK_TIMEOUT),
 * so a one-shot is one workflow task. A step still failing when its budget is spent continues as the
 * regular activity of the same lane (ActivityProfiles), where ops see it pending in the Temporal UI.
 * A vendor's refusal is final here as there. An attempt may take two vendor calls at their 5 s
 * timeout (VENDOR_TIMEOUT_MS) before it is timed out; a timed-out attempt is cancelled, and its
 * HTTP call in flight aborted (vendor-http.ts), so it does not race the next try.
 */
export const LocalActivityProfiles = {
  vendor: {
    // In milliseconds: a till's deadline shortens them (local-first.ts).
    startToCloseTimeout: 10_000,
    scheduleToCloseTimeout: 12_000,
    retry: vendorRetry({ initialInterval: '100ms', maximumInterval: '1s', maximumAttempts: 3 }),
  },
  bookkeeping: {
    startToCloseTimeout: '10s',
    scheduleToCloseTimeout: '12s',
    retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '1s' },
  },
} satisfies Record<string, LocalActivityOptions>;

/** The workflow task timeout v2 sagas start with: longer than any local budget above. */
export const CHECKOUT_V2_WORKFLOW_TASK_TIMEOUT = '20s';

export const localVendorSteps = proxyLocalActivities<Activities>(LocalActivityProfiles.vendor);
export const localBookkeeping = proxyLocalActivities<Activities>(LocalActivityProfiles.bookkeeping);
