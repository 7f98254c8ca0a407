import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { BUSY_STATE, FailureTypes, type InvalidStateDetails, type Refusal } from './checkout.contract';

/** The vendor's refusal inside an activity failure, or undefined for anything else (transient, unknown). */
export function asRefusal(err: unknown): Refusal | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || cause.type !== FailureTypes.vendorRejection) return undefined;
  const details = (cause.details?.[0] ?? {}) as { vendor?: string; code?: string; reason?: string };
  return { vendor: details.vendor ?? 'unknown', code: details.code ?? 'REJECTED', reason: details.reason ?? cause.message };
}

export function describeFailure(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Refuses an update: the caller gets the refusal, the workflow carries on. */
export function rejectCheckout(step: string, refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.checkoutRejected,
    message: `${refusal.vendor} refused (${refusal.code}): ${refusal.reason}`,
    nonRetryable: true,
    details: [{ ...refusal, step }],
  });
}

export function invalidState(action: string, state: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.invalidState,
    message: `cannot ${action} a checkout that is ${state}`,
    nonRetryable: true,
    details: [{ state }],
  });
}

/**
 * Refuses an update while another step runs: an invalid state that passes once the step ends. Same
 * type, message and `state` detail as before `busy` existed, so an API and a worker of different
 * releases still understand each other; the API reads the `busy` detail, never the message.
 */
export function checkoutBusy(action: string): ApplicationFailure {
  const details: InvalidStateDetails = { state: BUSY_STATE, busy: true };
  return ApplicationFailure.create({
    type: FailureTypes.invalidState,
    message: `cannot ${action} a checkout that is ${BUSY_STATE}`,
    nonRetryable: true,
    details: [details],
  });
}

/** A phase that failed and was unwound: the update's answer, the view says why. */
export function checkoutFailed(reason: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureTypes.checkoutFailed, message: reason, nonRetryable: true });
}

export function phaseConflict(phase: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.phaseConflict,
    message: `${phase} was already made with other values; it runs once per checkout`,
    nonRetryable: true,
    details: [{ phase }],
  });
}
