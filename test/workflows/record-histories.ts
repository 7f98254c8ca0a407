import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { createAuditCheckpointActivities } from '../../activities/audit-checkpoint.activities';
import type { createAuditSealActivities } from '../../activities/audit-seal.activities';
import type { createCheckoutBatchActivities } from '../../activities/checkout-batch.activities';
import type { createReturnActivities } from '../../activities/checkout-return.activities';
import type { createVoidActivities } from '../../activities/checkout-void.activities';
import type { createProductSyncActivities } from '../../activities/product-sync.activities';
import { vendorRejection, vendorUnavailable } from '../../activities/vendors/vendor-errors';
import { originalSaleOf, type AfterSaleStart } from '../../core/checkouts/after-sale';
import { auditCheckpointWorkflow } from '../../workflows/audit-checkpoint.workflow';
import { auditSealWorkflow } from '../../workflows/audit-seal.workflow';
import { capillaryValidationCodeWorkflow } from '../../workflows/capillary-validation-code.workflow';
import { capillaryRetroTagWorkflow } from '../../workflows/capillary-retro.workflow';
import type { createRetroTagActivities } from '../../activities/capillary-retro.activities';
import type { createValidationCodeActivities } from '../../activities/capillary-validation-code.activities';
import { checkoutBatchWorkflowId } from '../../workflows/checkout-batch.contract';
import { checkoutBatchWorkflow } from '../../workflows/checkout-batch.workflow';
import {
  ReturnFailureTypes,
  returnCheckout,
  returnsWorkflowId,
  returnUpdateId,
  type ReturnRequest,
} from '../../workflows/checkout-returns.contract';
import { checkoutReturnsWorkflow } from '../../workflows/checkout-returns.workflow';
import type { CheckoutInput, CheckoutState, CheckoutView } from '../../workflows/checkout.contract';
import { cancelCheckout, checkoutView, commitCheckout, completeCheckout, reserveCheckout, retryCompensation, runOneShotCheckout } from '../../workflows/checkout.messages';
import { checkoutWorkflow } from '../../workflows/checkout.workflow';
import { checkoutWorkflowV2 } from '../../workflows/checkout-v2.workflow';
import { productSyncWorkflowId, type ProductSyncInput } from '../../workflows/product-sync.contract';
import { productSyncWorkflow } from '../../workflows/product-sync.workflow';
import { voidCheckoutWorkflow, voidWorkflowId } from '../../workflows/void-checkout.workflow';
import { testTemporalAddress } from '../support/test-env';
import { quietTemporalRuntime } from '../support/test-stack';
import { checkoutInput, happyActivities, type Activities as CheckoutActivities } from './checkout-saga.harness';
import { HISTORY_FOLDERS, historyFile, type WorkflowType } from './history-folders';

/*
 * Records test/histories/<folder>/<path>.history.pb for every path of every workflow type the worker
 * registers, on today's workflow code, against the suite's Temporal dev server with mocked
 * activities. Not part of `npm test`: `npm run record-histories` (all of them) or
 * `npm run record-histories -- -t 'void'` (one type or one path). Record before changing a workflow;
 * re-record only along with a patched() guard, or for a new workflow type or path.
 * replay.test.ts replays whatever these folders hold.
 */

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;

beforeAll(async () => {
  quietTemporalRuntime();
  [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createFromExistingServer({ address: testTemporalAddress() }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: Runtime.instance().logger }),
  ]);
});
afterAll(() => env?.teardown());

/** One recording: a task queue of its own, polled by a worker with the path's mocked activities. */
interface Recording {
  client: Client;
  taskQueue: string;
  withWorker<T>(activities: object, scenario: () => Promise<T>): Promise<T>;
}

/** Runs `run` and writes the history of the workflow whose handle it returns (open or closed). */
async function record(type: WorkflowType, name: string, run: (r: Recording) => Promise<WorkflowHandle>): Promise<void> {
  const taskQueue = `record-${randomUUID()}`;
  const handle = await run({
    client: env.client,
    taskQueue,
    async withWorker(activities, scenario) {
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
      return worker.runUntil(scenario());
    },
  });
  const history = await handle.fetchHistory();
  expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe(type);
  const file = historyFile(HISTORY_FOLDERS[type], name);
  mkdirSync(path.dirname(file), { recursive: true });
  // Protobuf binary, as replay.test.ts reads it (protobufjs's JSON codec fails inside Jest's module registry).
  writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
}

const refusal = (vendor: string, code: string, reason: string) => async (): Promise<never> => {
  throw vendorRejection({ vendor, code, reason });
};

// ---- checkoutWorkflow: the paths checkout.workflow.test.ts and checkout-one-shot drive ----

interface Saga {
  client: Client;
  taskQueue: string;
  input: CheckoutInput;
  handle: WorkflowHandle<typeof checkoutWorkflow>;
  /** Which checkout workflow type the path records: the same paths run on both. */
  type: 'checkoutWorkflow' | 'checkoutWorkflowV2';
}
type Step = (saga: Saga) => Promise<unknown>;

/** Starts the saga as the API does; `memo` (the one-shot's request hash) only for a one-shot. */
const startCheckout = ({ input, taskQueue, type }: Saga, memo?: Record<string, string>) =>
  new WithStartWorkflowOperation(type === 'checkoutWorkflowV2' ? checkoutWorkflowV2 : checkoutWorkflow, {
    workflowId: input.checkoutId,
    taskQueue,
    // As the API starts them: a v2 saga started for a one-shot drives itself (CheckoutInput.oneShot).
    args: [type === 'checkoutWorkflowV2' && memo ? { ...input, oneShot: true as const } : input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...(memo && { memo }),
  });
const reserve: Step = (s) => s.client.workflow.executeUpdateWithStart(reserveCheckout, { updateId: 'reserve', startWorkflowOperation: startCheckout(s) });
const oneShot: Step = (s) =>
  s.client.workflow.executeUpdateWithStart(runOneShotCheckout, {
    updateId: 'one-shot',
    args: [{ requestHash: 'h1' }],
    startWorkflowOperation: startCheckout(s, { requestHash: 'h1' }),
  });
const commit = (updateId = 'commit'): Step => (s) => s.handle.executeUpdate(commitCheckout, { args: [{}], updateId });
const complete = (updateId = 'complete'): Step => (s) => s.handle.executeUpdate(completeCheckout, { args: [{}], updateId });
const cancel: Step = (s) => s.handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
const opsRetry = (updateId = 'ops-retry-1'): Step => (s) => s.handle.executeUpdate(retryCompensation, { updateId });
const opsCancel: Step = (s) => s.handle.cancel();
const result: Step = (s) => s.handle.result();
/** A step the saga (or Temporal, once the saga has ended) refuses; the path goes on. */
const refused = (step: Step): Step => async (s) => {
  await expect(step(s)).rejects.toThrow();
};

interface CheckoutPath {
  name: string;
  input?: Partial<CheckoutInput>;
  activities?: Partial<CheckoutActivities>;
  steps: Step[];
  /** Where the path leaves the saga (checked before the history is written). */
  ends: CheckoutState[];
}

const oneCoupon = { coupons: [{ provider: 'coupontools' as const, code: 'CT1' }] };
/** Points redeemed at commit (an org that allows their reversal): the paths about a redemption before payment. */
const pointsBeforePayment = { points: { ...checkoutInput().points!, redeemBeforePayment: true as const } };
const slow = <T>(ms: number, value: T) => async () => {
  await sleep(ms);
  return value;
};

/** The Coupontools unlock is refused until ops retry: the undo that failed runs again, and only it. */
function compensationFailedRetried(): CheckoutPath {
  let refusing = true;
  return {
    name: 'compensation-failed-retried',
    input: { points: undefined, spend: undefined },
    activities: {
      releaseCoupon: async (_ref, provider) => {
        if (refusing && provider === 'coupontools') throw vendorRejection({ vendor: 'coupontools', code: 'CT_DOWN', reason: 'unlock refused' });
      },
    },
    steps: [reserve, commit(), cancel, refused(complete()), async (s) => {
      refusing = false;
      return opsRetry()(s);
    }, result],
    ends: ['compensated'],
  };
}

/**
 * An operator cancels (Temporal cancellation: the ops API's "Cancel one") while the complete phase,
 * after payment, retries CMC (down until the cancel is sent): the paid sale completes all the same
 * (Patches.completeSurvivesOperatorCancel; before-patches/ holds this path recorded before it).
 */
function operatorCancelDuringComplete(): CheckoutPath {
  let cmcDown = true;
  let attempts = 0;
  return {
    name: 'operator-cancel-during-complete',
    activities: {
      sendPostTender: async () => {
        attempts += 1;
        if (cmcDown) throw vendorUnavailable('cmc', '503 Service Unavailable');
        return { vendorTransactionId: 'CMC1', sessionId: 'S' };
      },
    },
    steps: [reserve, commit(), async (s) => {
      const completing = complete()(s).catch(() => undefined);
      while (attempts < 2) await sleep(50);
      await opsCancel(s);
      cmcDown = false;
      await completing;
    }, result],
    ends: ['completed'],
  };
}

const checkoutPaths: CheckoutPath[] = [
  { name: 'completed', steps: [reserve, commit(), complete(), result], ends: ['completed'] },
  { name: 'one-shot-completed', steps: [oneShot, oneShot, result], ends: ['completed'] },
  {
    name: 'reserve-refusals-then-cancel',
    input: { coupons: [{ provider: 'coupontools', code: 'USED' }] },
    activities: {
      lookUpCoupon: async (_r, _p, code) => ({ code, redeemable: false, refusal: { code: '514', reason: 'This coupon was already used' } }),
      checkPoints: async () => ({ redeemable: false, points: 100, valueMinor: 0, refusal: { code: '803', reason: 'Not enough points' } }),
    },
    steps: [reserve, cancel],
    ends: ['cancelled'],
  },
  {
    // A coupon whose lookup gives no discount value (Patches.couponWithoutValue; before-patches/ holds
    // this path recorded before it, when such a coupon was held, then validated after payment).
    name: 'coupon-without-value',
    input: { ...oneCoupon, points: undefined },
    activities: { lookUpCoupon: async (_r, _p, code) => ({ code, redeemable: true }) },
    steps: [reserve, commit(), complete(), result],
    ends: ['completed'],
  },
  {
    name: 'customer-rejected',
    activities: { identifyCustomer: refusal('crmcom', 'NotFoundAPIValueException', 'Rewards participant not found') },
    steps: [refused(reserve), result],
    ends: ['compensated'],
  },
  { name: 'cancel-after-commit', steps: [reserve, commit(), cancel, cancel, result], ends: ['cancelled'] },
  {
    name: 'commit-failed-compensated',
    input: { coupons: [] },
    activities: { submitLoyaltyPurchase: async () => Promise.reject(vendorUnavailable('crmcom', 'no answer within 5000 ms')) },
    steps: [reserve, refused(commit()), result],
    ends: ['compensated'],
  },
  {
    name: 'compensation-failed',
    input: { points: undefined, customer: undefined, spend: undefined },
    activities: { releaseCoupon: refusal('coupontools', 'CT_DOWN', 'unlock refused') },
    // compensation_failed stays open for ops: an ops cancel closes it as it is.
    steps: [reserve, cancel, opsCancel, result],
    ends: ['compensation_failed'],
  },
  compensationFailedRetried(),
  operatorCancelDuringComplete(),
  { name: 'expired', input: { holdTimeoutMs: 1500, points: undefined }, steps: [reserve, result], ends: ['expired'] },
  {
    name: 'invalid-state-and-retries',
    steps: [reserve, refused(complete('early')), commit(), commit('commit-retry'), cancel, refused(complete())],
    ends: ['cancelled'],
  },
  {
    name: 'commit-partial-failure',
    input: { coupons: [], ...pointsBeforePayment },
    activities: {
      submitLoyaltyPurchase: async () => Promise.reject(vendorUnavailable('crmcom', 'ECONNREFUSED')),
      redeemPoints: slow(1500, { redemptionId: 'R9', points: 100, valueMinor: 100 }),
    },
    steps: [reserve, refused(commit()), result],
    ends: ['compensated'],
  },
  {
    name: 'points-refused-then-cancel',
    input: { coupons: [], ...pointsBeforePayment },
    activities: { redeemPoints: refusal('capillary', '803', 'Not enough points') },
    steps: [reserve, commit(), cancel],
    ends: ['cancelled'],
  },
  {
    name: 'operator-cancel-mid-commit',
    activities: { submitLoyaltyPurchase: slow(1000, { purchaseNumber: '111', awardedMinor: 10, automaticSpendMinor: 0 }) },
    steps: [reserve, async (s) => {
      const committing = commit()(s).catch(() => undefined);
      await sleep(300);
      await opsCancel(s);
      await committing;
    }, result],
    ends: ['cancelled', 'compensated'],
  },
  {
    // After payment, after the bill: Capillary refuses the points (an exception on the receipt, the sale stands).
    name: 'points-refused-after-payment',
    activities: { redeemPoints: refusal('capillary', '803', 'Not enough points') },
    steps: [reserve, commit(), complete(), result],
    ends: ['completed'],
  },
  // The same path twice, as the workflow tests record it: a paid sale whose Coupontools validation is
  // refused (one test reads the exception off the receipt, the other the unlock that follows).
  ...['complete-exception', 'complete-validate-refused'].map((name) => ({
    name,
    input: oneCoupon,
    activities: { redeemCoupon: refusal('coupontools', '514', 'already validated elsewhere') },
    steps: [reserve, commit(), complete()],
    ends: ['completed' as const],
  })),
];

async function runSaga(r: Recording, input: CheckoutInput, steps: Step[], type: Saga['type'] = 'checkoutWorkflow'): Promise<Saga> {
  const saga: Saga = { client: r.client, taskQueue: r.taskQueue, input, type, handle: r.client.workflow.getHandle<typeof checkoutWorkflow>(input.checkoutId) };
  for (const step of steps) await step(saga);
  return saga;
}

describe(`checkoutWorkflow → test/histories/${HISTORY_FOLDERS.checkoutWorkflow}`, () => {
  it.each(checkoutPaths)('$name', async (p) => {
    await record('checkoutWorkflow', p.name, (r) =>
      r.withWorker({ ...happyActivities([], []), ...p.activities }, async () => {
        const { handle } = await runSaga(r, checkoutInput(p.input), p.steps);
        expect(p.ends).toContain((await handle.query(checkoutView)).state);
        return handle;
      }),
    );
  });
});

// ---- checkoutWorkflowV2: the same paths, plus what local activities add ----

/** The reference one-shot with one step answering `ms` late: its level's markers land in another order. */
const oneShotWithLateStep = (name: string, late: Partial<CheckoutActivities>): CheckoutPath => ({ name, activities: late, steps: [oneShot, result], ends: ['completed'] });

/** identifyCustomer fails `times` times: its local budget (3 tries) runs out and it goes on as a regular activity. */
function stepContinuedAsActivity(): CheckoutPath {
  let failures = 0;
  return {
    name: 'step-continued-as-activity',
    activities: {
      identifyCustomer: async () => {
        failures += 1;
        if (failures <= 3) throw vendorUnavailable('crmcom', '503 Service Unavailable');
        return { accountNumber: '400', walletBalanceMinor: 1000 };
      },
    },
    steps: [oneShot, result],
    ends: ['completed'],
  };
}

/**
 * The Coupontools unlock is still refused at the first ops retry (the saga is compensation_failed again,
 * and its search attributes say so: Patches.failedRetryShown) and done at the second.
 */
function compensationFailedRetriedTwice(): CheckoutPath {
  let refusing = true;
  return {
    name: 'compensation-failed-retried-twice',
    input: { points: undefined, customer: undefined, spend: undefined },
    activities: {
      releaseCoupon: async (_ref, provider) => {
        if (refusing && provider === 'coupontools') throw vendorRejection({ vendor: 'coupontools', code: 'CT_DOWN', reason: 'unlock refused' });
      },
    },
    steps: [
      async (s) => {
        refusing = true;
        return reserve(s);
      },
      cancel,
      opsRetry('ops-retry-1'),
      async (s) => {
        refusing = false;
        return opsRetry('ops-retry-2')(s);
      },
      result,
    ],
    ends: ['compensated'],
  };
}

const checkoutV2Paths: CheckoutPath[] = [
  ...checkoutPaths,
  oneShotWithLateStep('one-shot-identify-last', { identifyCustomer: slow(300, { accountNumber: '400', walletBalanceMinor: 1000 }) }),
  oneShotWithLateStep('one-shot-coupon-lookups-last', { lookUpCoupon: async (_r, _p, code) => slow(300, { code, redeemable: true, valueMinor: 200 })() }),
  stepContinuedAsActivity(),
  compensationFailedRetriedTwice(),
  {
    // An operator cancels while the one-shot's commit group runs: the paid sale completes (nothing undone).
    name: 'operator-cancel-mid-one-shot',
    activities: { submitLoyaltyPurchase: slow(1000, { purchaseNumber: '111', awardedMinor: 10, automaticSpendMinor: 0 }) },
    steps: [async (s) => {
      const running = oneShot(s).catch(() => undefined);
      await sleep(300);
      await opsCancel(s);
      await running;
    }, result],
    ends: ['completed'],
  },
];

describe(`checkoutWorkflowV2 → test/histories/${HISTORY_FOLDERS.checkoutWorkflowV2}`, () => {
  it.each(checkoutV2Paths)('$name', async (p) => {
    await record('checkoutWorkflowV2', p.name, (r) =>
      r.withWorker({ ...happyActivities([], []), ...p.activities }, async () => {
        const { handle } = await runSaga(r, checkoutInput(p.input), p.steps, 'checkoutWorkflowV2');
        expect(p.ends).toContain((await handle.query(checkoutView)).state);
        return handle;
      }),
    );
  });
});

// ---- the after-sale sagas start from a checkout completed on the same worker, as the API starts them ----

async function completedSale(r: Recording, overrides: Partial<CheckoutInput> = {}): Promise<AfterSaleStart> {
  const input = checkoutInput(overrides);
  const { handle } = await runSaga(r, input, [reserve, commit(), complete()]);
  const { checkoutId, merchant, store, till, posReference, currency } = input;
  return { ref: { checkoutId, merchant, store, till, posReference, currency }, view: await handle.result(), original: originalSaleOf(input) };
}

type VoidActivities = ReturnType<typeof createVoidActivities>;

const voidDone = (overrides: Partial<VoidActivities>): VoidActivities => ({
  voidCompletedPurchase: async () => ({ alreadyVoided: false }),
  returnCompletedSale: async () => ({ transactionId: 'RET1', alreadyReturned: false }),
  reverseCompletedPoints: async () => ({ alreadyReversed: false }),
  reinstateCompletedCoupon: async () => ({ alreadyReinstated: false }),
  refundPostTender: async () => ({ vendorTransactionId: 'CMCR1', sessionId: 'S' }),
  ...overrides,
});

const voidPaths: Array<{ name: string; sale?: Partial<CheckoutInput>; activities?: Partial<VoidActivities>; originalLost?: true; check(v: CheckoutView): void }> = [
  {
    name: 'all-undone',
    // Every vendor: CMC refund, Capillary coupon, bill and points, CRM.COM purchase and spend; Coupontools has no undo.
    check: (v) => expect(v.void?.exceptions.map((e) => e.code)).toEqual(['NON_COMPENSABLE']),
  },
  {
    name: 'vendor-refusal-exception',
    activities: { refundPostTender: refusal('cmc', '404', 'Transaction CMC1 was not found.') },
    check: (v) => expect(v.void?.exceptions.map((e) => `${e.vendor}:${e.code}`).sort()).toEqual(['cmc:404', 'coupontools:NON_COMPENSABLE']),
  },
  {
    name: 'coupontools-non-compensable',
    sale: { ...oneCoupon, points: undefined },
    check: (v) => expect(v.void?.nonCompensable).toEqual([{ vendor: 'coupontools', code: 'CT1' }]),
  },
  {
    name: 'original-lost',
    originalLost: true,
    check: (v) => expect(v.void?.exceptions.filter((e) => e.code === 'CUSTOMER_UNKNOWN')).toHaveLength(2),
  },
];

describe(`voidCheckoutWorkflow → test/histories/${HISTORY_FOLDERS.voidCheckoutWorkflow}`, () => {
  it.each(voidPaths)('$name', async (p) => {
    await record('voidCheckoutWorkflow', p.name, (r) =>
      r.withWorker({ ...happyActivities([], []), ...voidDone(p.activities ?? {}) }, async () => {
        const sale = await completedSale(r, p.sale);
        const input = p.originalLost ? { ref: sale.ref, view: sale.view } : sale;
        const handle = await r.client.workflow.start(voidCheckoutWorkflow, { workflowId: voidWorkflowId(sale.ref.checkoutId), taskQueue: r.taskQueue, args: [input] });
        const view = await handle.result();
        expect(view.state).toBe('voided');
        p.check(view);
        return handle;
      }),
    );
  });
});

type ReturnActivities = ReturnType<typeof createReturnActivities>;

const returnsDone: ReturnActivities = {
  returnBillPart: async (_ref, part) => ({ transactionId: `RET-${part.returnReference}`, alreadyReturned: false }),
  reversePointsPart: async () => ({ alreadyReversed: false }),
  returnGoods: async (_ref, goods) => ({ returnNumber: `G-${goods.returnReference}`, alreadyReturned: false }),
  refundPostTenderPart: async (_ref, part) => ({ vendorTransactionId: `CMC-${part.returnReference}`, sessionId: 'S' }),
};

/** A sale of two lines of two units each, 70.00 in all, through every vendor. */
const twoLineSale: Partial<CheckoutInput> = {
  totalMinor: 7000,
  lines: [
    { sku: 'A', quantity: 2, totalMinor: 2000, netMinor: 1600, vatMinor: 400 },
    { sku: 'B', quantity: 2, totalMinor: 5000, netMinor: 4000, vatMinor: 1000 },
  ],
};

/** One return as the API sends it: Update-with-Start of the checkout's returns workflow. */
function returnOf(r: Recording, sale: AfterSaleStart, req: Omit<ReturnRequest, 'requestHash'>) {
  const requestHash = `h-${req.returnReference}`;
  return r.client.workflow.executeUpdateWithStart(returnCheckout, {
    updateId: returnUpdateId(req.returnReference, requestHash),
    args: [{ ...req, requestHash }],
    startWorkflowOperation: new WithStartWorkflowOperation(checkoutReturnsWorkflow, {
      workflowId: returnsWorkflowId(sale.ref.checkoutId),
      taskQueue: r.taskQueue,
      args: [sale],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}
const refusalType = (err: unknown) => (err instanceof WorkflowUpdateFailedError ? (err.cause as { type?: string } | undefined)?.type : String(err));

type ReturnsPath = (r: Recording, sale: AfterSaleStart) => Promise<CheckoutState>;

/** `run` answers the state its last return left; every path but the full return leaves the workflow open. */
const returnsPaths: Array<{ name: string; run: ReturnsPath; ends: CheckoutState }> = [
  {
    name: 'partial-return',
    run: async (r, sale) => (await returnOf(r, sale, { returnReference: 'R1', lines: [{ sku: 'A', quantity: 2, totalMinor: 2000 }] })).return.state,
    ends: 'partially_returned',
  },
  {
    name: 'second-return',
    run: async (r, sale) => {
      await returnOf(r, sale, { returnReference: 'R1', amountMinor: 1500 });
      return (await returnOf(r, sale, { returnReference: 'R2', amountMinor: 2500 })).return.state;
    },
    ends: 'partially_returned',
  },
  {
    name: 'full-return',
    run: async (r, sale) => {
      const { state } = (await returnOf(r, sale, { returnReference: 'R1', amountMinor: 7000 })).return;
      await r.client.workflow.getHandle(returnsWorkflowId(sale.ref.checkoutId)).result();
      return state;
    },
    ends: 'returned',
  },
];

describe(`checkoutReturnsWorkflow → test/histories/${HISTORY_FOLDERS.checkoutReturnsWorkflow}`, () => {
  const activities = () => ({ ...happyActivities([], []), ...returnsDone });

  it.each(returnsPaths)('$name', async (p) => {
    await record('checkoutReturnsWorkflow', p.name, (r) =>
      r.withWorker(activities(), async () => {
        const sale = await completedSale(r, twoLineSale);
        expect(await p.run(r, sale)).toBe(p.ends);
        return r.client.workflow.getHandle(returnsWorkflowId(sale.ref.checkoutId));
      }),
    );
  });

  it('refused-return', async () => {
    // A refusal in the validator leaves no trace in history; one at the return's turn does. Two returns
    // that each fit what is left but not together reach the workflow in one task: the second is refused
    // at its turn. They are sent while no worker polls, so both are there when the next one does.
    await record('checkoutReturnsWorkflow', 'refused-return', async (r) => {
      const sale = await r.withWorker(activities(), async () => {
        const sale = await completedSale(r, twoLineSale);
        await returnOf(r, sale, { returnReference: 'R1', amountMinor: 1000 });
        return sale;
      });
      const racing = Promise.allSettled([
        returnOf(r, sale, { returnReference: 'RA', amountMinor: 4000 }),
        returnOf(r, sale, { returnReference: 'RB', amountMinor: 4000 }),
      ]);
      await sleep(1000);
      const settled = await r.withWorker(activities(), () => racing);
      expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.return.state : refusalType(s.reason))).sort()).toEqual([
        ReturnFailureTypes.refused,
        'partially_returned',
      ]);
      return r.client.workflow.getHandle(returnsWorkflowId(sale.ref.checkoutId));
    });
  });
});

// ---- batch, product sync, audit seal: one activity each, mocked ----

type BatchActivities = ReturnType<typeof createCheckoutBatchActivities>;

describe(`checkoutBatchWorkflow → test/histories/${HISTORY_FOLDERS.checkoutBatchWorkflow}`, () => {
  const paths: Array<{ name: string; saleCount: number; activities: () => BatchActivities; chunks: number }> = [
    { name: 'three-sales', saleCount: 3, chunks: 1, activities: () => ({ driveCheckoutBatchChunk: async (c) => ({ driven: c.to - c.from, notDriven: 0 }) }) },
    {
      // Two chunks at once; the second's first attempt fails (the worker lost), its retry drives it.
      name: 'two-chunks-one-retried',
      saleCount: 53,
      chunks: 2,
      activities: () => {
        let failed = false;
        return {
          driveCheckoutBatchChunk: async (c) => {
            if (c.from > 0 && !failed) {
              failed = true;
              throw new Error('14 UNAVAILABLE: connection refused');
            }
            return { driven: c.to - c.from - 1, notDriven: 1 };
          },
        };
      },
    },
  ];
  it.each(paths)('$name', async (p) => {
    await record('checkoutBatchWorkflow', p.name, (r) =>
      r.withWorker(p.activities(), async () => {
        const batchId = randomUUID();
        const handle = await r.client.workflow.start(checkoutBatchWorkflow, {
          workflowId: checkoutBatchWorkflowId('m', batchId),
          taskQueue: r.taskQueue,
          args: [{ merchant: 'm', batchId, saleCount: p.saleCount }],
        });
        expect(await handle.result()).toMatchObject({ batchId, chunks: p.chunks });
        return handle;
      }),
    );
  });
});

type ProductSyncActivities = ReturnType<typeof createProductSyncActivities>;

describe(`productSyncWorkflow → test/histories/${HISTORY_FOLDERS.productSyncWorkflow}`, () => {
  const request = (batchCount: number): ProductSyncInput => ({ kind: 'request', merchant: 'm', syncId: randomUUID(), batchCount });
  const nightly: ProductSyncInput = { kind: 'nightly', merchant: 'm' };
  const sync = (overrides: Partial<ProductSyncActivities>): ProductSyncActivities => ({
    // The second batch has one product CRM.COM did not process.
    synchroniseProductBatch: async ({ batch }) => (batch === 1 ? { processed: 499, unprocessed: 1 } : { processed: 1000, unprocessed: 0 }),
    checkProductSyncProcess: async () => ({ done: false }),
    prepareNightlyProductSync: async () => null,
    finishProductSync: async () => undefined,
    ...overrides,
  });
  const paths: Array<{ name: string; input: ProductSyncInput; activities: ProductSyncActivities; status: string }> = [
    { name: 'request-two-batches-unprocessed', input: request(2), activities: sync({}), status: 'completed_with_errors' },
    { name: 'nightly-nothing-to-sync', input: nightly, activities: sync({}), status: 'nothing_to_sync' },
    {
      name: 'nightly-resend',
      input: nightly,
      activities: sync({ prepareNightlyProductSync: async ({ syncId }) => ({ syncId, batchCount: 1 }) }),
      status: 'completed',
    },
    {
      name: 'request-batch-refused',
      input: request(2),
      activities: sync({ synchroniseProductBatch: async ({ batch }) => (batch === 1 ? refusal('crmcom', 'InvalidValueException', 'definition disabled')() : { processed: 1000, unprocessed: 0 }) }),
      status: 'failed',
    },
    {
      // CRM.COM back-office: the batch is a process, looked at on a timer until it reports (the second look).
      name: 'request-async-process',
      input: request(1),
      activities: (() => {
        let looks = 0;
        return sync({
          synchroniseProductBatch: async () => ({ processed: 0, unprocessed: 0, processId: 'proc-1' }),
          checkProductSyncProcess: async () => (++looks < 2 ? { done: false } : { done: true, processId: 'proc-1', processed: 999, unprocessed: 1 }),
        });
      })(),
      status: 'completed_with_errors',
    },
    {
      // The first batch's process cannot be verified (the activity recorded it so): the second is still sent.
      name: 'request-unverified-then-next',
      input: request(2),
      activities: sync({
        synchroniseProductBatch: async ({ batch }) => ({ processed: 0, unprocessed: 0, processId: `proc-${batch}` }),
        checkProductSyncProcess: async ({ batch, processId }) =>
          batch === 0 ? { done: true, processId, processed: 0, unprocessed: 0, unverified: 1000 } : { done: true, processId, processed: 1000, unprocessed: 0 },
      }),
      status: 'completed_unverified',
    },
  ];
  it.each(paths)('$name', async (p) => {
    await record('productSyncWorkflow', p.name, (r) =>
      r.withWorker(p.activities, async () => {
        const handle = await r.client.workflow.start(productSyncWorkflow, {
          workflowId: productSyncWorkflowId('m', p.input.kind === 'request' ? p.input.syncId : `nightly-${randomUUID()}`),
          taskQueue: r.taskQueue,
          args: [p.input],
        });
        expect((await handle.result()).status).toBe(p.status);
        return handle;
      }),
    );
  });
});

describe(`productSyncWorkflow continuing as new → test/histories/${HISTORY_FOLDERS.productSyncWorkflow}`, () => {
  // Three batches, the second a process done on its third look, and a history budget of 20 events:
  // the first run continues as new; the last run is one that started from a carried progress.
  const syncId = randomUUID();
  const input: ProductSyncInput = { kind: 'request', merchant: 'm', syncId, batchCount: 3, eventBudget: 20 };
  let looks = 0;
  const activities: ProductSyncActivities = {
    synchroniseProductBatch: async ({ batch }) => (batch === 1 ? { processed: 0, unprocessed: 0, processId: 'proc-2' } : { processed: 1000, unprocessed: 0 }),
    checkProductSyncProcess: async ({ processId }) => (++looks < 3 ? { done: false } : { done: true, processId, processed: 999, unprocessed: 1 }),
    prepareNightlyProductSync: async () => null,
    finishProductSync: async () => undefined,
  };
  let firstRunId = '';
  it('request-continued-first-run', async () => {
    await record('productSyncWorkflow', 'request-continued-first-run', (r) =>
      r.withWorker(activities, async () => {
        const handle = await r.client.workflow.start(productSyncWorkflow, { workflowId: productSyncWorkflowId('m', syncId), taskQueue: r.taskQueue, args: [input] });
        expect(await handle.result()).toMatchObject({ status: 'completed_with_errors', batchesDone: 3, processed: 2999, unprocessed: 1 });
        firstRunId = handle.firstExecutionRunId;
        return r.client.workflow.getHandle(handle.workflowId, firstRunId);
      }),
    );
  });
  it('request-continued-last-run', async () => {
    expect(firstRunId).not.toBe('');
    await record('productSyncWorkflow', 'request-continued-last-run', async (r) => {
      const last = r.client.workflow.getHandle(productSyncWorkflowId('m', syncId));
      expect((await last.describe()).runId).not.toBe(firstRunId);
      return last;
    });
  });
});

describe(`auditSealWorkflow → test/histories/${HISTORY_FOLDERS.auditSealWorkflow}`, () => {
  it('seal-one-day', async () => {
    const activities: ReturnType<typeof createAuditSealActivities> = { sealClosedAuditDays: async () => ({ merchants: 1, sealed: 1 }) };
    await record('auditSealWorkflow', 'seal-one-day', (r) =>
      r.withWorker(activities, async () => {
        const handle = await r.client.workflow.start(auditSealWorkflow, { workflowId: `audit-seal-${randomUUID()}`, taskQueue: r.taskQueue, args: [{ today: '2026-11-22', merchant: 'm' }] });
        expect(await handle.result()).toEqual({ merchants: 1, sealed: 1 });
        return handle;
      }),
    );
  });
});

describe(`auditCheckpointWorkflow → test/histories/${HISTORY_FOLDERS.auditCheckpointWorkflow}`, () => {
  it('checkpoint-every-merchant', async () => {
    const activities: ReturnType<typeof createAuditCheckpointActivities> = { checkpointAuditHeads: async () => ({ merchants: 2, heads: 7 }) };
    await record('auditCheckpointWorkflow', 'checkpoint-every-merchant', (r) =>
      r.withWorker(activities, async () => {
        const handle = await r.client.workflow.start(auditCheckpointWorkflow, { workflowId: `audit-checkpoint-${randomUUID()}`, taskQueue: r.taskQueue, args: [{}] });
        expect(await handle.result()).toEqual({ merchants: 2, heads: 7 });
        return handle;
      }),
    );
  });
});

describe(`capillaryValidationCodeWorkflow → test/histories/${HISTORY_FOLDERS.capillaryValidationCodeWorkflow}`, () => {
  const input = { merchant: 'm', store: 'S1', till: 'T1', customer: { type: 'phone' as const, value: '919999999999' }, points: 100, currency: 'EUR' };
  const paths: Array<{ name: string; activities: ReturnType<typeof createValidationCodeActivities>; outcome: string }> = [
    { name: 'sent', activities: { requestCapillaryValidationCode: async () => ({ sent: true as const }) }, outcome: 'sent' },
    { name: 'customer-not-found', activities: { requestCapillaryValidationCode: refusal('capillary', '1012', 'Customer not found in the loyalty programme') }, outcome: 'refused' },
  ];
  it.each(paths)('$name', async (p) => {
    await record('capillaryValidationCodeWorkflow', p.name, (r) =>
      r.withWorker(p.activities, async () => {
        const handle = await r.client.workflow.start(capillaryValidationCodeWorkflow, { workflowId: `capillary-otp-${randomUUID()}`, taskQueue: r.taskQueue, args: [input] });
        expect((await handle.result()).outcome).toBe(p.outcome);
        return handle;
      }),
    );
  });
});

describe(`capillaryRetroTagWorkflow → test/histories/${HISTORY_FOLDERS.capillaryRetroTagWorkflow}`, () => {
  const ref = { merchant: 'm', store: 'S1', till: 'T1', posReference: 'R1', checkoutId: 'checkout:m:S1:T1:R1', currency: 'EUR' };
  const input = { ref, transactionId: '37813252', customer: { type: 'phone' as const, value: '919999999999' }, customerDigest: 'd1' };
  const paths: Array<{ name: string; activities: ReturnType<typeof createRetroTagActivities>; outcome: string }> = [
    { name: 'tagged', activities: { tagCapillaryBill: async () => ({ transactionId: '37813252', alreadyTagged: false }) }, outcome: 'tagged' },
    { name: 'retro-disabled', activities: { tagCapillaryBill: refusal('capillary', '656', 'Retro transaction is not enabled') }, outcome: 'refused' },
  ];
  it.each(paths)('$name', async (p) => {
    await record('capillaryRetroTagWorkflow', p.name, (r) =>
      r.withWorker(p.activities, async () => {
        const handle = await r.client.workflow.start(capillaryRetroTagWorkflow, { workflowId: `capillary-retro-${randomUUID()}`, taskQueue: r.taskQueue, args: [input] });
        expect((await handle.result()).outcome).toBe(p.outcome);
        return handle;
      }),
    );
  });
});
