import type { Refusal } from './checkout.contract';
import { asRefusal, describeFailure } from './failures';

/** Runs one vendor step of a saga that is past payment; see forwardSteps. */
export type ForwardStep = (step: string, vendor: string, run: () => Promise<void>) => Promise<void>;

/**
 * After payment nothing is unwound (complete, void, returns): a step that fails, by a vendor's
 * refusal or by faults that outlasted its retries, does not fail the saga but becomes an exception
 * in `exceptions` for finance, and the saga goes on with its other steps. A failure that is not a
 * refusal is recorded under `notDoneCode` (which names what the saga was doing: NOT_VOIDED…).
 */
export function forwardSteps(exceptions: Refusal[], notDoneCode: string): ForwardStep {
  return async (step, vendor, run) => {
    try {
      await run();
    } catch (err) {
      exceptions.push(exceptionOf(err, step, vendor, notDoneCode));
    }
  };
}

/** The exception a failed step after payment leaves for finance: the vendor's refusal, or `notDoneCode`. */
export function exceptionOf(err: unknown, step: string, vendor: string, notDoneCode: string): Refusal {
  return asRefusal(err) ?? { vendor, code: notDoneCode, reason: `${step} did not complete: ${describeFailure(err)}` };
}
