import { proxyActivities } from '@temporalio/workflow';
import type { createValidationCodeActivities } from '../activities/capillary-validation-code.activities';
import { answeredOrRefused, CAPILLARY_REQUEST_ACTIVITY } from './capillary-requests';
import type { ValidationCodeInput, ValidationCodeOutcome } from './capillary-validation-code.contract';

const vendorCalls = proxyActivities<ReturnType<typeof createValidationCodeActivities>>(CAPILLARY_REQUEST_ACTIVITY);

/** One activity: the customer is looked up, then the code is sent. A vendor's "no" is the answer, not a failure. */
export async function capillaryValidationCodeWorkflow(input: ValidationCodeInput): Promise<ValidationCodeOutcome> {
  return answeredOrRefused(async () => {
    await vendorCalls.requestCapillaryValidationCode(input);
    return { outcome: 'sent' as const };
  });
}
