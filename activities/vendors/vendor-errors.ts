import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes, RefusalCodes } from '../../workflows/checkout.contract';
import { scrubPersonalData } from './redact';

/** Details attached to a business rejection; they reach the POS as the reason. */
export interface RejectionDetails {
  vendor: string;
  code: string;
  reason: string;
  httpStatus?: number;
  /** The vendor's answer, for the audit excerpt (redacted before it is stored). */
  response?: unknown;
}

export interface UnavailableDetails {
  retryAfterMs?: number;
  httpStatus?: number;
  response?: unknown;
  /** The request was never written (connection refused, name not resolved): the vendor cannot have applied it. */
  notSent?: boolean;
  /** The detail's code when neither HTTP_<status> nor NETWORK says it (CIRCUIT_OPEN: the breaker held the call back). */
  code?: string;
  /**
   * Not retried by this activity: a local activity's open circuit (vendor-circuit.ts). The saga
   * decides what follows (workflows/local-first.ts): left out under a till's deadline, else
   * continued as a regular activity whose retries wait out the cool-down.
   */
  finalForThisAttempt?: boolean;
}

/**
 * The vendor's raw answer rides on the failure as a hidden property: VendorHttp puts its redacted
 * excerpt in the audit row, but it never enters the failure's details, which Temporal stores in
 * the workflow history (a vendor's error body can echo a phone number or a name).
 */
const VENDOR_RESPONSE = Symbol('vendorResponse');

function withHiddenResponse(failure: ApplicationFailure, response: unknown): ApplicationFailure {
  if (response !== undefined) Object.defineProperty(failure, VENDOR_RESPONSE, { value: response, enumerable: false });
  return failure;
}

export function vendorResponseOf(err: unknown): unknown {
  return err !== null && typeof err === 'object' ? (err as Record<symbol, unknown>)[VENDOR_RESPONSE] : undefined;
}

/** The vendor refused: retrying cannot change the answer. */
export function vendorRejection(details: RejectionDetails): ApplicationFailure {
  const { response, ...rest } = details;
  const kept = { ...rest, reason: scrubPersonalData(rest.reason) };
  return withHiddenResponse(
    ApplicationFailure.create({
      type: FailureTypes.vendorRejection,
      message: `${kept.vendor} refused (${kept.code}): ${kept.reason}`,
      nonRetryable: true,
      details: [kept],
    }),
    response,
  );
}

/**
 * The vendor could not be reached or said "later" (network, timeout, 429, 5xx). Retryable; a 429's
 * Retry-After overrides the backoff so we never call sooner than the vendor asked.
 */
export function vendorUnavailable(vendor: string, message: string, details: UnavailableDetails = {}): ApplicationFailure {
  const { response, code, finalForThisAttempt, ...kept } = details;
  return withHiddenResponse(
    ApplicationFailure.create({
      type: FailureTypes.vendorUnavailable,
      message: `${vendor} unavailable: ${scrubPersonalData(message)}`,
      nonRetryable: finalForThisAttempt === true,
      nextRetryDelay: kept.retryAfterMs,
      details: [{ code: code ?? (kept.httpStatus ? `HTTP_${kept.httpStatus}` : 'NETWORK'), ...kept }],
    }),
    response,
  );
}

export function isRejection(err: unknown): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === FailureTypes.vendorRejection;
}

/** What a failure's first detail says of the call (rejection and unavailable details alike). */
export function failureDetails(err: unknown): { code?: string; httpStatus?: number; notSent?: boolean } {
  return ((err as { details?: unknown[] } | null)?.details?.[0] ?? {}) as { code?: string; httpStatus?: number; notSent?: boolean };
}

export function rejectionDetails(err: ApplicationFailure): RejectionDetails | undefined {
  return err.details?.[0] as RejectionDetails | undefined;
}

/**
 * Whether a failed effect call is known NOT to have been applied, so that a later try may send it
 * again (the adapter then clears its effect intent, `ctx.effectNotApplied`): the request was never
 * written, or the vendor answered "not done" (a refusal, any 4xx, 503). Anything else may have been
 * applied: a timeout after the request was written (the lost reply), a gateway's 502/504, a bare 500.
 * An OUTCOME_UNKNOWN refusal is ours, not the vendor's answer, and proves nothing.
 */
export function definitelyNotApplied(err: unknown): boolean {
  const { code, httpStatus, notSent } = failureDetails(err);
  if (notSent) return true;
  if (httpStatus === undefined || code === RefusalCodes.outcomeUnknown) return false;
  if (isRejection(err)) return true;
  return (httpStatus >= 400 && httpStatus < 500) || httpStatus === 503;
}
