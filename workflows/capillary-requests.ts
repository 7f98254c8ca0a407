import type { ActivityOptions } from '@temporalio/workflow';
import { FailureTypes, type Refusal } from './checkout.contract';
import { asRefusal } from './failures';

/**
 * The till's Capillary requests outside a checkout's phases (validation codes, retro-tagging): one
 * activity each. Capillary's retry guidance (vendor-docs/capillary-pos-integration.md, enrolment: "retry
 * for 2 more times with a sleep time of 5 seconds between each call"; vendors.md §2 applies it to
 * idempotent calls), 10 s a call as vendors.md suggests; a refusal is never retried.
 */
export const CAPILLARY_REQUEST_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '5s', backoffCoefficient: 1, maximumAttempts: 3, nonRetryableErrorTypes: [FailureTypes.vendorRejection] },
};

/** The request's outcome: what `run` answered, or the vendor's "no" as an answer (not a failed workflow). */
export async function answeredOrRefused<T>(run: () => Promise<T>): Promise<T | { outcome: 'refused'; refusal: Refusal }> {
  try {
    return await run();
  } catch (err) {
    const refusal = asRefusal(err);
    if (refusal) return { outcome: 'refused', refusal };
    throw err;
  }
}
