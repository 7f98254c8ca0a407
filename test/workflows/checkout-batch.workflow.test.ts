import { randomUUID } from 'node:crypto';
import type { createCheckoutBatchActivities } from '../../activities/checkout-batch.activities';
import { BATCH_CHUNK_SIZE, BATCH_PARALLEL_CHUNKS, type CheckoutBatchChunk } from '../../workflows/checkout-batch.contract';
import { checkoutBatchWorkflow } from '../../workflows/checkout-batch.workflow';
import { workflowTestEnvForFile } from './workflow-test-env';

type Activities = ReturnType<typeof createCheckoutBatchActivities>;

/** The batch workflow's decisions with its chunk activity mocked, on the suite's real dev server. */
describe(checkoutBatchWorkflow.name, () => {
  const wf = workflowTestEnvForFile();

  const run = (activities: Activities, saleCount: number) =>
    wf.withWorker(activities, (taskQueue) =>
      wf.client.workflow.execute(checkoutBatchWorkflow, { workflowId: `batch:m:${randomUUID()}`, taskQueue, args: [{ merchant: 'm', batchId: 'b1', saleCount }] }),
    );

  it(`drives 500 sales as chunks of ${BATCH_CHUNK_SIZE}, at most ${BATCH_PARALLEL_CHUNKS} at once, each position exactly once`, async () => {
    const chunks: CheckoutBatchChunk[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const summary = await run(
      {
        async driveCheckoutBatchChunk(chunk) {
          chunks.push(chunk);
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await new Promise((r) => setTimeout(r, 50));
          inFlight--;
          // Position 7 of each chunk belongs to another sale.
          return { driven: chunk.to - chunk.from - 1, notDriven: 1 };
        },
      },
      500,
    );

    const positions = chunks.flatMap((c) => Array.from({ length: c.to - c.from }, (_, i) => c.from + i)).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(chunks).toHaveLength(500 / BATCH_CHUNK_SIZE);
    expect(chunks.every((c) => c.merchant === 'm' && c.batchId === 'b1')).toBe(true);
    expect(maxInFlight).toBe(BATCH_PARALLEL_CHUNKS);
    expect(summary).toEqual({ batchId: 'b1', chunks: 10, driven: 490, notDriven: 10 });
  });

  it('retries a chunk whose attempt failed (Temporal unreachable, worker lost) until it succeeds', async () => {
    const attempts: Record<number, number> = {};
    const summary = await run(
      {
        async driveCheckoutBatchChunk(chunk) {
          attempts[chunk.from] = (attempts[chunk.from] ?? 0) + 1;
          if (chunk.from === BATCH_CHUNK_SIZE && attempts[chunk.from] < 3) throw new Error('14 UNAVAILABLE: connection refused');
          return { driven: chunk.to - chunk.from, notDriven: 0 };
        },
      },
      BATCH_CHUNK_SIZE + 3,
    );
    expect(attempts).toEqual({ 0: 1, [BATCH_CHUNK_SIZE]: 3 });
    expect(summary).toEqual({ batchId: 'b1', chunks: 2, driven: BATCH_CHUNK_SIZE + 3, notDriven: 0 });
  });
});
