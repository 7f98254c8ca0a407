import { proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import type { createProductSyncActivities } from '../activities/product-sync.activities';
import { FailureTypes } from './checkout.contract';
import { describeFailure } from './failures';
import { productSyncProgress, type ProductSyncInput, type ProductSyncProgress } from './product-sync.contract';

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
      const result = await vendorCalls.synchroniseProductBatch({ merchant: input.merchant, syncId, batch });
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
