import { randomUUID } from 'node:crypto';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { ProductSyncItem } from '../../core/products/product-sync-item.entity';
import { eventually } from '../support/eventually';
import { SANDBOX_PATHS } from '../../core/config/app-config';
import { countEffects, injectFault, journalOf } from '../support/journal';
import { testStackForFile } from '../support/test-stack';

/**
 * Product synchronisation through the API with the CRM.COM back-office API (CRMCOM_API=backoffice),
 * against the real dev server, Postgres and the sandbox over HTTP. The back-office synchronises
 * asynchronously ("CRM.COM returns back a unique process id that can be used for monitoring the
 * progress"): the sync keeps each batch's process id, follows it on Temporal timers, and counts
 * what the process reports, not everything it sent.
 */
describe('product synchronisation with the CRM.COM back-office (asynchronous processes)', () => {
  const stack = testStackForFile({ CRMCOM_API: 'backoffice' }, { resetSandbox: true });
  const api = () => stack.api(stack.keys.admin);

  it('keeps the process id of each batch, waits for the processes, and records their real processed/unprocessed counts', async () => {
    const prefix = `B${randomUUID().slice(0, 6)}-`;
    const products = Array.from({ length: 1500 }, (_, i) => ({ code: `${prefix}${i}`, ...(i === 1200 && { familyCode: 'Iced Coffee' }), ...(i === 7 && { familyCode: 'DRINKS' }) }));
    const started = await api().post('/v1/products/sync').send({ products }).expect(202);
    const syncId = started.body.syncId as string;
    expect(started.body).toMatchObject({ status: 'running', batches: 2, products: 1500 });

    const done = await eventually(
      () => api().get(`/v1/products/sync/${syncId}`).expect(200),
      (r) => r.body.status !== 'running',
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    expect(done.body).toMatchObject({
      syncId,
      status: 'completed_with_errors',
      progress: { batchesDone: 2, batchesTotal: 2, products: 1500, processed: 1499, unprocessed: 1 },
      vendorProcessIds: { 1: expect.stringMatching(/^[0-9a-f-]{36}$/), 2: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      unprocessed: {
        total: 1,
        items: [{ position: 1200, code: `${prefix}1200`, errorCode: 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION', errorDescription: expect.stringContaining('Iced Coffee') }],
      },
    });
    const processIds = Object.values(done.body.vendorProcessIds as Record<string, string>);
    expect(new Set(processIds).size).toBe(2);

    // Each product's row carries CRM.COM's id for it, from the process's report.
    const rows = await stack.dataSource.getRepository(ProductSyncItem).find({ where: { syncId } });
    expect(rows.filter((r) => r.outcome === 'processed' && r.vendorId)).toHaveLength(1499);

    // The batches were sent once each and their processes looked at (audited) until done.
    const calls = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: `product-sync:demo:${syncId}` } });
    const sends = calls.filter((c) => c.operation === 'products.synchronise');
    expect(sends.map((c) => c.vendorReference).sort()).toEqual([...processIds].sort());
    const looks = calls.filter((c) => c.operation === 'products.synchronise.status');
    expect(new Set(looks.map((c) => c.vendorReference))).toEqual(new Set(processIds));
    expect(countEffects(await journalOf(stack.sandboxUrl, prefix))).toEqual({ 'crmcom:products.synchronise': 1499 });
  }, 60_000);

  describe('when a process cannot be verified (the monitoring call is our reading: the guide names none)', () => {
    const statusPath = `${SANDBOX_PATHS.crmcomBackoffice}/synchronise_products/*`;

    async function syncToTheEnd(prefix: string) {
      const products = Array.from({ length: 1500 }, (_, i) => ({ code: `${prefix}${i}`, ...(i === 1200 && { familyCode: 'Iced Coffee' }) }));
      const started = await api().post('/v1/products/sync').send({ products }).expect(202);
      const syncId = started.body.syncId as string;
      const done = await eventually(
        () => api().get(`/v1/products/sync/${syncId}`).expect(200),
        (r) => r.body.status !== 'running',
        { timeoutMs: 45_000, intervalMs: 250 },
      );
      return { syncId, done };
    }

    it('answered 404: every batch is still sent, each counted accepted with unknown results, and the sync ends completed_unverified', async () => {
      await injectFault(stack.sandboxUrl, {
        path: statusPath,
        method: 'GET',
        kind: 'status',
        status: 404,
        body: { status: 404, message: 'Not found.', error: 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION', parameters: [] },
      });
      const prefix = `U${randomUUID().slice(0, 6)}-`;

      const { syncId, done } = await syncToTheEnd(prefix);

      expect(done.body).toMatchObject({
        status: 'completed_unverified',
        progress: { batchesDone: 2, batchesTotal: 2, products: 1500, processed: 0, unprocessed: 0, unverified: 1500, batchesUnverified: 2 },
        vendorProcessIds: { 1: expect.any(String), 2: expect.any(String) },
        unverifiedBatches: { 1: expect.stringMatching(/HTTP 404/), 2: expect.stringMatching(/HTTP 404/) },
        unprocessed: { total: 0, items: [] },
      });
      expect(done.body.failureReason).toBeUndefined();
      const rows = await stack.dataSource.getRepository(ProductSyncItem).find({ where: { syncId } });
      expect(rows.map((r) => r.outcome)).toEqual(Array.from({ length: 1500 }, () => 'unverified'));
      // Both batches were sent (CRM.COM did process them: its journal says so), each status read once: a 404 is not retried.
      const calls = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: `product-sync:demo:${syncId}` } });
      expect(calls.filter((c) => c.operation === 'products.synchronise').map((c) => c.outcome)).toEqual(['success', 'success']);
      expect(calls.filter((c) => c.operation === 'products.synchronise.status').map((c) => [c.outcome, c.httpStatus])).toEqual([
        ['rejected', 404],
        ['rejected', 404],
      ]);
      expect(countEffects(await journalOf(stack.sandboxUrl, prefix))).toEqual({ 'crmcom:products.synchronise': 1499 });
    }, 60_000);

    it('answered a status it does not know: not waited on for 24 h, the batch counted unverified, naming the status', async () => {
      await injectFault(stack.sandboxUrl, { path: statusPath, method: 'GET', kind: 'status', status: 200, body: { id: 'x', status: 'FAILED' } });
      const prefix = `F${randomUUID().slice(0, 6)}-`;

      const { done } = await syncToTheEnd(prefix);

      expect(done.body).toMatchObject({
        status: 'completed_unverified',
        progress: { batchesDone: 2, processed: 0, unprocessed: 0, unverified: 1500, batchesUnverified: 2 },
        unverifiedBatches: { 1: expect.stringContaining('status FAILED'), 2: expect.stringContaining('status FAILED') },
      });
    }, 60_000);
  });
});
