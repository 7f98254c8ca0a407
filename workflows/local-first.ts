import { ActivityFailure, ApplicationFailure, CancelledFailure, proxyActivities, proxyLocalActivities, TimeoutFailure } from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { createCheckoutActivities } from '../activities/checkout.activities';
import { ActivityProfiles, afterPayment, beforePayment, bookkeeping, localBookkeeping, LocalActivityProfiles, localVendorSteps } from './activity-options';
import { FailureTypes } from './checkout.contract';
import { CIRCUIT_OPEN_CODE, MIN_STEP_BUDGET_MS, vendorDidNotAnswer, type TillDeadline } from './till-deadline';
import { workflowNow } from './workflow-clock';

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

/**
 * How a step of a group ended; `undefined` for a step the group was given as "not needed".
 * `unavailable`: under a till's deadline, the vendor did not answer in time (till-deadline.ts); the
 * step was cancelled, not continued as a regular activity.
 */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown; unavailable?: true };
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
  /** No earlier than this, by a till's deadline: the end of the last group cut by one (see now()). */
  private tillClockFloor = 0;

  constructor(private readonly hooks: GroupHooks) {}

  /**
   * The time, for a till's deadline: the workflow's clock, and after a group the deadline cut, no
   * earlier than that deadline (the clock read in one workflow task need not count a timed-out local
   * activity's wait), so later groups get what is left after it, never more.
   */
  now(): number {
    return Math.max(workflowNow(), this.tillClockFloor);
  }

  /** A phase the POS called starts in a workflow task of its own, whose clock is current: forget the floor. */
  newWorkflowTask(): void {
    this.tillClockFloor = 0;
  }

  /**
   * Runs the steps of one group. With a till's `deadline` (before payment only), each step's local
   * budget is what is left of it: a vendor that has not answered by then is cancelled and its step
   * settles `unavailable` instead of continuing as a regular activity.
   */
  async group<const S extends readonly (Step | undefined | false)[]>(lane: Lane, steps: S, deadline?: TillDeadline): Promise<GroupOutcomes<S>> {
    const run = (proxies: Record<Lane, Activities>, s: Step) => (proxies[lane][s.activity] as (...args: unknown[]) => Promise<unknown>)(...s.args);
    const present = steps.map((s) => (s ? s : undefined));
    const till = deadline && lane === 'beforePayment' ? deadline : undefined;
    // "Time left" is read once, before the group (now() says why): a step the till's deadline cut
    // short is known by its timeout, not by the clock.
    const timeLeft = till ? till.stepsBy - this.now() : Infinity;
    const cutByTill = timeLeft < LocalActivityProfiles.vendor.scheduleToCloseTimeout;
    // Even with no time left each step runs, briefly: a re-run of the workflow task (a worker lost) must
    // read the answers its steps already had (remembered-steps.ts), such as a hold to be undone.
    const settled: Array<PromiseSettledResult<unknown> | undefined> = await Promise.allSettled(
      present.map((s) => s && run(till ? localWithin(Math.max(timeLeft, MIN_STEP_BUDGET_MS)) : LOCAL, s)),
    );
    present.forEach((s, i) => {
      if (!s) settled[i] = undefined;
    });
    // Under a till's deadline a step cut short by it, or answered by an open circuit, leaves its vendor
    // out at once; one that failed fast (a 503) continues as a regular activity within the deadline.
    const late = new Set<number>();
    // A step the deadline cut ran until it: no later group may count on time before it.
    if (till && cutByTill && settled.some((r) => r?.status === 'rejected' && isTimeout(r.reason))) this.tillClockFloor = Math.max(this.tillClockFloor, till.stepsBy);
    const failedTransiently = settled.flatMap((r, i) => (r?.status === 'rejected' && outlastedLocalBudget(r.reason) ? [i] : []));
    if (till) {
      for (const [i, r] of settled.entries()) {
        if (r?.status === 'rejected' && vendorDidNotAnswer(r.reason) && ((cutByTill && isTimeout(r.reason)) || isCircuitOpen(r.reason) || timeLeft < MIN_STEP_BUDGET_MS)) late.add(i);
      }
    }
    // Too little left to try again within the deadline: a vendor that has not answered is left out now.
    if (till && till.stepsBy - this.now() < MIN_STEP_BUDGET_MS) {
      for (const i of failedTransiently) if (vendorDidNotAnswer((settled[i] as PromiseRejectedResult).reason)) late.add(i);
    }
    const again = failedTransiently.filter((i) => !late.has(i));
    if (again.length > 0) {
      this.hooks.beforeRegularActivities();
      const regular = till ? regularWithin(till.stepsBy - this.now()) : REGULAR;
      const second = await Promise.allSettled(again.map((i) => run(regular, present[i] as Step)));
      again.forEach((i, j) => {
        settled[i] = second[j];
        // Left out only when the deadline ended it (or its circuit is open): a vendor that kept failing
        // through its bounded tries before the deadline fails the phase, as without a deadline.
        const r = second[j];
        if (till && r.status === 'rejected' && vendorDidNotAnswer(r.reason) && (endedByDeadline(r.reason) || isCircuitOpen(r.reason))) late.add(i);
      });
    }
    return settled.map((r, i) =>
      r === undefined ? undefined : r.status === 'fulfilled' ? { ok: true, value: r.value } : { ok: false, error: r.reason, ...(late.has(i) && { unavailable: true }) },
    ) as GroupOutcomes<S>;
  }
}

/** Local proxies whose steps must end within `budgetMs` (the till's deadline, at most the usual local budget): the SDK cancels a step still running then. */
function localWithin(budgetMs: number): Record<Lane, Activities> {
  const { vendor } = LocalActivityProfiles;
  const ms = (limit: number) => Math.max(1, Math.min(budgetMs, limit));
  // Cut by the deadline, one try: the SDK times each local try out at its start-to-close and tries
  // again (up to maximumAttempts) without holding them to the schedule-to-close, so three tries of a
  // hanging vendor would take three budgets. A try that fails fast continues as a regular activity
  // within what is left (group()).
  const cut = budgetMs < vendor.startToCloseTimeout;
  const vendorSteps = proxyLocalActivities<Activities>({
    ...vendor,
    startToCloseTimeout: ms(vendor.startToCloseTimeout),
    scheduleToCloseTimeout: ms(vendor.scheduleToCloseTimeout),
    ...(cut && { retry: { ...vendor.retry, maximumAttempts: 1 } }),
  });
  return { ...LOCAL, beforePayment: vendorSteps };
}

/** Regular before-payment activities that must end within what is left of the till's deadline. */
function regularWithin(budgetMs: number): Record<Lane, Activities> {
  const ms = Math.max(1, budgetMs);
  const { beforePayment: profile } = ActivityProfiles;
  const vendorSteps = proxyActivities<Activities>({ ...profile, startToCloseTimeout: Math.min(ms, profile.startToCloseTimeout), scheduleToCloseTimeout: ms });
  return { ...REGULAR, beforePayment: vendorSteps };
}

/** A regular activity the till's deadline (its schedule-to-close) ended: timed out, or its next try would have come after it. */
function endedByDeadline(err: unknown): boolean {
  return err instanceof ActivityFailure && (err.cause instanceof TimeoutFailure || err.retryState === RetryState.TIMEOUT);
}

function isTimeout(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof TimeoutFailure;
}

/** The circuit breaker of the step's vendor is open: it answered "unavailable" without a call. */
function isCircuitOpen(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && (cause.details?.[0] as { code?: string } | undefined)?.code === CIRCUIT_OPEN_CODE;
}


/** A transient failure that outlasted the local budget: worth continuing as a regular activity. */
function outlastedLocalBudget(err: unknown): boolean {
  // An open circuit answers a local activity at once (no local retries): its retries wait out the cool-down.
  if (isCircuitOpen(err)) return true;
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

