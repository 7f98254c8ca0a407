import { createHash } from 'node:crypto';
import {
  type Client,
  ServiceError,
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { stringify } from 'safe-stable-stringify';
import { answerByDeadline, answerDeadline } from './answer-by-deadline';
import type { TillDeadline } from '../../workflows/till-deadline';
import { SagaRefusal } from './saga-refusal';
import type { CheckoutAnswerStore } from './stored-checkout-answers';
import { BUSY_STATE, FailureTypes, SearchAttributes, vendorsOf, type CheckoutInput, type CheckoutView, type InvalidStateDetails } from '../../workflows/checkout.contract';
import { cancelCheckout, checkoutView, commitCheckout, completeCheckout, reserveCheckout, runOneShotCheckout } from '../../workflows/checkout.messages';
import { CHECKOUT_V2_WORKFLOW_TASK_TIMEOUT } from '../../workflows/activity-options';
import { checkoutWorkflowV2 } from '../../workflows/checkout-v2.workflow';

/** What a phase call came to: the saga's view, and whether it was refused, failed or is still running. */
export interface PhaseOutcome {
  view: CheckoutView;
  /** A vendor refused the checkout (unknown customer): 422, the same on every retry. */
  rejected: boolean;
  /** A vendor kept failing and everything was undone: 502, the same on every retry. */
  failed: boolean;
  /** The phase was still running when the API stopped waiting: the POS gets 202 and polls. */
  pending: boolean;
}

/** One rule for every answer, first call or retry: the view decides. */
export function outcomeOf(view: CheckoutView, pending = false): PhaseOutcome {
  const rejected = Boolean(view.rejection);
  const failed = !rejected && Boolean(view.failureReason) && ['compensating', 'compensated', 'compensation_failed'].includes(view.state);
  return { view, rejected, failed, pending };
}

type Phase = 'commit' | 'complete' | 'cancel';

/** Where the client starts sagas and how long a caller waits for a phase's answer. */
export interface CheckoutSagaClientOptions {
  taskQueue: string;
  /** After this the phase answers with the view so far, `pending` (the API's 202). */
  answerTimeoutMs: number;
  /**
   * Ended checkouts as Postgres keeps them: a start for one of them is answered from there and starts
   * nothing, after Temporal's retention too (stored-checkout-answers.ts). Without it, Temporal alone decides.
   */
  endedCheckouts?: CheckoutAnswerStore;
}

/**
 * The one door to checkout sagas, for the API and the batch activity alike: starts them with
 * Update-with-Start, drives them with Updates (update ids name the phase and its arguments, so a POS
 * retry of a phase gets the first answer), and turns Temporal's failures into outcomes or typed
 * refusals (SagaRefusal). No framework: the API wraps it in a Nest provider, the worker builds one
 * from its own client.
 */
export class CheckoutSagaClient {
  constructor(
    private readonly temporal: Client,
    private readonly options: CheckoutSagaClientOptions,
  ) {}

  /** When the caller stops waiting and answers 202: one deadline for all phases of a request. */
  answerDeadline(): number {
    return answerDeadline(this.options);
  }

  /**
   * Starts (or re-attaches to) the saga with its first Update: `reserve`, or with `oneShot` the whole
   * sale in one Update the workflow drives to its end (so it completes even when the API stops
   * waiting). The memo comes back so the caller can tell a retry from another sale reusing the key.
   */
  async reserve(
    input: CheckoutInput,
    memo: Record<string, string>,
    deadline = this.answerDeadline(),
    options: { oneShot?: boolean; tillDeadline?: TillDeadline } = {},
  ): Promise<{ outcome: PhaseOutcome; memo: Record<string, unknown> }> {
    // An ended checkout is answered as it ended (or its key refused for another body by the caller),
    // whether or not Temporal still holds its saga.
    const ended = await this.options.endedCheckouts?.findEnded(input.checkoutId);
    if (ended) return { outcome: outcomeOf(ended.view), memo: { requestHash: ended.requestHash, currency: ended.currency } };
    // The saga keeps the request's fingerprint in its projection row (CheckoutRef.requestHash).
    const started: CheckoutInput = {
      ...input,
      ...(memo.requestHash && { requestHash: memo.requestHash }),
      // A one-shot drives itself from its start: its till deadline rides in the input.
      ...(options.oneShot && options.tillDeadline && { tillDeadline: options.tillDeadline }),
    };
    // Only v2 is started; v1 sagas already running finish on v1 (their handles are typed alike).
    // A fresh operation per try: an operation is used once (a retried send needs its own).
    const start = () => new WithStartWorkflowOperation(checkoutWorkflowV2, {
      workflowId: input.checkoutId,
      taskQueue: this.options.taskQueue,
      args: [options.oneShot ? { ...started, oneShot: true } : started],
      workflowTaskTimeout: CHECKOUT_V2_WORKFLOW_TASK_TIMEOUT,
      // A running saga with this id is the same checkout: attach to it. A closed one never runs again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo,
      typedSearchAttributes: [
        { key: SearchAttributes.merchant, value: input.merchant },
        { key: SearchAttributes.store, value: input.store },
        { key: SearchAttributes.till, value: input.till },
        { key: SearchAttributes.state, value: 'pending' },
        // Set here, once: the saga upserts only its state (and failing step) as it goes.
        { key: SearchAttributes.vendors, value: vendorsOf(input) },
      ],
    });
    const handle = () => this.temporal.workflow.getHandle<typeof checkoutWorkflowV2>(input.checkoutId);
    let outcome: PhaseOutcome;
    let answeredByTheSaga = false;
    try {
      // Accepted by the saga, or the till's deadline first (a cold or busy worker): 202 then, and the
      // saga still runs the update it was given.
      const accepted = withLostAnswerRetries(() =>
        options.oneShot
          ? this.temporal.workflow.startUpdateWithStart(runOneShotCheckout, {
              startWorkflowOperation: start(),
              args: [{ requestHash: memo.requestHash ?? '' }],
              updateId: 'one-shot',
              waitForStage: 'ACCEPTED',
            })
          : this.temporal.workflow.startUpdateWithStart(reserveCheckout, {
              startWorkflowOperation: start(),
              args: [{ ...(options.tillDeadline && { tillDeadline: options.tillDeadline }) }],
              updateId: 'reserve',
              waitForStage: 'ACCEPTED',
            }),
        deadline,
      );
      const update = await answerByDeadline(accepted, deadline);
      outcome = update ? await this.answerBy(handle(), update.result(), deadline) : outcomeOf(await this.viewSoFar(handle()), true);
      answeredByTheSaga = !outcome.pending;
    } catch (err) {
      if (options.oneShot && isPhaseConflict(err)) {
        // Another sale already holds this checkout key: the memo tells the caller (409), nothing ran.
        const description = await handle().describe();
        return { outcome: outcomeOf({ checkoutId: input.checkoutId, state: 'pending', compensations: [] }), memo: description.memo ?? {} };
      }
      outcome = await this.outcomeOfFailure(handle(), err, 'reserve');
    }
    // A v2 one-shot's answer carries the saga's start memo (the request that started it): no
    // describe() needed. Any other answer (reserve, a v1 saga, a 202) asks Temporal for the memo.
    const { startedBy, ...view } = outcome.view;
    if (options.oneShot && answeredByTheSaga && startedBy) return { outcome: { ...outcome, view }, memo: startedBy };
    if (outcome.pending) {
      // Past the till's deadline already: the saga's memo if Temporal answers at once, else this
      // request's own (a 202; a retry of it is answered, or refused, once the saga is there).
      try {
        const description = await this.temporal.connection.withDeadline(Date.now() + VIEW_SO_FAR_MS, () => handle().describe());
        return { outcome: { ...outcome, view }, memo: description.memo ?? memo };
      } catch {
        return { outcome: { ...outcome, view }, memo };
      }
    }
    const description = await handle().describe();
    return { outcome: { ...outcome, view }, memo: description.memo ?? {} };
  }

  async drive(
    checkoutId: string,
    phase: Phase,
    args: { spendMinor?: number; paidMinor?: number; method?: string } = {},
    deadline = this.answerDeadline(),
    tillDeadline?: TillDeadline,
  ): Promise<PhaseOutcome> {
    const handle = this.temporal.workflow.getHandle<typeof checkoutWorkflowV2>(checkoutId);
    // The update id names the phase and its arguments: a POS retry of the same call is answered
    // from the first, a call with other arguments reaches the workflow, which refuses it (409).
    const updateId = `${phase}:${createHash('sha256').update(stringify(args) ?? '').digest('hex').slice(0, 16)}`;
    try {
      // A lost answer (the update lost with a workflow task, the connection dropped) is sent again
      // with the same update id: the saga runs the phase once and answers both.
      const accepted = withLostAnswerRetries(
        () =>
          phase === 'commit'
            ? handle.startUpdate(commitCheckout, { args: [{ spendMinor: args.spendMinor, ...(tillDeadline && { tillDeadline }) }], updateId, waitForStage: 'ACCEPTED' })
            : phase === 'complete'
              ? handle.startUpdate(completeCheckout, { args: [{ paidMinor: args.paidMinor, method: args.method }], updateId, waitForStage: 'ACCEPTED' })
              : handle.startUpdate(cancelCheckout, { updateId, waitForStage: 'ACCEPTED' }),
        deadline,
      );
      const update = await answerByDeadline(accepted, deadline);
      return update ? await this.answerBy(handle, update.result(), deadline) : outcomeOf(await this.viewSoFar(handle), true);
    } catch (err) {
      return this.outcomeOfFailure(handle, err, phase);
    }
  }

  /** The phase's answer, or at the deadline (a vendor retried after payment, say) the view so far: 202. */
  private async answerBy(handle: WorkflowHandle<typeof checkoutWorkflowV2>, result: Promise<CheckoutView>, deadline: number): Promise<PhaseOutcome> {
    const view = await answerByDeadline(result, deadline);
    return view ? outcomeOf(view) : outcomeOf(await this.viewSoFar(handle), true);
  }

  /**
   * The view for a 202, asked of the saga for at most VIEW_SO_FAR_MS: a query waits for a busy
   * workflow task, and the till's deadline has already come. Past it, the view says only "pending".
   */
  private async viewSoFar(handle: WorkflowHandle<typeof checkoutWorkflowV2>): Promise<CheckoutView> {
    try {
      return await this.temporal.connection.withDeadline(Date.now() + VIEW_SO_FAR_MS, () => handle.query(checkoutView));
    } catch {
      return { checkoutId: handle.workflowId, state: 'pending', compensations: [] };
    }
  }

  async view(checkoutId: string): Promise<CheckoutView | undefined> {
    try {
      return await this.temporal.workflow.getHandle(checkoutId).query(checkoutView);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  async memo(checkoutId: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.temporal.workflow.getHandle(checkoutId).describe()).memo ?? {};
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** Refusals are answers; a wrong-state call is a SagaRefusal; a closed saga answers with its final view. */
  private async outcomeOfFailure(handle: WorkflowHandle<typeof checkoutWorkflowV2>, err: unknown, phase: string): Promise<PhaseOutcome> {
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure) {
      if (cause.type === FailureTypes.checkoutRejected || cause.type === FailureTypes.checkoutFailed) {
        // The saga refused or failed and has unwound before answering: its view is final. Queried, not
        // awaited as the result: a saga in compensation_failed stays open for ops (it has no result yet).
        return outcomeOf(await handle.query(checkoutView));
      }
      if (cause.type === FailureTypes.phaseConflict) throw new SagaRefusal('phase-conflict', phase, handle.workflowId, cause.message);
      // "busy" passes once the running step ends (a cancel during a commit): the caller may retry shortly.
      if (cause.type === FailureTypes.invalidState) {
        throw new SagaRefusal(isBusy(cause) ? 'busy' : 'invalid-state', phase, handle.workflowId, cause.message);
      }
    }
    if (err instanceof WorkflowExecutionAlreadyStartedError || isClosedWorkflowError(err)) {
      // The saga has ended. A POS retry of a phase it finished gets that phase's answer again;
      // any other call is refused with the state the checkout ended in.
      const view = (await handle.result()) as CheckoutView;
      const outcome = outcomeOf(view);
      if (outcome.rejected || outcome.failed || phaseAnswered(view, phase)) return outcome;
      throw new SagaRefusal('invalid-state', phase, handle.workflowId, `the checkout is ${view.state}`);
    }
    if (err instanceof WorkflowNotFoundError) throw new SagaRefusal('not-found', phase, handle.workflowId, `checkout ${handle.workflowId} does not exist`);
    throw err;
  }
}

/** Read from the failure's details (a worker from before the `busy` flag names only the state). */
function isBusy(failure: ApplicationFailure): boolean {
  const details = (failure.details?.[0] ?? {}) as Partial<InvalidStateDetails>;
  return details.busy === true || details.state === BUSY_STATE;
}

function isPhaseConflict(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === FailureTypes.phaseConflict;
}

function isClosedWorkflowError(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError && /already completed/i.test(err.message);
}

function phaseAnswered(view: CheckoutView, phase: string): boolean {
  if (phase === 'reserve') return true;
  if (phase === 'commit') return view.commitment !== undefined;
  if (phase === 'complete') return view.receipt !== undefined;
  return ['cancelled', 'expired', 'compensated', 'compensation_failed'].includes(view.state);
}

/** How long a 202's view may be asked of the saga, past the till's deadline. */
const VIEW_SO_FAR_MS = 300;

/** How many times a lost Update (or Update-with-Start) answer is sent again with the same ids. */
const LOST_ANSWER_RETRIES = 2;

/**
 * Sends an Update (or Update-with-Start) again when its answer was lost on the way (the connection
 * dropped, the frontend timed out, or the update was aborted with the workflow task that carried it):
 * the same workflow id (USE_EXISTING) and update id attach to the same saga and update, never a
 * second one.
 * Answers from the saga (refusals, conflicts, a closed saga) are not retried.
 */
export async function withLostAnswerRetries<T>(send: () => Promise<T>, deadline: number, retries = LOST_ANSWER_RETRIES): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (err) {
      // Past the caller's deadline the API answers with what it has (a 503 the till retries) instead.
      if (attempt >= retries || Date.now() >= deadline || !isLostAnswer(err)) throw err;
    }
  }
}

/** gRPC statuses of an answer lost in transit (CANCELLED 1, DEADLINE_EXCEEDED 4, ABORTED 10, UNAVAILABLE 14). */
const LOST_ANSWER_CODES = new Set([1, 4, 10, 14]);

function isLostAnswer(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (!(err instanceof ServiceError)) return false;
  return isGrpcServiceError(err.cause) && LOST_ANSWER_CODES.has(err.cause.code);
}
