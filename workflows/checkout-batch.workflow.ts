import { proxyActivities } from '@temporalio/workflow';
import type { createCheckoutBatchActivities } from '../activities/checkout-batch.activities';
import {
  BATCH_CHUNK_SIZE,
  BATCH_PARALLEL_CHUNKS,
  type CheckoutBatchInput,
  type CheckoutBatchSummary,
} from './checkout-batch.contract';

type Activities = ReturnType<typeof createCheckoutBatchActivities>;

/**
 * A chunk drives up to BATCH_CHUNK_SIZE one-shot sagas; it heartbeats after each sale, so a worker
 * that dies mid-chunk is noticed within the heartbeat timeout and the chunk is retried (the sales it
 * already drove answer from their own sagas). Retried until it succeeds: the batch was accepted with
 * 202, so giving up would lose sales.
 */
const chunks = proxyActivities<Activities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * Drives every sale of a stored batch, BATCH_PARALLEL_CHUNKS chunks at a time. The per-sale results
 * are not kept here: each saga writes the `checkouts` projection, which GET joins to the batch's
 * sales, so progress is read from Postgres and survives this workflow closing.
 */
export async function checkoutBatchWorkflow(input: CheckoutBatchInput): Promise<CheckoutBatchSummary> {
  const ranges: Array<{ from: number; to: number }> = [];
  for (let from = 0; from < input.saleCount; from += BATCH_CHUNK_SIZE) {
    ranges.push({ from, to: Math.min(input.saleCount, from + BATCH_CHUNK_SIZE) });
  }
  const summary: CheckoutBatchSummary = { batchId: input.batchId, chunks: ranges.length, driven: 0, notDriven: 0 };
  let next = 0;
  const lane = async () => {
    while (next < ranges.length) {
      const range = ranges[next++];
      const result = await chunks.driveCheckoutBatchChunk({ merchant: input.merchant, batchId: input.batchId, ...range });
      summary.driven += result.driven;
      summary.notDriven += result.notDriven;
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_PARALLEL_CHUNKS, ranges.length) }, lane));
  return summary;
}
