import { capillaryBillNumberOf } from '../workflows/checkout.contract';
import type { RetroTagInput } from '../workflows/capillary-retro.contract';
import { customerStepContext, type StepDeps } from './activity-scope';
import type { RetroTaggingCapability } from './vendors/capabilities';

/** The retro-tagging of POST /v1/checkouts/{id}/capillary-customer (workflows/capillary-retro.workflow.ts): audited under the checkout. */
export function createRetroTagActivities({ retroTagging, ...deps }: { retroTagging: RetroTaggingCapability } & StepDeps) {
  return {
    async tagCapillaryBill(input: RetroTagInput): Promise<{ transactionId: string; alreadyTagged: boolean }> {
      const ctx = customerStepContext(deps, input.ref, 'capillary retro-tag', input.customer);
      const bill = { number: capillaryBillNumberOf(input.ref), transactionId: input.transactionId };
      return retroTagging.tagBill({ ...ctx, reference: bill.number }, bill, input.customer);
    },
  };
}
