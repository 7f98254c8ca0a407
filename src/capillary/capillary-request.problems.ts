import { WorkflowFailedError } from '@temporalio/client';
import type { Refusal } from '../../workflows/checkout.contract';
import { ProblemException } from '../common/problem';

/** Capillary's "customer not found" codes (vendors.md §2: 1011 / 1012, also 816). */
const CUSTOMER_NOT_FOUND = new Set(['1011', '1012', '816']);

/**
 * How the till's Capillary requests (validation codes, retro-tagging) answer what their workflow
 * answered: a refusal as problem+json naming the field it concerns, Capillary down as a 503.
 */
export function problem(status: number, type: string, title: string, detail: string, field?: string, refusal?: Refusal): ProblemException {
  return new ProblemException({ type, title, status, detail, ...(field && { errors: [{ field, message: detail }] }), ...(refusal && { refusal }) });
}

/** An unknown customer: 404 naming identifier.value; nothing but the lookup ran. */
export function customerNotFound(refusal: Refusal): ProblemException | undefined {
  if (!CUSTOMER_NOT_FOUND.has(refusal.code)) return undefined;
  return problem(404, '/problems/customer-not-found', 'Capillary does not know this customer', 'no Capillary customer has this identifier; nothing was sent', 'identifier.value', refusal);
}

/** The request's workflow, waited for; Capillary still failing after the request's retries is a 503 the till may retry. */
export async function capillaryRequest<T>(execute: () => Promise<T>): Promise<T> {
  try {
    return await execute();
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    throw new ProblemException({
      type: '/problems/vendor-unavailable',
      title: 'Capillary could not be reached',
      status: 503,
      detail: 'Capillary did not answer after the retries; ask again shortly',
      retryAfterSeconds: 5,
    });
  }
}
