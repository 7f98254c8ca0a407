import { randomUUID } from 'node:crypto';
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
      return { result, queried: await handle.query(productSyncProgress) };
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

    const { result } = await run(activities, request());

    expect(store.sent).toEqual([0, 1]);
    expect(looks).toEqual([
      { batch: 0, processId: 'proc-0' },
      { batch: 0, processId: 'proc-0' },
      { batch: 1, processId: 'proc-1' },
      { batch: 1, processId: 'proc-1' },
    ]);
    expect(result).toMatchObject({ status: 'completed_with_errors', batchesDone: 2, processed: 1499, unprocessed: 1 });
  });

  it('ends a nightly run with nothing to sync when no catalogue was completed yet', async () => {
    const { result } = await run(mockActivities(store), { kind: 'nightly', merchant: 'm' });
    expect(result).toMatchObject({ syncId: null, status: 'nothing_to_sync' });
    expect(store.sent).toEqual([]);
    expect(store.finished).toEqual([]);
  });
});
