import { AuditEvent } from '../../core/audit/audit-event.entity';
import { CAPILLARY_SANDBOX_CUSTOMER } from '../../src/sandbox/capillary-sandbox-org';
import { Checkout } from '../../core/checkouts/checkout.entity';
import { eventually } from '../support/eventually';
import { countEffects, journalOf } from '../support/journal';
import { resetSandbox } from '../support/sandbox-server';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

const STORES = ['S1', 'S2', 'S3'];
const TILLS = ['T1', 'T2', 'T3', 'T4'];

/**
 * One sale per position: every 10th without a customer (Capillary `not_interested`), positions 7,
 * 107, … with a customer CRM.COM does not know (rejected), two with a coupon no vendor knows (the
 * coupon is refused, the sale completes), five redeeming Capillary points (a Capillary customer).
 */
function sale(prefix: string, i: number): Record<string, unknown> {
  const amount = (5 + (i % 7)).toFixed(2);
  const body: Record<string, unknown> = {
    store: STORES[i % STORES.length],
    till: TILLS[i % TILLS.length],
    posReference: `${prefix}-${i}`,
    performedOn: '2026-11-21T10:00:00Z',
    currency: 'EUR',
    customer: { provider: 'crmcom', identifier: { type: 'code', value: i % 100 === 7 ? '00000000' : '22265577' } },
    lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: amount, netAmount: amount, vatAmount: '0.00' }],
  };
  if (i % 10 === 3) delete body.customer;
  if (i === 11 || i === 12) body.coupons = [{ provider: 'coupontools', code: `unknown${i}` }];
  if (i % 100 === 21) body.points = { provider: 'capillary', points: 10, identifier: { type: 'phone', value: '919999999999' } };
  return body;
}

const withoutCustomer = (i: number) => i % 10 === 3;
const rejected = (i: number) => i % 100 === 7;

/** HTTP into the API -> batch workflow -> one-shot sagas on the real dev server -> sandbox -> Postgres. */
describe('POST /v1/checkouts/batch', () => {
  const stack = testStackForFile();

  const workflowCount = async () => Number((await stack.temporal.workflow.count(`TaskQueue = "${stack.config.TEMPORAL_TASK_QUEUE}"`)).count);

  const batchProgress = async (batchId: string) => (await stack.api().get(`/v1/checkouts/batch/${batchId}`).expect(200)).body;
  /** The batch's progress once it is completed, or its last progress when `timeoutMs` ran out. */
  const progressWhenDone = (batchId: string, timeoutMs: number) =>
    eventually(() => batchProgress(batchId), (progress) => progress.status === 'completed', { timeoutMs, intervalMs: 500 });

  it('runs 500 sales to 500 results, and the same upload again starts nothing new', async () => {
    await resetSandbox(stack.sandboxUrl);
    const prefix = uniquePosReference('B');
    const body = { sales: Array.from({ length: 500 }, (_, i) => sale(prefix, i)) };

    const started = Date.now();
    const accepted = await stack.api().post('/v1/checkouts/batch').send(body).expect(202);
    const acceptedMs = Date.now() - started;
    expect(accepted.body).toMatchObject({ batchId: expect.stringMatching(/^b-[0-9a-f]{32}$/), sales: 500, replayed: false });
    expect(accepted.headers.location).toBe(`/v1/checkouts/batch/${accepted.body.batchId}`);

    const progress = await progressWhenDone(accepted.body.batchId, 280_000);
    const batchMs = Date.now() - started;
    console.log(
      progress.status === 'completed'
        ? `500-sale batch: 202 after ${acceptedMs} ms, all 500 results after ${(batchMs / 1000).toFixed(1)} s (${(500 / (batchMs / 1000)).toFixed(1)} sales/s)`
        : `500-sale batch: NOT finished after ${(batchMs / 1000).toFixed(1)} s (${JSON.stringify(progress.counts)})`,
    );

    const expectRejected = Array.from({ length: 500 }, (_, i) => i).filter(rejected).length;
    expect(progress.status).toBe('completed');
    expect(progress.counts).toEqual({ total: 500, completed: 500 - expectRejected, rejected: expectRejected, failed: 0, pending: 0 });
    expect(progress.results).toHaveLength(500);
    expect(progress.results.map((r: { position: number }) => r.position)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(progress.results[7]).toMatchObject({ outcome: 'rejected', reason: 'Rewards participant not found', posReference: `${prefix}-7` });
    expect(progress.results[0]).toMatchObject({
      outcome: 'completed',
      state: 'completed',
      checkoutId: `checkout:demo:S1:T1:${prefix}-0`,
      receipt: { total: '5.00', amountDue: '5.00', awarded: '0.05', spent: '0.00', exceptions: [] },
    });
    expect(progress.results[11]).toMatchObject({ outcome: 'completed', receipt: { total: '9.00' } });
    expect(progress.results[21]).toMatchObject({ outcome: 'completed', receipt: { pointsRedeemed: 10 } });

    // Every completed sale is billed at Capillary once; without a customer as not_interested.
    const journal = countEffects(await journalOf(stack.sandboxUrl, 'demo:'));
    const completed = 500 - expectRejected;
    const withCrmcomCustomer = Array.from({ length: 500 }, (_, i) => i).filter((i) => !withoutCustomer(i) && !rejected(i)).length;
    expect(journal).toEqual({
      'capillary:transaction.add': completed,
      'capillary:points.redeem': 5,
      'crmcom:purchase.create': withCrmcomCustomer,
    });
    const bills = await stack.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('a')
      .where('a.operation = :op AND a.outcome = :ok AND a.checkout_id LIKE :prefix', { op: 'transaction.add', ok: 'success', prefix: `checkout:demo:%:${prefix}-%` })
      .getMany();
    const billType = (checkoutId: string) =>
      (bills.find((b) => b.checkoutId === checkoutId)?.requestExcerpt as { root: { transaction: Array<{ type: string }> } } | undefined)?.root.transaction[0].type;
    expect(billType(progress.results[3].checkoutId)).toBe('not_interested');
    expect(billType(progress.results[13].checkoutId)).toBe('not_interested');
    expect(billType(progress.results[21].checkoutId)).toBe('regular');
    expect(bills).toHaveLength(completed);

    // The same upload again: the same batch id, no new workflow, no new effect, no new audit row.
    const workflowsBefore = await workflowCount();
    const auditBefore = await stack.dataSource.getRepository(AuditEvent).count();
    const again = await stack.api().post('/v1/checkouts/batch').send(body).expect(202);
    expect(again.body).toEqual({ batchId: accepted.body.batchId, sales: 500, replayed: true });
    expect(again.headers['idempotent-replayed']).toBe('true');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await workflowCount()).toBe(workflowsBefore);
    expect(workflowsBefore).toBe(501); // 500 checkouts and the batch
    expect(countEffects(await journalOf(stack.sandboxUrl, 'demo:'))).toEqual(journal);
    expect(await stack.dataSource.getRepository(AuditEvent).count()).toBe(auditBefore);
    expect((await batchProgress(accepted.body.batchId)).counts).toEqual(progress.counts);
  }, 300_000);

  it('refuses a batch with an invalid sale whole, naming the field under its sale, and starts nothing', async () => {
    const prefix = uniquePosReference('V');
    const sales = Array.from({ length: 20 }, (_, i) => sale(prefix, i));
    sales[12] = { ...sales[12], lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '10.001', netAmount: '10.00', vatAmount: '0.00' }] };
    sales[14] = { ...sales[14], store: undefined };
    sales[15] = { ...sales[15], posReference: `${prefix}-1`, store: sales[1].store, till: sales[1].till };
    sales[16] = { ...sales[16], complete: false };
    const workflowsBefore = await workflowCount();

    const res = await stack.api().post('/v1/checkouts/batch').send({ sales }).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'sales[14].store' })]);

    sales[14] = sale(prefix, 14);
    const mapped = await stack.api().post('/v1/checkouts/batch').send({ sales }).expect(400);
    expect(mapped.body.errors).toEqual([
      { field: 'sales[12].lines[0].totalAmount', message: expect.stringMatching(/EUR|decimal|places/i) },
      { field: 'sales[15].posReference', message: 'repeats the store, till and posReference of sales[1]' },
      { field: 'sales[16].complete', message: 'must be true or absent: a batch carries completed sales' },
    ]);

    const tooMany = await stack.api()
      .post('/v1/checkouts/batch')
      .send({ sales: Array.from({ length: 501 }, (_, i) => sale(prefix, i)) })
      .expect(400);
    expect(tooMany.body.errors).toEqual([{ field: 'sales', message: 'must contain no more than 500 elements' }]);

    await new Promise((r) => setTimeout(r, 1000));
    expect(await workflowCount()).toBe(workflowsBefore);
    expect(await stack.dataSource.getRepository(Checkout).createQueryBuilder('c').where('c.pos_reference LIKE :p', { p: `${prefix}-%` }).getCount()).toBe(0);
  });

  it('refuses Capillary validation codes, enrolment details and card numbers in a batch (stored in clear before it runs): 400 naming each field, nothing stored or started', async () => {
    const prefix = uniquePosReference('PD');
    const withCodes = {
      ...sale(prefix, 0),
      points: { provider: 'capillary', points: 10, identifier: { type: 'phone', value: '919999999999' }, validationCode: '4PZGXC', enrol: { firstName: 'Tom' } },
      coupons: [{ provider: 'coupontools', code: 'unknown0' }, { provider: 'capillary', code: 'CAPCPN1', validationCode: '4PZGXC' }],
    };
    const byCard = { ...sale(prefix, 1), points: { provider: 'capillary', points: 10, identifier: { type: 'card', value: CAPILLARY_SANDBOX_CUSTOMER.cardNumber } } };
    const byCardExternalId = { ...sale(prefix, 2), points: { provider: 'capillary', points: 10, identifier: { type: 'cardExternalId', value: CAPILLARY_SANDBOX_CUSTOMER.cardExternalId } } };
    const workflowsBefore = await workflowCount();
    const res = await stack.api().post('/v1/checkouts/batch').send({ sales: [withCodes, byCard, byCardExternalId, sale(prefix, 4)] }).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'sales[0].points.validationCode',
      'sales[0].points.enrol',
      'sales[0].coupons[1].validationCode',
      'sales[1].points.identifier',
      'sales[2].points.identifier',
    ]);
    const [{ count }] = (await stack.dataSource.query(`SELECT count(*)::int AS count FROM checkout_batch_sales WHERE pos_reference LIKE $1`, [`${prefix}-%`])) as Array<{ count: number }>;
    expect(count).toBe(0);
    expect(await workflowCount()).toBe(workflowsBefore);
  });

  it('answers 409 when a batchReference is reused for other sales, and 404 for an unknown batch', async () => {
    const prefix = uniquePosReference('R');
    const batchReference = `ref-${prefix}`;
    const first = await stack.api().post('/v1/checkouts/batch').send({ batchReference, sales: [sale(prefix, 0)] }).expect(202);
    expect(first.body.batchId).toBe(batchReference);
    const other = await stack.api().post('/v1/checkouts/batch').send({ batchReference, sales: [sale(prefix, 1)] }).expect(409);
    expect(other.body).toMatchObject({ type: '/problems/idempotency-conflict', batchId: batchReference });
    await stack.api().get('/v1/checkouts/batch/no-such-batch').expect(404);
    expect((await progressWhenDone(batchReference, 60_000)).counts).toMatchObject({ total: 1, completed: 1 });
  });

  it('reports a sale whose checkout key already belongs to another sale as rejected, without touching it', async () => {
    const prefix = uniquePosReference('C');
    const single = { ...sale(prefix, 0), complete: true };
    await stack.api().post('/v1/checkouts').send(single).expect(201);
    const effectsBefore = countEffects(await journalOf(stack.sandboxUrl, `demo:S1:T1:${prefix}-0`));
    const changed = { ...sale(prefix, 0), lines: [{ sku: 'Soft Drinks', quantity: 2, totalAmount: '99.00', netAmount: '99.00', vatAmount: '0.00' }] };
    // The same sale as the single POST is a replay (completed), a different one with its key is refused.
    const same = await stack.api().post('/v1/checkouts/batch').send({ sales: [sale(prefix, 0), sale(prefix, 1)] }).expect(202);
    const conflict = await stack.api().post('/v1/checkouts/batch').send({ sales: [changed] }).expect(202);
    expect((await progressWhenDone(same.body.batchId, 60_000)).counts).toMatchObject({ completed: 2, rejected: 0 });
    const refused = await progressWhenDone(conflict.body.batchId, 60_000);
    expect(refused.results[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('already identify another checkout') });
    expect(countEffects(await journalOf(stack.sandboxUrl, `demo:S1:T1:${prefix}-0`))).toEqual(effectsBefore);
  });
});
