import { proxyActivities } from '@temporalio/workflow';
import type { createValidationCodeActivities } from '../activities/capillary-validation-code.activities';
import type { ValidationCodeInput, ValidationCodeOutcome } from './capillary-validation-code.contract';
import { FailureTypes } from './checkout.contract';
import { asRefusal } from './failures';

type Activities = ReturnType<typeof createValidationCodeActivities>;

/**
 * Capillary's retry guidance (vendor-docs/capillary-pos-integration.md, enrolment: "retry for 2 more
 * times with a sleep time of 5 seconds between each call"; vendors.md §2 applies it to idempotent
 * calls, and a repeated OTP request re-sends the same code). 10 s per call, as vendors.md suggests.
 */
const vendorCalls = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '5s', backoffCoefficient: 1, maximumAttempts: 3, nonRetryableErrorTypes: [FailureTypes.vendorRejection] },
});

/** One activity: the customer is looked up, then the code is sent. A vendor's "no" is the answer, not a failure. */
export async function capillaryValidationCodeWorkflow(input: ValidationCodeInput): Promise<ValidationCodeOutcome> {
  try {
    await vendorCalls.requestCapillaryValidationCode(input);
    return { outcome: 'sent' };
  } catch (err) {
    const refusal = asRefusal(err);
    if (refusal) return { outcome: 'refused', refusal };
    throw err;
  }
}
