import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  setHandler,
  upsertSearchAttributes,
  allHandlersFinished,
  workflowInfo,
} from '@temporalio/workflow';
import { bookkeeping } from './activity-options';
import {
  FailureTypes,
  SearchAttributes,
  isFinalState,
  type CheckoutInput,
  type CheckoutState,
  type CheckoutView,
} from './checkout.contract';
import {
  cancelCheckout,
  checkoutView,
  commitCheckout,
  completeCheckout,
  reserveCheckout,
  retryCompensation,
  runOneShotCheckout,
  type CommitRequest,
  type OneShotRequest,
  type ReserveRequest,
} from './checkout.messages';
import { commit } from './commit-phase';
import { complete } from './complete-phase';
import { checkoutFailed, describeFailure, invalidState, phaseConflict } from './failures';
import { reserve } from './reserve-phase';
import { loggedStep, type CompensationOutcome } from './compensation-stack';
import { SagaState } from './saga-state';
import { FirstPhaseArgs, requireState, snapshot } from './update-guards';
import { workflowNow } from './workflow-clock';
import { Patches, isPatched } from './workflow-patches';

/**
 * One checkout saga, driven by the POS through Updates: reserve (Update-with-Start) -> commit ->
 * complete, or cancel; left alone past the hold time it expires. Any failure before payment unwinds
 * every effect, newest first. The result is the final view; business refusals are answers to
 * updates, never workflow failures.
 */
export async function checkoutWorkflow(input: CheckoutInput): Promise<CheckoutView> {
  const s = new SagaState(input);
  let busy = false;
  let activity = 0;
  let holdExpiresAt = workflowNow() + input.holdTimeoutMs;
  const phases: Partial<Record<'reserve' | 'commit' | 'complete' | 'cancel' | 'oneShot', Promise<unknown>>> = {};

  let transitions = 0;
  const enter = async (state: CheckoutState, step: string) => {
    transitions += 1;
    const seq = transitions;
    s.state = state;
    s.view.state = state;
    upsertSearchAttributes([
      { key: SearchAttributes.state, value: state },
      { key: SearchAttributes.vendors, value: s.vendors() },
    ]);
    await bookkeeping.recordCheckoutTransition(s.ref, { seq, state, step, totalMinor: input.totalMinor, view: s.view });
  };

  /**
   * CheckoutFailingStep: which phase or undo failed the saga, so ops filter on it; null clears it.
   * A separate upsert (a new command): sagas recorded before it replay without it (patched()). A coupon
   * release is named without its code (search attributes are kept in clear); only the value changed, which
   * replay does not compare: compensation-failed, recorded with the code, replays.
   */
  const markFailingStep = (step: string | null) => {
    if (!isPatched(Patches.failingStep)) return;
    upsertSearchAttributes([{ key: SearchAttributes.failingStep, value: step === null ? null : loggedStep(step) }]);
  };

  /** Lands in `target` when every undo was done, or in compensation_failed (ops must act) when one failed. */
  const settleUndos = async (outcomes: CompensationOutcome[], target: CheckoutState, step: string) => {
    s.view.compensations.push(...outcomes);
    const failed = outcomes.filter((o) => o.outcome === 'failed');
    if (failed.length > 0) {
      s.view.failureReason = failed.map((f) => `${f.step}: ${f.reason}`).join('; ');
      log.error('compensation failed: ops must act', { checkoutId: s.ref.checkoutId, failed: failed.map((f) => loggedStep(f.step)) });
      markFailingStep(failed[0].step);
      await enter('compensation_failed', step);
    } else {
      await enter(target, step);
    }
  };

  /**
   * Unwinds every registered undo and lands in `target`, or compensation_failed if any undo failed.
   * Entirely non-cancellable: a cancel from the Temporal UI must still undo, and record, everything.
   */
  let unwinding: Promise<void> | undefined;
  // Once per saga: an operator's cancel arriving while a failed phase unwinds joins that unwind.
  const unwind = (target: 'cancelled' | 'expired' | 'compensated', step: string) =>
    (unwinding ??= CancellationScope.nonCancellable(async () => {
      if (s.compensations.size > 0) await enter('compensating', step);
      await settleUndos(await s.compensations.unwind(), target, step);
    }));

  /** Runs a phase once: a repeated call (a POS retry under another update id) gets the same answer. */
  const once = <T>(name: keyof typeof phases, run: () => Promise<T>): Promise<T> => {
    phases[name] ??= (async () => {
      busy = true;
      try {
        return await run();
      } catch (err) {
        const rejected = err instanceof ApplicationFailure && err.type === FailureTypes.checkoutRejected;
        if (rejected) s.view.rejection = err.details?.[0] as CheckoutView['rejection'];
        else {
          s.view.failureReason = `${name} failed: ${describeFailure(err)}`;
          markFailingStep(name);
        }
        // After payment nothing is undone; the complete phase records its own exceptions.
        if (name !== 'complete' && !isFinalState(s.state)) await unwind('compensated', name);
        throw rejected
          ? err
          : checkoutFailed(s.view.failureReason ?? 'failed');
      } finally {
        busy = false;
        activity += 1;
      }
    })();
    return phases[name] as Promise<T>;
  };

  const phaseArgs = new FirstPhaseArgs<keyof typeof phases>();

  setHandler(checkoutView, () => s.view);

  // v1 ignores a till's deadline (issue 22 is v2's): its steps are regular activities.
  const runReserve = (_request?: ReserveRequest) =>
    once('reserve', async () => {
      const quote = await reserve(s, new Date(holdExpiresAt).toISOString());
      s.view.quote = quote;
      await enter('reserved', 'reserve');
      return snapshot(s.view);
    });

  // A till's deadline is not one of the phase's arguments (a retry carries a later one), and v1 ignores it.
  const runCommit = ({ tillDeadline: _deadline, ...args }: CommitRequest) =>
    once('commit', async () => {
      const { spendMinor } = phaseArgs.remember('commit', args);
      holdExpiresAt = workflowNow() + input.holdTimeoutMs;
      const commitment = await commit(s, spendMinor, new Date(holdExpiresAt).toISOString());
      s.view.commitment = commitment;
      await enter('committed', 'commit');
      return snapshot(s.view);
    });

  /**
   * The customer has paid once complete starts: nothing in it is undone, so an operator's cancel
   * (a Temporal cancellation) neither cancels its vendor calls nor unwinds the sale; complete runs to
   * its end (retrying a vendor for as long as its activities allow). Guarded: sagas recorded before
   * this cancelled those calls and unwound (Patches.completeSurvivesOperatorCancel).
   */
  let completeShielded = false;
  const runComplete = (args: { paidMinor?: number; method?: string }) => {
    // An operator's cancel that got in first (in the same workflow task) is already unwinding the sale.
    if (unwinding && !phases.complete && isPatched(Patches.completeSurvivesOperatorCancel)) {
      return Promise.reject(invalidState('complete', 'compensating'));
    }
    return once('complete', async () => {
      const { paidMinor, method } = phaseArgs.remember('complete', args);
      const run = async () => {
        const receipt = await complete(s, paidMinor, method);
        s.view.receipt = receipt;
        await enter('completed', 'complete');
        return snapshot(s.view);
      };
      if (!isPatched(Patches.completeSurvivesOperatorCancel)) return run();
      completeShielded = true;
      return CancellationScope.nonCancellable(run);
    });
  };

  setHandler(reserveCheckout, runReserve, { validator: (_request: ReserveRequest) => requireState(s.state, ['pending'], 'reserve', phases.reserve) });

  setHandler(commitCheckout, runCommit, {
    validator: ({ tillDeadline: _deadline, ...args }: CommitRequest) => {
      phaseArgs.requireSame('commit', args);
      requireState(s.state, ['reserved'], 'commit', phases.commit, busy);
    },
  });

  setHandler(completeCheckout, runComplete, {
    validator: (args: { paidMinor?: number; method?: string }) => {
      phaseArgs.requireSame('complete', args);
      requireState(s.state, ['committed'], 'complete', phases.complete, busy);
    },
  });

  /**
   * One-shot: the workflow drives the sale to its end from wherever it stands (a POS retry, or a saga
   * reserved by an earlier one-shot call, resumes it). Each phase is the same memoised phase the
   * separate Updates run, and one that ends the sale early (a refusal, a cancel) ends the chain.
   */
  setHandler(
    runOneShotCheckout,
    () =>
      (phases.oneShot ??= (async () => {
        if (s.state === 'pending') await runReserve();
        if (s.state === 'reserved') await runCommit({});
        if (s.state === 'committed') return runComplete({});
        return snapshot(s.view);
      })()) as Promise<CheckoutView>,
    {
      validator: (args: OneShotRequest) => {
        // Only the request that started this saga may drive it to the end (the API answers 409 to another).
        if (args?.requestHash !== workflowInfo().memo?.requestHash) throw phaseConflict('one-shot');
        if (!phases.oneShot && !phases.reserve) requireState(s.state, ['pending'], 'run one-shot', undefined, busy);
      },
    },
  );

  setHandler(
    cancelCheckout,
    () =>
      once('cancel', async () => {
        await unwind('cancelled', 'cancel');
        return snapshot(s.view);
      }),
    { validator: () => requireState(s.state, ['pending', 'reserved', 'committed'], 'cancel', phases.cancel, busy) },
  );

  /**
   * Ops retry of a saga in compensation_failed: the undos that failed run again (each is idempotent:
   * "already undone" is done), in this same run, so the undos that succeeded are not repeated and
   * every attempt stays in this saga's history and audit trail. Chosen over a Temporal reset, which
   * would start a new run re-executing every undo after the reset point.
   */
  let retrying = false;
  setHandler(
    retryCompensation,
    async () => {
      retrying = true;
      try {
        await CancellationScope.nonCancellable(async () => {
          s.compensations.requeueFailed();
          await enter('compensating', 'ops retry');
          const outcomes = await s.compensations.unwind();
          if (outcomes.every((o) => o.outcome === 'done')) markFailingStep(null);
          await settleUndos(outcomes, 'compensated', 'ops retry');
        });
        return snapshot(s.view);
      } finally {
        retrying = false;
      }
    },
    {
      validator: () => {
        if (retrying || s.state !== 'compensation_failed') throw invalidState('retry the compensation of', retrying ? 'compensating' : s.state);
      },
    },
  );

  try {
    // Hold time: reserved or committed effects are released when the POS goes quiet.
    while (!isFinalState(s.state)) {
      if (busy) {
        // A phase is running (perhaps retrying a vendor after payment for hours): wait for it
        // without arming timers, so the history does not grow while we wait.
        await condition(() => !busy || isFinalState(s.state));
        continue;
      }
      const seen = activity;
      const progressed = await condition(() => activity !== seen || busy || isFinalState(s.state), Math.max(holdExpiresAt - workflowNow(), 1));
      if (!progressed && !busy && !isFinalState(s.state) && workflowNow() >= holdExpiresAt) {
        await once('cancel', async () => {
          s.view.failureReason = `no call from the POS within ${Math.round(input.holdTimeoutMs / 1000)} s`;
          await unwind('expired', 'expire');
          return snapshot(s.view);
        });
      }
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    if (completeShielded) {
      // The sale is paid and completing: a POS cancel is refused here, and so is the operator's.
      log.warn('operator cancel ignored: the sale is paid, its complete phase runs to its end', { checkoutId: s.ref.checkoutId, state: s.state });
      await phases.complete?.catch(() => undefined);
    } else if (!isFinalState(s.state) && s.state !== 'completed') {
      // Cancelled from the Temporal UI or CLI: undo whatever is not yet final, as a POS cancel would.
      s.view.failureReason = 'cancelled by an operator';
      await unwind('cancelled', 'operator cancel');
    }
  }
  // A failed compensation is not the end: the saga waits, open and searchable, for ops to retry it
  // (or to cancel, which closes it as compensation_failed for finance to settle by hand).
  if ((s.state === 'compensation_failed' || retrying) && isPatched(Patches.opsRetry)) {
    try {
      await condition(() => s.state === 'compensated');
    } catch (err) {
      if (!isCancellation(err)) throw err;
      log.warn('closed by an operator while compensation_failed', { checkoutId: s.ref.checkoutId });
    }
  }
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  return s.view;
}
