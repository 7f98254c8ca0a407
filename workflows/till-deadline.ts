import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FailureTypes, type Refusal } from './checkout.contract';

/**
 * A till's time budget inside the saga (issue 22; the API computes it, core/checkouts/till-budget.ts).
 * The API sends the instant by which a phase's vendor steps must have answered, `stepsBy` (epoch ms):
 * the till's budget from the request's arrival, less the margin the answer needs to travel back. A
 * vendor step still running then is cancelled (its HTTP call aborted) and its vendor named
 * unavailable; the phase answers with what did answer. Carried as data in the Update's arguments (or
 * a one-shot's input), so a saga recorded without it replays the way it ran: no patch needed.
 */
export interface TillDeadline {
  stepsBy: number;
  /**
   * How long a call cut short may still land at its vendor (the HTTP timeout of a try in flight, and
   * the worker's grace): its undo waits this long, then looks the effect up, so it does not look too
   * early and miss an effect that lands after. Absent: undone at once.
   */
  landsWithinMs?: number;
}

/** The detail code of a step its vendor's open circuit breaker answered without a call. */
export const CIRCUIT_OPEN_CODE = 'CIRCUIT_OPEN';

/**
 * The least a step gets, even past the deadline: enough to answer from its recorded result (a re-run
 * workflow task), not for a vendor's round trip. Less left than this after a step failed: left out.
 */
export const MIN_STEP_BUDGET_MS = 250;

/** A one-shot's reserve and commit each take at most this share of what is left, so complete still has time. */
export const ONE_SHOT_PHASE_SHARE = { reserve: 0.4, commit: 0.5 } as const;

/** The instant a one-shot phase's steps must have answered by: its share of what is left of the whole. */
export function oneShotPhaseDeadline(whole: TillDeadline | undefined, phase: keyof typeof ONE_SHOT_PHASE_SHARE, now: number): TillDeadline | undefined {
  if (!whole) return undefined;
  const left = Math.max(0, whole.stepsBy - now);
  return { ...whole, stepsBy: now + Math.floor(left * ONE_SHOT_PHASE_SHARE[phase]) };
}

/**
 * The deadline of the first of two rounds of calls (reserve's identify round, before its holds): half
 * of what is left, so a vendor that hangs in the first round leaves the second its time.
 */
export function firstRoundDeadline(deadline: TillDeadline | undefined, now: number): TillDeadline | undefined {
  if (!deadline) return undefined;
  return { ...deadline, stepsBy: now + Math.floor(Math.max(0, deadline.stepsBy - now) / 2) };
}

/**
 * Whether a step's failure means its vendor did not answer in time: the step outlasted the till's
 * budget (a timeout), or the vendor stayed unreachable or said "later" through the tries the budget
 * allowed (an open circuit answers so at once). A vendor's refusal is an answer, not this.
 */
export function vendorDidNotAnswer(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof TimeoutFailure) return true;
  return cause instanceof ApplicationFailure && cause.type === FailureTypes.vendorUnavailable;
}

/** The code a quote or commitment gives a coupon, points or loyalty left out because its vendor did not answer. */
export const UNAVAILABLE_CODE = 'VENDOR_UNAVAILABLE';

export function unavailableRefusal(vendor: string, what: string): Refusal {
  return { vendor, code: UNAVAILABLE_CODE, reason: `${vendor} did not answer within the till's time budget: ${what} left out of this sale` };
}
