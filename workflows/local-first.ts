import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/workflow';
import type { createCheckoutActivities } from '../activities/checkout.activities';
import { afterPayment, beforePayment, bookkeeping, localBookkeeping, localVendorSteps } from './activity-options';
import { FailureTypes } from './checkout.contract';

type Activities = ReturnType<typeof createCheckoutActivities>;
type StepName = keyof Activities;

/** One activity call of a group: its name and arguments, typed against the checkout activities. */
export interface Step<N extends StepName = StepName> {
  activity: N;
  args: Parameters<Activities[N]>;
}

export function step<N extends StepName>(activity: N, ...args: Parameters<Activities[N]>): Step<N> {
  return { activity, args };
}

/** How a step of a group ended; `undefined` for a step the group was given as "not needed". */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
type Outcome<S> = S extends Step<infer N> ? Settled<Awaited<ReturnType<Activities[N]>>> : undefined;
export type GroupOutcomes<S extends readonly unknown[]> = { [K in keyof S]: Outcome<S[K]> };

/**
 * Which regular-activity profile a step continues under when its local budget is spent: before
 * payment (bounded, then the saga unwinds), after payment (retried forward for a day), bookkeeping
 * (until Postgres is back).
 */
export type Lane = 'beforePayment' | 'afterPayment' | 'bookkeeping';

const REGULAR: Record<Lane, Activities> = { beforePayment, afterPayment, bookkeeping };
const LOCAL: Record<Lane, Activities> = { beforePayment: localVendorSteps, afterPayment: localVendorSteps, bookkeeping: localBookkeeping };

export interface GroupHooks {
  /** Called before steps continue as regular activities: the workflow task ends there (search attributes go now). */
  beforeRegularActivities(): void;
}

/**
 * Barrier groups of local activities: every step of a group is scheduled in the same activation and
 * the whole group is awaited before anything else is issued, so the local activities' sequence
 * numbers do not depend on which finished first and a history replays whatever the finish order
 * (the rule learned from TMPRL1100). Steps whose local budget ran out continue, together, as
 * regular activities; a vendor's refusal or a non-retryable failure does not.
 */
export class LocalFirstSteps {
  constructor(private readonly hooks: GroupHooks) {}

  async group<const S extends readonly (Step | undefined | false)[]>(lane: Lane, steps: S): Promise<GroupOutcomes<S>> {
    const run = (proxies: Record<Lane, Activities>, s: Step) => (proxies[lane][s.activity] as (...args: unknown[]) => Promise<unknown>)(...s.args);
    const present = steps.map((s) => (s ? s : undefined));
    const settled: Array<PromiseSettledResult<unknown> | undefined> = await Promise.allSettled(present.map((s) => s && run(LOCAL, s)));
    present.forEach((s, i) => {
      if (!s) settled[i] = undefined;
    });
    const again = settled.flatMap((r, i) => (r?.status === 'rejected' && outlastedLocalBudget(r.reason) ? [i] : []));
    if (again.length > 0) {
      this.hooks.beforeRegularActivities();
      const second = await Promise.allSettled(again.map((i) => run(REGULAR, present[i] as Step)));
      again.forEach((i, j) => (settled[i] = second[j]));
    }
    return settled.map((r) => (r === undefined ? undefined : r.status === 'fulfilled' ? { ok: true, value: r.value } : { ok: false, error: r.reason })) as GroupOutcomes<S>;
  }
}

/** A transient failure that outlasted the local budget: worth continuing as a regular activity. */
function outlastedLocalBudget(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof CancelledFailure) return false;
  if (cause instanceof ApplicationFailure) return cause.type !== FailureTypes.vendorRejection && !cause.nonRetryable;
  return err instanceof ActivityFailure;
}

/** The value of a step that succeeded, or the step's error thrown. */
export function valueOf<T>(outcome: Settled<T>): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
