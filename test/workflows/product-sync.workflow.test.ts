import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { createProductSyncActivities } from '../../activities/product-sync.activities';
import { CATALOGUE_BATCH_LIMIT, type CatalogueProduct } from '../../activities/vendors/capabilities';
import { vendorRejection, vendorUnavailable } from '../../activities/vendors/vendor-errors';
import { productSyncProgress, type ProductSyncInput, type ProductSyncStatus } from '../../workflows/product-sync.contract';
import { productSyncWorkflow } from '../../workflows/product-sync.workflow';
import { workflowTestEnvForFile } from './workflow-test-env';

type Activities = ReturnType<typeof createProductSyncActivities>;

interface Store {
  products: CatalogueProduct[];
  sent: number[];
  finished: Array<{ status: ProductSyncStatus; failureReason: string | null }>;
}

/** A stored catalogue and a vendor that refuses the 'Iced Coffee' family, like the sandbox does. */
function mockActivities(store: Store, overrides: Partial<Activities> = {}): Activities {
  return {
    async synchroniseProductBatch({ batch }) {
      const products = store.products.slice(batch * CATALOGUE_BATCH_LIMIT, (batch + 1) * CATALOGUE_BATCH_LIMIT);
      store.sent.push(products.length);
      const unprocessed = products.filter((p) => p.familyCode === 'Iced Coffee').length;
      return { processed: products.length - unprocessed, unprocessed };
    },
    async checkProductSyncProcess() {
      throw new Error('a synchronous vendor has no process to follow');
    },
    async prepareNightlyProductSync() {
      return null;
    },
    async finishProductSync({ status, failureReason }) {
      store.finished.push({ status, failureReason });
    },
    ...overrides,
  };
}

function catalogue(count: number): CatalogueProduct[] {
  return Array.from({ length: count }, (_, i) => ({ code: `P${i}`, ...(i === 1234 && { familyCode: 'Iced Coffee' }) }));
}

/** The product sync's decisions with its activities mocked, on the suite's real dev server. */
describe(productSyncWorkflow.name, () => {
  const wf = workflowTestEnvForFile();
  let store: Store;

  beforeEach(() => {
    store = { products: catalogue(2500), sent: [], finished: [] };
  });

  const run = (activities: Activities, input: ProductSyncInput) =>
    wf.withWorker(activities, async (taskQueue) => {
      const handle = await wf.client.workflow.start(productSyncWorkflow, { workflowId: `product-sync:m:${randomUUID()}`, taskQueue, args: [input] });
      const result = await handle.result();
      return { result, queried: await handle.query(productSyncProgress), history: await handle.fetchHistory() };
    });

  const request = (): ProductSyncInput => ({ kind: 'request', merchant: 'm', syncId: randomUUID(), batchCount: Math.ceil(store.products.length / CATALOGUE_BATCH_LIMIT) });

  it('sends 2,500 products as 1,000, 1,000 and 500 in order, retries a transient fault, and records the unprocessed product', async () => {
    let attempts = 0;
    const happy = mockActivities(store);
    const activities = mockActivities(store, {
      async synchroniseProductBatch(args) {
        if (args.batch === 1 && ++attempts === 1) throw vendorUnavailable('crmcom', 'timed out after 2000 ms');
        return happy.synchroniseProductBatch(args);
      },
    });

    const { result, queried } = await run(activities, request());

    expect(store.sent).toEqual([1000, 1000, 500]);
    expect(attempts).toBe(2);
    expect(result).toMatchObject({ status: 'completed_with_errors', batchesDone: 3, batchesTotal: 3, processed: 2499, unprocessed: 1 });
    expect(queried).toEqual(result);
    expect(store.finished).toEqual([{ status: 'completed_with_errors', failureReason: null }]);
  });

  it('completes when every product is processed', async () => {
    store.products = catalogue(1000).map((p) => ({ code: p.code }));
    const { result } = await run(mockActivities(store), request());
    expect(store.sent).toEqual([1000]);
    expect(result).toMatchObject({ status: 'completed', batchesDone: 1, processed: 1000, unprocessed: 0 });
  });

  it('fails the sync when a batch cannot be sent, keeping what was sent and sending nothing after it', async () => {
    const happy = mockActivities(store);
    const activities = mockActivities(store, {
      async synchroniseProductBatch(args) {
        if (args.batch === 1) throw vendorRejection({ vendor: 'crmcom', code: 'InvalidValueException', reason: 'definition disabled' });
        return happy.synchroniseProductBatch(args);
      },
    });

    const { result } = await run(activities, request());

    expect(store.sent).toEqual([1000]);
    expect(result).toMatchObject({ status: 'failed', batchesDone: 1, batchesTotal: 3 });
    expect(store.finished).toEqual([{ status: 'failed', failureReason: expect.stringContaining('batch 2 of 3') }]);
  });

  it("follows an asynchronous vendor's process on timers until it is done, and counts what the process reports", async () => {
    store.products = catalogue(1500);
    const looks: Array<{ batch: number; processId: string }> = [];
    const activities = mockActivities(store, {
      async synchroniseProductBatch({ batch }) {
        store.sent.push(batch);
        return { processed: 0, unprocessed: 0, processId: `proc-${batch}` };
      },
      async checkProductSyncProcess({ batch, processId }) {
        looks.push({ batch, processId });
        // Each process reports done on its second look; batch 1 (500 products) has the refused one.
        if (looks.filter((l) => l.batch === batch).length < 2) return { done: false };
        return batch === 0 ? { done: true, processId, processed: 1000, unprocessed: 0 } : { done: true, processId, processed: 499, unprocessed: 1 };
      },
    });

    const { result, history } = await run(activities, request());

    // Each look is retried without an attempt limit (a CRM.COM outage of minutes must not fail the
    // sync), bounded by what is left of the 24 h give-up window.
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'checkProductSyncProcess');
    expect(scheduled).toHaveLength(4);
    for (const look of scheduled) {
      expect(look?.retryPolicy?.maximumAttempts ?? 0).toBe(0);
      expect(Number(look?.scheduleToCloseTimeout?.seconds)).toBeGreaterThan(23 * 3600);
      expect(Number(look?.scheduleToCloseTimeout?.seconds)).toBeLessThanOrEqual(24 * 3600);
    }

    expect(store.sent).toEqual([0, 1]);
    expect(looks).toEqual([
      { batch: 0, processId: 'proc-0' },
      { batch: 0, processId: 'proc-0' },
      { batch: 1, processId: 'proc-1' },
      { batch: 1, processId: 'proc-1' },
    ]);
    expect(result).toMatchObject({ status: 'completed_with_errors', batchesDone: 2, processed: 1499, unprocessed: 1 });
  });

  it('counts a batch whose process cannot be verified apart, goes on with the next batch, and ends completed_unverified', async () => {
    store.products = catalogue(1500);
    const activities = mockActivities(store, {
      async synchroniseProductBatch({ batch }) {
        store.sent.push(batch);
        return { processed: 0, unprocessed: 0, processId: `proc-${batch}` };
      },
      async checkProductSyncProcess({ batch, processId }) {
        // Batch 0's process cannot be read (the activity records its 1,000 products unverified).
        return batch === 0 ? { done: true, processId, processed: 0, unprocessed: 0, unverified: 1000 } : { done: true, processId, processed: 499, unprocessed: 1 };
      },
    });

    const { result, queried } = await run(activities, request());

    expect(store.sent).toEqual([0, 1]);
    expect(result).toMatchObject({ status: 'completed_unverified', batchesDone: 2, batchesUnverified: 1, processed: 499, unprocessed: 1, unverified: 1000 });
    expect(queried).toEqual(result);
    expect(store.finished).toEqual([{ status: 'completed_unverified', failureReason: null }]);
  });

  describe('a sync longer than its history budget', () => {
    /** Every run of the workflow id, first to last, following each run's continued-as-new event. */
    async function runsOf(workflowId: string, firstRunId: string): Promise<Array<{ runId: string; events: number }>> {
      const runs: Array<{ runId: string; events: number }> = [];
      for (let runId: string | undefined = firstRunId; runId; ) {
        const history: temporal.api.history.v1.IHistory = await wf.client.workflow.getHandle(workflowId, runId).fetchHistory();
        const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
        runs.push({ runId, events: events.length });
        runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      }
      return runs;
    }

    it('continues as new, carrying its progress and a process wait half done: every batch sent once, every count kept', async () => {
      store.products = catalogue(6000);
      const looks: Array<{ batch: number; at: number }> = [];
      const happy = mockActivities(store);
      const activities = mockActivities(store, {
        async synchroniseProductBatch(args) {
          if (args.batch !== 2) return happy.synchroniseProductBatch(args);
          store.sent.push(1000);
          return { processed: 0, unprocessed: 0, processId: 'proc-2' };
        },
        async checkProductSyncProcess({ batch, processId }) {
          looks.push({ batch, at: Date.now() });
          // Done on the third look (after waits of 1 s, 2 s and 4 s), two refused.
          return looks.length < 3 ? { done: false } : { done: true, processId, processed: 998, unprocessed: 2 };
        },
      });
      const syncId = randomUUID();
      const input: ProductSyncInput = { kind: 'request', merchant: 'm', syncId, batchCount: 6, eventBudget: 20 };

      const { result, queried, runs } = await wf.withWorker(activities, async (taskQueue) => {
        const handle = await wf.client.workflow.start(productSyncWorkflow, { workflowId: `product-sync:m:${randomUUID()}`, taskQueue, args: [input] });
        const result = await handle.result();
        return { result, queried: await handle.query(productSyncProgress), runs: await runsOf(handle.workflowId, handle.firstExecutionRunId) };
      });

      // It did continue as new, more than once, each run within a small multiple of its budget.
      expect(runs.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...runs.map((r) => r.events))).toBeLessThan(40);
      // Nothing sent twice, nothing skipped, and the counts of every run add up in the last one.
      expect(store.sent).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
      expect(result).toMatchObject({ syncId, status: 'completed_with_errors', batchesDone: 6, batchesTotal: 6, processed: 5997, unprocessed: 3 });
      expect(queried).toEqual(result);
      expect(store.finished).toEqual([{ status: 'completed_with_errors', failureReason: null }]);
      // The process wait went on where it was (1 s, then 2 s, then 4 s), not from the start.
      expect(looks.map((l) => l.batch)).toEqual([2, 2, 2]);
      expect(looks[1].at - looks[0].at).toBeGreaterThanOrEqual(1900);
      expect(looks[2].at - looks[1].at).toBeGreaterThanOrEqual(3900);
    }, 60_000);

    it('still ends with a budget smaller than a run\'s first events: each run takes one step', async () => {
      store.products = catalogue(2500);
      const { runs, result } = await wf.withWorker(mockActivities(store), async (taskQueue) => {
        const handle = await wf.client.workflow.start(productSyncWorkflow, { workflowId: `product-sync:m:${randomUUID()}`, taskQueue, args: [{ ...request(), eventBudget: 1 }] });
        const result = await handle.result();
        return { result, runs: await runsOf(handle.workflowId, handle.firstExecutionRunId) };
      });
      expect(runs).toHaveLength(3);
      expect(store.sent).toEqual([1000, 1000, 500]);
      expect(result).toMatchObject({ status: 'completed_with_errors', batchesDone: 3, processed: 2499, unprocessed: 1 });
    });

    it('stays in one run under the default budget', async () => {
      store.products = catalogue(6000);
      const { runs, result } = await wf.withWorker(mockActivities(store), async (taskQueue) => {
        const handle = await wf.client.workflow.start(productSyncWorkflow, { workflowId: `product-sync:m:${randomUUID()}`, taskQueue, args: [request()] });
        const result = await handle.result();
        return { result, runs: await runsOf(handle.workflowId, handle.firstExecutionRunId) };
      });
      expect(runs).toHaveLength(1);
      expect(result).toMatchObject({ status: 'completed_with_errors', batchesDone: 6, processed: 5999, unprocessed: 1 });
    });
  });

  it('ends a nightly run with nothing to sync when no catalogue was completed yet', async () => {
    const { result } = await run(mockActivities(store), { kind: 'nightly', merchant: 'm' });
    expect(result).toMatchObject({ syncId: null, status: 'nothing_to_sync' });
    expect(store.sent).toEqual([]);
    expect(store.finished).toEqual([]);
  });
});
