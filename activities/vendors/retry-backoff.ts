import { Context } from '@temporalio/activity';
import type { RetryPolicy } from '@temporalio/common';
import { msOptionalToNumber } from '@temporalio/common/lib/time';

/** Temporal's defaults for what a retry policy leaves out. */
const DEFAULT_INITIAL_MS = 1000;
const DEFAULT_COEFFICIENT = 2;
const DEFAULT_MAXIMUM_FACTOR = 100;

/**
 * The delay Temporal's retry policy puts after attempt `attempt` fails: initial interval times the
 * coefficient to the (attempt − 1)th power, capped at the maximum interval (defaults as Temporal's).
 */
export function policyBackoffMs(policy: RetryPolicy, attempt: number): number {
  const initial = msOptionalToNumber(policy.initialInterval) ?? DEFAULT_INITIAL_MS;
  const maximum = msOptionalToNumber(policy.maximumInterval) ?? initial * DEFAULT_MAXIMUM_FACTOR;
  return Math.min(initial * (policy.backoffCoefficient ?? DEFAULT_COEFFICIENT) ** Math.max(0, attempt - 1), maximum);
}

/**
 * The running activity attempt's own backoff, when its retry policy is known; none outside an
 * activity. A call the circuit breaker holds back retries no sooner than this: waiting out the
 * cool-down may stretch a step's retries, but never spends its bounded attempts faster than its policy.
 */
export function currentAttemptBackoffMs(): number | undefined {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return undefined;
  }
  return info.retryPolicy ? policyBackoffMs(info.retryPolicy, info.attempt) : undefined;
}
