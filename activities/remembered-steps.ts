import { Context, log } from '@temporalio/activity';
import { stringify } from 'safe-stable-stringify';
import type { CustomerRefHasher } from '../core/audit/customer-ref';
import type { StepResultsRepository } from '../core/effects/step-results.repository';
import { withDatabasePatience } from '../core/database/database-unavailable';
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

/** How long a local attempt waits for Postgres (intent, audit row, step result): well inside its 10 s. */
const LOCAL_ATTEMPT_DATABASE_PATIENCE_MS = 2_000;

/** The workflow type whose steps are remembered: v1 runs regular activities, whose results its history keeps. */
const REMEMBERING_WORKFLOW = 'checkoutWorkflowV2';

/**
 * Wraps the remembered steps: for a v2 saga, a step first reads its own recorded result (a re-run of
 * the workflow task after a worker died mid-group, or the regular activity a spent local budget
 * continues as), and records its result once it has one. A reserve read re-run this way never sees
 * the sale's own holds or spends, and a step that answered is not asked of the vendor again (one
 * whose answer was lost goes through its effect intent and lookup as before). Keyed by the checkout,
 * the step's activity and arguments (which name the sale's execution chain, CheckoutRef.saleChain),
 * never the attempt or the run: a reset from the UI re-drives the sale to where it stood instead of
 * re-quoting it or compensating a sale that succeeded. An unwound sale forgets its results
 * (checkout-transition.activities.ts), so a reset of it asks the vendors again.
 */
export function rememberStepResults<T extends CheckoutActivities>(activities: T, results: StepResultsRepository, customers: CustomerRefHasher): T {
  const wrapped = { ...activities };
  for (const name of REMEMBERED_STEPS) {
    const run = activities[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const info = Context.current().info;
      const checkoutId = info.workflowExecution?.workflowId;
      if (info.workflowType !== REMEMBERING_WORKFLOW || !checkoutId) return run(...args);
      const step = async () => {
        const key = stepKey(name, args, customers);
        const recorded = await results.find(checkoutId, key);
        if (recorded) return recorded.value;
        const value = await run(...args);
        // The vendor answered: a failed save must not turn that answer into a failure (a retry would
        // find the effect by its intent), so it is logged and the answer returned.
        await results.save(checkoutId, key, value).catch((err: unknown) => log.warn('step result not remembered', { step: name, error: err instanceof Error ? err.message : String(err) }));
        return value;
      };
      // A local attempt does not wait out a database outage: the regular activity it continues as does.
      return info.isLocal ? withDatabasePatience(LOCAL_ATTEMPT_DATABASE_PATIENCE_MS, step) : step();
    };
  }
  return wrapped;
}

/** The step's name and a keyed digest of its arguments (which carry customer identifiers: never stored in clear). */
export function stepKey(name: string, args: unknown[], customers: CustomerRefHasher): string {
  return `${name}:${customers.digestOf(stringify(args) ?? '').slice(0, 32)}`;
}
