import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { stringify } from 'safe-stable-stringify';
import type { StepResultsRepository } from '../core/effects/step-results.repository';
import type { createCheckoutActivities } from './checkout.activities';

type CheckoutActivities = ReturnType<typeof createCheckoutActivities>;

/**
 * The checkoutWorkflowV2 steps that answer from their recorded result on a re-run: every forward
 * vendor step (reads and effects). Not the undos (regular activities, idempotent by lookup) nor the
 * transition record (idempotent by its audit key).
 */
export const REMEMBERED_STEPS = [
  'identifyCustomer',
  'previewLoyalty',
  'findPointsCustomer',
  'checkPoints',
  'lookUpCoupon',
  'holdCoupon',
  'submitLoyaltyPurchase',
  'redeemPoints',
  'addSaleTransaction',
  'redeemCoupon',
  'sendPostTender',
] as const satisfies ReadonlyArray<keyof CheckoutActivities>;

/** The workflow type whose steps are remembered: v1 runs regular activities, whose results its history keeps. */
const REMEMBERING_WORKFLOW = 'checkoutWorkflowV2';

/**
 * Wraps the remembered steps: for a v2 saga, a step first reads its own recorded result (a re-run of
 * the workflow task after a worker died mid-group, or the regular activity a spent local budget
 * continues as), and records its result once it has one. A reserve read re-run this way never sees
 * the sale's own holds or spends; an effect is never asked of the vendor a second time. Keyed by the
 * checkout and the step's activity and arguments, never the attempt or the run.
 */
export function rememberStepResults<T extends CheckoutActivities>(activities: T, results: StepResultsRepository): T {
  const wrapped = { ...activities };
  for (const name of REMEMBERED_STEPS) {
    const run = activities[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const info = Context.current().info;
      const checkoutId = info.workflowExecution?.workflowId;
      if (info.workflowType !== REMEMBERING_WORKFLOW || !checkoutId) return run(...args);
      const key = stepKey(name, args);
      const recorded = await results.find(checkoutId, key);
      if (recorded) return recorded.value;
      const value = await run(...args);
      await results.save(checkoutId, key, value);
      return value;
    };
  }
  return wrapped;
}

/** The step's name and a hash of its arguments (which carry customer identifiers: never stored in clear). */
export function stepKey(name: string, args: unknown[]): string {
  return `${name}:${createHash('sha256').update(stringify(args) ?? '').digest('hex').slice(0, 32)}`;
}
