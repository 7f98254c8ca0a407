import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  setHandler,
  sleep,
  upsertSearchAttributes,
  allHandlersFinished,
  workflowInfo,
} from '@temporalio/workflow';
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
import { commitInLevels } from './commit-levels';
import { completeInLevels } from './complete-levels';
import { loggedStep, type CompensationOutcome } from './compensation-stack';
import { checkoutFailed, describeFailure, invalidState, phaseConflict } from './failures';
import { LocalFirstSteps, step, valueOf } from './local-first';
import { reserveInLevels } from './reserve-levels';
import { SagaState } from './saga-state';
import { oneShotPhaseDeadline } from './till-deadline';
import { FirstPhaseArgs, requireState, snapshot } from './update-guards';
import { workflowNow } from './workflow-clock';
import { isPatched, Patches } from './workflow-patches';

type PhaseName = 'reserve' | 'commit' | 'complete' | 'cancel' | 'oneShot';

/** What an operator's cancel (a Temporal cancellation) leaves in the view. */
const OPERATOR_CANCEL_REASON = 'cancelled by an operator';

/**
 * Checkout saga v2: the same phases, Updates, answers and undo rules as checkoutWorkflow (v1), but
 * every vendor step and transition record runs as a local activity in barrier groups
 * (local-first.ts), so a one-shot checkout is one workflow task: no activity tasks, one
 * search-attribute upsert, a couple of dozen history events. A step that outlasts its local budget
 * continues as a regular activity (pending in the Temporal UI, resettable by ops); undos stay
 * regular activities. A phase always runs to its end: an operator's cancel is acted on after it (a
 * one-shot's whole chain), and the POS's other calls reach the saga when the running workflow task
 * ends, or are refused as busy while a step runs as a regular activity. No patched() yet: a change
 * to this type's commands gets a patch at workflow start, or a new type.
 * A re-run of a workflow task (a worker killed mid-group) re-runs its local activities: each one
 * answers from its own recorded result first (activities/remembered-steps.ts), so reads do not see
 * the sale's own effects and a step that answered is not sent again; one whose answer was lost goes
 * through its effect intent and lookup, as in v1.
 */
export async function checkoutWorkflowV2(input: CheckoutInput): Promise<CheckoutView> {
  const s = new SagaState(input, workflowInfo().firstExecutionRunId);
  let busy = false;
  let activity = 0;
  let holdExpiresAt = workflowNow() + input.holdTimeoutMs;
  /** The one-shot chain is driving the sale (between its phases too). */
  let driving = false;
  const phases: Partial<Record<PhaseName, Promise<unknown>>> = {};

  // Search attributes go in one upsert when the workflow task can end (a wait, a regular activity,
  // the end), never while a group runs: CheckoutVendors is set at start by the API.
  let pendingAttributes: { state?: CheckoutState; failingStep?: string | null } = {};
  const flushSearchAttributes = () => {
    const { state, failingStep } = pendingAttributes;
    pendingAttributes = {};
    const updates = [
      ...(state !== undefined ? [{ key: SearchAttributes.state, value: state }] : []),
      // Without a coupon's code: search attributes are kept in clear. A value is not part of replay's
      // determinism check (the same upsert command), so no patched(): test/histories/*/compensation-failed,
      // recorded with the code, replay.
      ...(failingStep !== undefined ? [{ key: SearchAttributes.failingStep, value: failingStep === null ? null : loggedStep(failingStep) }] : []),
    ];
    if (updates.length > 0) upsertSearchAttributes(updates);
  };

  const steps = new LocalFirstSteps({ beforeRegularActivities: flushSearchAttributes });

  let transitions = 0;
  const enter = async (state: CheckoutState, stepName: string) => {
    transitions += 1;
    const seq = transitions;
    s.state = state;
    s.view.state = state;
    pendingAttributes.state = state;
    const [recorded] = await steps.group('bookkeeping', [
      step('recordCheckoutTransition', s.ref, { seq, state, step: stepName, totalMinor: input.totalMinor, view: s.view }),
    ]);
    valueOf(recorded);
  };

  /** Lands in `target` when every undo was done, or in compensation_failed (ops must act) when one failed. */
  const settleUndos = async (outcomes: CompensationOutcome[], target: CheckoutState, stepName: string) => {
    s.view.compensations.push(...outcomes);
    const failed = outcomes.filter((o) => o.outcome === 'failed');
    if (failed.length > 0) {
      s.view.failureReason = failed.map((f) => `${f.step}: ${f.reason}`).join('; ');
      log.error('compensation failed: ops must act', { checkoutId: s.ref.checkoutId, failed: failed.map((f) => loggedStep(f.step)) });
      pendingAttributes.failingStep = failed[0].step;
      await enter('compensation_failed', stepName);
    } else {
      await enter(target, stepName);
    }
  };

  /** Undoes every registered effect, newest first, as regular activities; once per saga, never cancelled. */
  let unwinding: Promise<void> | undefined;
  const unwind = (target: 'cancelled' | 'expired' | 'compensated', stepName: string) =>
    (unwinding ??= CancellationScope.nonCancellable(async () => {
      if (s.compensations.size > 0) await enter('compensating', stepName);
      flushSearchAttributes();
      await settleUndos(await s.compensations.unwind(), target, stepName);
    }));

  const cancelledByOperator = () => {
    s.view.failureReason = OPERATOR_CANCEL_REASON;
    return unwind('cancelled', 'operator cancel');
  };

  /**
   * Runs a phase once, to its end: an operator's cancel never interrupts it. Not even at a barrier: a
   * re-run of the workflow task (the server refuses a completion when a cancel arrived meanwhile, or
   * the worker died) sees the cancel before the steps the lost run already took, so stopping there
   * would leave their effects with no undo registered. Re-run steps answer from their recorded
   * results, so the phase ends where it ended, and the cancel is acted on after it.
   */
  const once = <T>(name: PhaseName, run: () => Promise<T>): Promise<T> => {
    phases[name] ??= CancellationScope.nonCancellable(async () => {
      busy = true;
      try {
        return await run();
      } catch (err) {
        const rejected = err instanceof ApplicationFailure && err.type === FailureTypes.checkoutRejected;
        if (rejected) s.view.rejection = err.details?.[0] as CheckoutView['rejection'];
        else {
          s.view.failureReason = `${name} failed: ${describeFailure(err)}`;
          pendingAttributes.failingStep = name;
        }
        // After payment nothing is undone; the complete phase records its own exceptions.
        if (name !== 'complete' && !isFinalState(s.state)) await unwind('compensated', name);
        throw rejected ? err : checkoutFailed(s.view.failureReason ?? 'failed');
      } finally {
        busy = false;
        activity += 1;
      }
    });
    return phases[name] as Promise<T>;
  };

  const phaseArgs = new FirstPhaseArgs<PhaseName>();

  setHandler(checkoutView, () => s.view);

  const runReserve = (request?: ReserveRequest) =>
    once('reserve', async () => {
      s.view.quote = await reserveInLevels(s, steps, new Date(holdExpiresAt).toISOString(), request?.tillDeadline);
      await enter('reserved', 'reserve');
      return snapshot(s.view);
    });

  const runCommit = ({ tillDeadline, ...args }: CommitRequest) =>
    once('commit', async () => {
      const { spendMinor } = phaseArgs.remember('commit', args);
      holdExpiresAt = workflowNow() + input.holdTimeoutMs;
      s.view.commitment = await commitInLevels(s, steps, spendMinor, new Date(holdExpiresAt).toISOString(), tillDeadline);
      await enter('committed', 'commit');
      return snapshot(s.view);
    });

  /** Paid: complete runs to its end through an operator's cancel, which it ignores (nothing is undone after payment). */
  const runComplete = (args: { paidMinor?: number; method?: string }) => {
    // An operator's cancel that got in first is already unwinding the sale.
    if (unwinding && !phases.complete) return Promise.reject(invalidState('complete', 'compensating'));
    return once('complete', async () => {
      const { paidMinor, method } = phaseArgs.remember('complete', args);
      s.view.receipt = await completeInLevels(s, steps, paidMinor, method);
      await enter('completed', 'complete');
      return snapshot(s.view);
    });
  };

  // A phase the POS calls arrives in a workflow task of its own (a one-shot's chain runs on in one).
  const called =
    <A extends unknown[], R>(run: (...args: A) => R) =>
    (...args: A): R => {
      steps.newWorkflowTask();
      return run(...args);
    };

  setHandler(reserveCheckout, called(runReserve), { validator: (_request: ReserveRequest) => requireState(s.state, ['pending'], 'reserve', phases.reserve) });

  setHandler(commitCheckout, called(runCommit), {
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
   * One-shot: the workflow drives the sale to its end from wherever it stands (v1's rule). The till
   * has been paid for a one-shot, so an operator's cancel waits for the whole chain (which ends
   * completed, or unwound by a refusal or failure before payment).
   */
  const runOneShot = () =>
    (phases.oneShot ??= (async () => {
      driving = true;
      try {
        // A till's deadline for the whole one-shot: reserve and commit each take a share of what is left.
        if (s.state === 'pending') await runReserve({ tillDeadline: oneShotPhaseDeadline(input.tillDeadline, 'reserve', steps.now()) });
        if (s.state === 'reserved') await runCommit({ tillDeadline: oneShotPhaseDeadline(input.tillDeadline, 'commit', steps.now()) });
        if (s.state === 'committed') return await runComplete({});
        return snapshot(s.view);
      } finally {
        driving = false;
      }
    })()) as Promise<CheckoutView>;

  // The answer carries the saga's own start memo (the request that started it), for the API's
  // idempotency checks: the server may answer a later request with this same update's result.
  const { requestId, requestHash } = workflowInfo().memo ?? {};
  const startedBy = typeof requestId === 'string' && typeof requestHash === 'string' ? { startedBy: { requestId, requestHash } } : {};
  const answerOneShot = async (): Promise<CheckoutView> => ({ ...(await runOneShot()), ...startedBy });
  setHandler(runOneShotCheckout, answerOneShot, {
    validator: (args: OneShotRequest) => {
      // Only the request that started this saga may drive it to the end (the API answers 409 to another).
      if (args?.requestHash !== workflowInfo().memo?.requestHash) throw phaseConflict('one-shot');
      if (!phases.oneShot && !phases.reserve) requireState(s.state, ['pending'], 'run one-shot', undefined, busy);
    },
  });
  // Started for a one-shot: the sale is driven from here, whether or not the Update reaches this run.
  if (input.oneShot) void runOneShot().catch(() => undefined);

  setHandler(
    cancelCheckout,
    () =>
      once('cancel', async () => {
        await unwind('cancelled', 'cancel');
        return snapshot(s.view);
      }),
    { validator: () => requireState(s.state, ['pending', 'reserved', 'committed'], 'cancel', phases.cancel, busy) },
  );

  /** Ops retry of a saga in compensation_failed: v1's rule (checkout.workflow.ts says why not a reset). */
  let retrying = false;
  setHandler(
    retryCompensation,
    async () => {
      retrying = true;
      try {
        await CancellationScope.nonCancellable(async () => {
          s.compensations.requeueFailed();
          await enter('compensating', 'ops retry');
          flushSearchAttributes();
          const outcomes = await s.compensations.unwind();
          if (outcomes.every((o) => o.outcome === 'done')) pendingAttributes.failingStep = null;
          await settleUndos(outcomes, 'compensated', 'ops retry');
          // The saga's wait for a retry does not flush: a retry that failed again would stay `compensating`.
          if (isPatched(Patches.failedRetryShown)) flushSearchAttributes();
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
        await condition(() => !busy || isFinalState(s.state));
        continue;
      }
      flushSearchAttributes();
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
    await CancellationScope.nonCancellable(async () => {
      // The running phase (or one-shot chain) ends first; then whatever is not final is undone.
      await condition(() => !busy && !driving);
      if (phases.complete) {
        log.warn('operator cancel ignored: the sale is paid, its complete phase runs to its end', { checkoutId: s.ref.checkoutId, state: s.state });
        await phases.complete.catch(() => undefined);
      } else if (!isFinalState(s.state)) await cancelledByOperator();
    });
  }
  // A failed compensation is not the end: the saga waits, open and searchable, for ops to retry it
  // (or to cancel, which closes it as compensation_failed for finance to settle by hand).
  if (s.state === 'compensation_failed' || retrying) {
    try {
      flushSearchAttributes();
      await condition(() => s.state === 'compensated');
    } catch (err) {
      if (!isCancellation(err)) throw err;
      log.warn('closed by an operator while compensation_failed', { checkoutId: s.ref.checkoutId });
    }
  }
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  await CancellationScope.nonCancellable(async () => {
    // Undos of steps a till's deadline cut short (till-deadline.ts) end before the saga does.
    for (const outcome of await Promise.all(s.lateUndos)) {
      s.view.compensations.push(outcome);
      if (outcome.outcome === 'failed') {
        log.error('undo of a step cut short by the till deadline failed: ops must act', { checkoutId: s.ref.checkoutId, step: loggedStep(outcome.step) });
        pendingAttributes.failingStep = outcome.step;
      }
    }
  });
  flushSearchAttributes();
  if (s.state === 'completed' && !input.oneShot) {
    // A three-call sale ends one workflow task after its complete phase: a completion refused because
    // an operator's cancel arrived meanwhile would lose the complete Update (and its local
    // activities' results) and leave a paid sale to be unwound. A one-shot re-drives itself instead.
    await CancellationScope.nonCancellable(() => sleep(1));
  }
  return s.view;
}
