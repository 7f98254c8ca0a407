import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes } from '../../workflows/checkout.contract';

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
}

/** The vendor refused: retrying cannot change the answer. */
export function vendorRejection(details: RejectionDetails): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.vendorRejection,
    message: `${details.vendor} refused (${details.code}): ${details.reason}`,
    nonRetryable: true,
    details: [details],
  });
}

/**
 * The vendor could not be reached or said "later" (network, timeout, 429, 5xx). Retryable; a 429's
 * Retry-After overrides the backoff so we never call sooner than the vendor asked.
 */
export function vendorUnavailable(vendor: string, message: string, details: UnavailableDetails = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.vendorUnavailable,
    message: `${vendor} unavailable: ${message}`,
    nonRetryable: false,
    nextRetryDelay: details.retryAfterMs,
    details: [{ code: details.httpStatus ? `HTTP_${details.httpStatus}` : 'NETWORK', ...details }],
  });
}

export function isRejection(err: unknown): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === FailureTypes.vendorRejection;
}

export function rejectionDetails(err: ApplicationFailure): RejectionDetails | undefined {
  return err.details?.[0] as RejectionDetails | undefined;
}
