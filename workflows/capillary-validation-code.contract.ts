import type { CustomerRef, Refusal } from './checkout.contract';

/**
 * POST /v1/capillary/validation-codes: the API asks Capillary for a customer's validation code (OTP)
 * through this short workflow, as every vendor call runs in an activity (timeout, classified errors,
 * audit row). Its input carries the identifier (payloads are encrypted by the codec); its id does not.
 */
export interface ValidationCodeInput {
  merchant: string;
  store: string;
  till: string;
  customer: CustomerRef;
  points: number;
  /** The currency of the Capillary org, for the audit rows' scope. */
  currency: string;
}

/** Our refusal code for Capillary's OTP rate limit (HTTP 429 without an item code, vendors.md §2). */
export const OTP_RATE_LIMITED = 'OTP_RATE_LIMITED';

export type ValidationCodeOutcome = { outcome: 'sent' } | { outcome: 'refused'; refusal: Refusal };

/**
 * One request's workflow id: the till and a keyed digest of the customer and points (never the
 * identifier itself). A retried POST while the first runs joins it; Capillary re-sends the same code
 * within its validity anyway (vendors.md §2), so a later repeat sends no second code.
 */
export function validationCodeWorkflowId(key: { merchant: string; store: string; till: string }, customerDigest: string, points: number): string {
  return `capillary-otp:${key.merchant}:${key.store}:${key.till}:${customerDigest}:${points}`;
}
