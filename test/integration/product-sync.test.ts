import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { ensureProductSyncSchedule, productSyncScheduleId } from '../../src/products/product-sync.schedule';
import { ProductSyncItem } from '../../core/products/product-sync-item.entity';
import { ProductSync } from '../../core/products/product-sync.entity';
import { eventually } from '../support/eventually';
import { countEffects, injectFault, journalOf } from '../support/journal';
import { testStackForFile } from '../support/test-stack';

const SYNC_PATH = '/crmcom/crmapi/rest/v2/products/synchronise';

/**
 * Product synchronisation through the API, against the real dev server, Postgres and the CRM.COM
 * legacy sandbox over HTTP: batches of 1,000, per-product results with the vendor's error, a lost
 * reply that must not duplicate anything, and the nightly schedule.
 */
describe('product synchronisation', () => {
  const stack = testStackForFile();

  const api = () => stack.api(stack.keys.admin);

  /** The sync's view once it is no longer running. */
  async function settled(syncId: string): Promise<request.Response> {
    const res = await eventually(
      () => api().get(`/v1/products/sync/${syncId}`).expect(200),
      (r) => r.body.status !== 'running',
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    // On a timeout the failure shows the progress the sync had reached.
    expect(res.body).toMatchObject({ syncId, status: expect.not.stringMatching(/^running$/) });
    return res;
  }

  it('sends 2,500 products in three calls, reports the unknown family unprocessed, and a lost reply duplicates nothing', async () => {
    const prefix = `P${randomUUID().slice(0, 6)}-`;
    const products = Array.from({ length: 2500 }, (_, i) => ({ code: `${prefix}${i}`, ...(i === 1500 && { familyCode: 'Iced Coffee' }) }));
    // The first batch is applied at CRM.COM but its reply never arrives (VENDOR_TIMEOUT_MS is 2 s).
    await injectFault(stack.sandboxUrl, { path: SYNC_PATH, kind: 'apply_then_timeout', latencyMs: 8000, times: 1 });

    const started = await api().post('/v1/products/sync').send({ products }).expect(202);
    const syncId = started.body.syncId as string;
    expect(started.headers.location).toBe(`/v1/products/sync/${syncId}`);
    expect(started.body).toMatchObject({ status: 'running', batches: 3, products: 2500 });

    const done = await settled(syncId);
    expect(done.body).toMatchObject({
      syncId,
      status: 'completed_with_errors',
      source: 'api',
      progress: { batchesDone: 3, batchesTotal: 3, products: 2500, processed: 2499, unprocessed: 1 },
      unprocessed: {
        total: 1,
        offset: 0,
        limit: 100,
        items: [{ position: 1500, code: `${prefix}1500`, errorCode: 'NotFoundAPIValueException', errorDescription: expect.stringContaining('Iced Coffee') }],
      },
    });

    // One row per product, whatever the retries: 1,000 + 1,000 + 500, each with its outcome.
    const rows = await stack.dataSource.getRepository(ProductSyncItem).find({ where: { syncId } });
    expect(rows).toHaveLength(2500);
    expect(countBy(rows, (r) => String(r.batchNumber))).toEqual({ 0: 1000, 1: 1000, 2: 500 });
    expect(countBy(rows, (r) => String(r.outcome))).toEqual({ processed: 2499, unprocessed: 1 });
    expect(rows.find((r) => r.position === 0)?.vendorId).toEqual(expect.any(String));

    // Three batches reached CRM.COM once each; the lost reply's batch was sent again and changed nothing.
    const calls = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: `product-sync:demo:${syncId}`, operation: 'products.synchronise' } });
    expect(countBy(calls, (c) => c.outcome)).toEqual({ success: 3, failed: 1 });
    expect(countEffects(await journalOf(stack.sandboxUrl, prefix))).toEqual({ 'crmcom:product.create': 2499 });
  });

  it('refuses an invalid request with problem+json naming the field, and answers 404 for an unknown sync', async () => {
    const blank = await api().post('/v1/products/sync').send({ products: [{ code: 'ok' }, { code: '  ' }] }).expect(400);
    expect(blank.headers['content-type']).toContain('application/problem+json');
    expect(blank.body.errors).toEqual([{ field: 'products[1].code', message: 'must not be blank' }]);
    const long = await api().post('/v1/products/sync').send({ products: [{ code: 'x'.repeat(101) }] }).expect(400);
    expect(long.body.errors[0].field).toBe('products[0].code');
    const missing = await api().post('/v1/products/sync').send({ products: [{ description: 'no code' }] }).expect(400);
    expect(missing.body.errors).toEqual([{ field: 'products[0].code', message: 'is required' }]);
    const empty = await api().post('/v1/products/sync').send({ products: [] }).expect(400);
    expect(empty.body.errors[0].field).toBe('products');
    await api().get(`/v1/products/sync/${randomUUID()}`).expect(404);
    await api().get('/v1/products/sync/not-a-uuid').expect(404);
  });

  it('creates the nightly schedule idempotently, and a run resends the latest completed catalogue as a new sync', async () => {
    const options = { merchant: stack.config.MERCHANT_ID, taskQueue: stack.config.TEMPORAL_TASK_QUEUE };
    expect(await ensureProductSyncSchedule(stack.temporal, options)).toBe('created');
    expect(await ensureProductSyncSchedule(stack.temporal, options)).toBe('updated');
    const handle = stack.temporal.schedule.getHandle(productSyncScheduleId(options.merchant));
    try {
      const described = await handle.describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'productSyncWorkflow', taskQueue: options.taskQueue });
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);

      const latest = await api().post('/v1/products/sync').send({ products: [{ code: 'NIGHTLY-1' }, { code: 'NIGHTLY-2', familyCode: 'Iced Coffee' }] }).expect(202);
      await settled(latest.body.syncId as string);
      await handle.trigger();

      const nightly = await eventually(
        () => stack.dataSource.getRepository(ProductSync).findOneBy({ source: 'nightly', copiedFrom: latest.body.syncId as string }),
        (found) => found !== null,
        { timeoutMs: 20_000, intervalMs: 250 },
      );
      expect(nightly).toMatchObject({ source: 'nightly' });
      const done = await settled(nightly!.id);
      expect(done.body).toMatchObject({
        source: 'nightly',
        status: 'completed_with_errors',
        progress: { batchesDone: 1, batchesTotal: 1, products: 2, processed: 1, unprocessed: 1 },
        unprocessed: { items: [{ code: 'NIGHTLY-2', errorCode: 'NotFoundAPIValueException' }] },
      });
    } finally {
      await handle.delete();
    }
  });
});

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
