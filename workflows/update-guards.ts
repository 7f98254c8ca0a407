import type { CheckoutState, CheckoutView } from './checkout.contract';
import { checkoutBusy, invalidState, phaseConflict } from './failures';

/** The view as it is now: later phases must not change what an earlier answer said. */
export function snapshot(view: CheckoutView): CheckoutView {
  return JSON.parse(JSON.stringify(view)) as CheckoutView;
}

/** Update validator: refuses calls the current state does not allow, before anything is recorded. */
export function requireState(
  state: CheckoutState,
  allowed: CheckoutState[],
  action: string,
  alreadyRunning: Promise<unknown> | undefined,
  busy = false,
): void {
  if (alreadyRunning) return; // the same phase again: answered from its first run
  // Validator refusals are not recorded in history: their shape can change without a patch.
  if (busy) throw checkoutBusy(action);
  if (!allowed.includes(state)) throw invalidState(action, state);
}

/**
 * A phase runs once, so its first arguments are the ones that count: a later call with different
 * ones (a spend changed after commit) is refused rather than silently answered with the first.
 */
export class FirstPhaseArgs<Phase extends string> {
  private readonly first: Partial<Record<Phase, string>> = {};

  remember<A>(phase: Phase, args: A): A {
    this.first[phase] ??= JSON.stringify(args ?? {});
    return args;
  }

  /** Update validator: throws phaseConflict when `args` differ from the phase's first ones. */
  requireSame(phase: Phase, args: unknown): void {
    const first = this.first[phase];
    if (first !== undefined && first !== JSON.stringify(args ?? {})) throw phaseConflict(phase);
  }
}
