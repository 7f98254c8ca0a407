import { ContinueAsNew, continueAsNew, proxyActivities, setHandler, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import type { createProductSyncActivities } from '../activities/product-sync.activities';
import { FailureTypes } from './checkout.contract';
import { describeFailure } from './failures';
import {
  PRODUCT_SYNC_EVENT_BUDGET,
  productSyncProgress,
  type ProductBatchResult,
  type ProductSyncInput,
  type ProductSyncProgress,
  type ProductSyncResume,
} from './product-sync.contract';

type Activities = ReturnType<typeof createProductSyncActivities>;

/**
 * One batch to CRM.COM: transient faults (network, timeout, 429, 5xx) are retried with backoff, the
 * same style as the checkout's steps; resending a batch is harmless (CRM.COM upserts by code, and
 * results overwrite the products' own rows).
 */
const vendorCalls = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [FailureTypes.vendorRejection],
  },
});

/**
 * Following a vendor's asynchronous process (CRM.COM back-office): a look every PROCESS_POLL_FIRST,
 * doubling up to PROCESS_POLL_MAX, on durable timers (a worker restart resumes the wait, no activity
 * sleeps); a process still running after PROCESS_GIVE_UP fails the sync, naming its process id.
 */
const PROCESS_POLL_FIRST_MS = 1_000;
const PROCESS_POLL_MAX_MS = 60_000;
const PROCESS_GIVE_UP_MS = 24 * 60 * 60 * 1000;

/**
 * A status look is a read: retried without an attempt limit (a CRM.COM outage of minutes must not
 * fail a sync whose process is fine) until the give-up window closes (scheduleToClose, set per look).
 */
function processLooks(remainingMs: number) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '2m',
    scheduleToCloseTimeout: Math.max(remainingMs, PROCESS_POLL_MAX_MS),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: [FailureTypes.vendorRejection] },
  });
}

/** Our own bookkeeping retries until Postgres is back. */
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '250ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * Sends a stored catalogue to CRM.COM in batches of at most CATALOGUE_BATCH_LIMIT, one after the
 * other, and records each product's result. A batch whose vendor faults outlast the retries ends
 * the sync `failed` (the vendor is down: later batches would fail the same way); what was sent
 * before stays recorded. A batch accepted whose results cannot be known is counted `unverified` and
 * the sync goes on with the next batch.
 *
 * A long sync (many batches, slow processes) would outgrow Temporal's history limit: once the run's
 * history reaches its event budget (or the server suggests it) the run continues as new under the
 * same workflow id, carrying the sync's progress and, mid-wait, the process it waits on.
 */
export async function productSyncWorkflow(input: ProductSyncInput): Promise<ProductSyncProgress> {
  const resume = input.kind === 'request' ? input.resume : undefined;
  const progress: ProductSyncProgress = {
    syncId: null,
    status: 'running',
    batchesDone: resume?.batchesDone ?? 0,
    batchesTotal: 0,
    processed: resume?.processed ?? 0,
    unprocessed: resume?.unprocessed ?? 0,
    unverified: resume?.unverified ?? 0,
    batchesUnverified: resume?.batchesUnverified ?? 0,
  };
  setHandler(productSyncProgress, () => progress);

  let syncId: string;
  if (input.kind === 'nightly') {
    const prepared = await bookkeeping.prepareNightlyProductSync({ merchant: input.merchant, syncId: uuid4() });
    if (!prepared) {
      progress.status = 'nothing_to_sync';
      return progress;
    }
    syncId = prepared.syncId;
    progress.batchesTotal = prepared.batchCount;
  } else {
    syncId = input.syncId;
    progress.batchesTotal = input.batchCount;
  }
  progress.syncId = syncId;

  const budget = input.eventBudget ?? PRODUCT_SYNC_EVENT_BUDGET;
  /** Continues as new when this run's history is full enough; `at` says where the next run starts. */
  // A run continues only after a step of its own, so a budget below a run's first events cannot loop.
  let stepsThisRun = 0;
  const continueIfLong = async (at: Pick<ProductSyncResume, 'nextBatch' | 'waiting'>): Promise<void> => {
    const info = workflowInfo();
    if (stepsThisRun++ === 0 || (!info.continueAsNewSuggested && info.historyLength < budget)) return;
    const carried: ProductSyncResume = {
      ...at,
      batchesDone: progress.batchesDone,
      batchesUnverified: progress.batchesUnverified,
      processed: progress.processed,
      unprocessed: progress.unprocessed,
      unverified: progress.unverified,
    };
    await continueAsNew<typeof productSyncWorkflow>({
      kind: 'request',
      merchant: input.merchant,
      syncId,
      batchCount: progress.batchesTotal,
      resume: carried,
      ...(input.eventBudget !== undefined && { eventBudget: input.eventBudget }),
    });
  };

  for (let batch = resume?.nextBatch ?? 0; batch < progress.batchesTotal; batch++) {
    try {
      const waiting = batch === resume?.nextBatch ? resume.waiting : undefined;
      let result: ProductBatchResult;
      if (waiting) {
        result = await processOutcome({ merchant: input.merchant, syncId, batch, ...waiting }, continueIfLong);
      } else {
        await continueIfLong({ nextBatch: batch });
        const sent = await vendorCalls.synchroniseProductBatch({ merchant: input.merchant, syncId, batch });
        // A batch CRM.COM processes asynchronously counts once its process reports each product.
        result = sent.processId === undefined ? sent : await processOutcome({ merchant: input.merchant, syncId, batch, processId: sent.processId }, continueIfLong);
      }
      progress.batchesDone++;
      progress.processed += result.processed;
      progress.unprocessed += result.unprocessed;
      if (result.unverified !== undefined) {
        progress.unverified += result.unverified;
        progress.batchesUnverified++;
      }
    } catch (err) {
      if (err instanceof ContinueAsNew) throw err;
      progress.failureReason = `batch ${batch + 1} of ${progress.batchesTotal}: ${describeFailure(err)}`;
      break;
    }
  }
  progress.status = progress.failureReason
    ? 'failed'
    : progress.batchesUnverified > 0
      ? 'completed_unverified'
      : progress.unprocessed > 0
        ? 'completed_with_errors'
        : 'completed';
  await bookkeeping.finishProductSync({ syncId, status: progress.status, failureReason: progress.failureReason ?? null });
  return progress;
}

/**
 * Waits for a batch's vendor process to finish and returns its real counts (written by the activity),
 * or, when the process cannot be read or says what we do not know, the batch counted unverified.
 * Before each wait the run may continue as new, carrying the wait so far.
 */
async function processOutcome(
  batch: { merchant: string; syncId: string; batch: number; processId: string; waitedMs?: number; intervalMs?: number },
  continueIfLong: (at: Pick<ProductSyncResume, 'nextBatch' | 'waiting'>) => Promise<void>,
): Promise<ProductBatchResult> {
  const look = { merchant: batch.merchant, syncId: batch.syncId, batch: batch.batch, processId: batch.processId };
  let waitedMs = batch.waitedMs ?? 0;
  for (let interval = batch.intervalMs ?? PROCESS_POLL_FIRST_MS; ; interval = Math.min(interval * 2, PROCESS_POLL_MAX_MS)) {
    if (waitedMs >= PROCESS_GIVE_UP_MS) throw new Error(`CRM.COM process ${batch.processId} still running after ${PROCESS_GIVE_UP_MS / 3_600_000} h`);
    await continueIfLong({ nextBatch: batch.batch, waiting: { processId: batch.processId, waitedMs, intervalMs: interval } });
    await sleep(interval);
    waitedMs += interval;
    const status = await processLooks(PROCESS_GIVE_UP_MS - waitedMs).checkProductSyncProcess(look);
    if (status.done) return status;
  }
}
