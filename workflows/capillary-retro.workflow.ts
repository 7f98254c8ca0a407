import { proxyActivities } from '@temporalio/workflow';
import type { createRetroTagActivities } from '../activities/capillary-retro.activities';
import { answeredOrRefused, CAPILLARY_REQUEST_ACTIVITY } from './capillary-requests';
import type { RetroTagInput, RetroTagOutcome } from './capillary-retro.contract';
import { capillaryBillNumberOf } from './checkout.contract';

const vendorCalls = proxyActivities<ReturnType<typeof createRetroTagActivities>>(CAPILLARY_REQUEST_ACTIVITY);

/** Tags the bill (looked up first on every try); a vendor's "no" (retro off, too old) is the answer. */
export async function capillaryRetroTagWorkflow(input: RetroTagInput): Promise<RetroTagOutcome> {
  return answeredOrRefused(async () => {
    const tagged = await vendorCalls.tagCapillaryBill(input);
    return { outcome: 'tagged' as const, billNumber: capillaryBillNumberOf(input.ref), ...tagged, customerDigest: input.customerDigest };
  });
}
