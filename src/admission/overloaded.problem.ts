import { someCause } from '../common/error-causes';
import type { ProblemDetails } from '../common/problem';

export const OVERLOADED_PROBLEM_TYPE = '/problems/overloaded';

/** The 503 of a refused new checkout: nothing was started, the till sells without loyalty or retries after Retry-After. */
export function overloadedProblem(detail: string, retryAfterSeconds: number): ProblemDetails {
  return {
    type: OVERLOADED_PROBLEM_TYPE,
    title: 'The checkout service is overloaded',
    status: 503,
    detail: `${detail}; nothing was started: sell without loyalty, or retry the same request after Retry-After`,
    retryAfterSeconds,
  };
}

/** gRPC RESOURCE_EXHAUSTED (8) from the Temporal client at any depth of causes: Temporal's own rate limit refused the call. */
export function isTemporalExhausted(exception: unknown): boolean {
  return someCause(exception, (code) => code === 8);
}
