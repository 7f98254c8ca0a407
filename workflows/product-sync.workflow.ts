import { proxyActivities, setHandler, sleep, uuid4 } from '@temporalio/workflow';
import type { createProductSyncActivities } from '../activities/product-sync.activities';
import { FailureTypes } from './checkout.contract';
import { describeFailure } from './failures';
import { productSyncProgress, type ProductBatchResult, type ProductSyncInput, type ProductSyncProgress } from './product-sync.contract';

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

/** Our own bookkeeping retries until Postgres is back. */
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '250ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * Sends a stored catalogue to CRM.COM in batches of at most CATALOGUE_BATCH_LIMIT, one after the
 * other, and records each product's result. A batch whose vendor faults outlast the retries ends
 * the sync `failed` (the vendor is down: later batches would fail the same way); what was sent
 * before stays recorded.
 */
export async function productSyncWorkflow(input: ProductSyncInput): Promise<ProductSyncProgress> {
  const progress: ProductSyncProgress = { syncId: null, status: 'running', batchesDone: 0, batchesTotal: 0, processed: 0, unprocessed: 0 };
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

  for (let batch = 0; batch < progress.batchesTotal; batch++) {
    try {
      const sent = await vendorCalls.synchroniseProductBatch({ merchant: input.merchant, syncId, batch });
      // A batch CRM.COM processes asynchronously counts once its process reports each product.
      const result = sent.processId === undefined ? sent : await processOutcome({ merchant: input.merchant, syncId, batch, processId: sent.processId });
      progress.batchesDone++;
      progress.processed += result.processed;
      progress.unprocessed += result.unprocessed;
    } catch (err) {
      progress.failureReason = `batch ${batch + 1} of ${progress.batchesTotal}: ${describeFailure(err)}`;
      break;
    }
  }
  progress.status = progress.failureReason ? 'failed' : progress.unprocessed > 0 ? 'completed_with_errors' : 'completed';
  await bookkeeping.finishProductSync({ syncId, status: progress.status, failureReason: progress.failureReason ?? null });
  return progress;
}

/** Waits for a batch's vendor process to finish and returns its real counts (written by the activity). */
async function processOutcome(batch: { merchant: string; syncId: string; batch: number; processId: string }): Promise<ProductBatchResult> {
  let waitedMs = 0;
  for (let interval = PROCESS_POLL_FIRST_MS; ; interval = Math.min(interval * 2, PROCESS_POLL_MAX_MS)) {
    if (waitedMs >= PROCESS_GIVE_UP_MS) throw new Error(`CRM.COM process ${batch.processId} still running after ${PROCESS_GIVE_UP_MS / 3_600_000} h`);
    await sleep(interval);
    waitedMs += interval;
    const status = await vendorCalls.checkProductSyncProcess(batch);
    if (status.done) return status;
  }
}
