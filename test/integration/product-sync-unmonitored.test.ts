import { randomUUID } from 'node:crypto';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { eventually } from '../support/eventually';
import { countEffects, journalOf } from '../support/journal';
import { testStackForFile } from '../support/test-stack';

/**
 * CRMCOM_SYNC_MONITORING=off (the default against a real CRM.COM: the monitoring call is our reading,
 * the guide names none): through the API, Temporal, Postgres and the back-office sandbox over HTTP,
 * every batch is sent, its process id kept, and no status is ever read.
 */
describe('product synchronisation with the back-office API and monitoring off', () => {
  const stack = testStackForFile({ CRMCOM_API: 'backoffice', CRMCOM_SYNC_MONITORING: 'off' }, { resetSandbox: true });
  const api = () => stack.api(stack.keys.admin);

  it('counts every accepted batch unverified at once, never reads a status, and ends completed_unverified', async () => {
    const prefix = `M${randomUUID().slice(0, 6)}-`;
    const products = Array.from({ length: 1500 }, (_, i) => ({ code: `${prefix}${i}` }));
    const syncId = (await api().post('/v1/products/sync').send({ products }).expect(202)).body.syncId as string;

    const done = await eventually(
      () => api().get(`/v1/products/sync/${syncId}`).expect(200),
      (r) => r.body.status !== 'running',
      { timeoutMs: 45_000, intervalMs: 250 },
    );

    expect(done.body).toMatchObject({
      status: 'completed_unverified',
      progress: { batchesDone: 2, batchesTotal: 2, processed: 0, unprocessed: 0, unverified: 1500, batchesUnverified: 2 },
      vendorProcessIds: { 1: expect.any(String), 2: expect.any(String) },
      unverifiedBatches: { 1: expect.stringContaining('monitoring is off'), 2: expect.stringContaining('monitoring is off') },
    });
    const calls = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: `product-sync:demo:${syncId}` } });
    expect(calls.map((c) => c.operation).sort()).toEqual(['products.synchronise', 'products.synchronise']);
    // CRM.COM did process them all: only we do not know it.
    await eventually(
      async () => countEffects(await journalOf(stack.sandboxUrl, prefix)),
      (effects) => effects['crmcom:products.synchronise'] === 1500,
      { timeoutMs: 5000, intervalMs: 100 },
    );
  }, 60_000);
});
