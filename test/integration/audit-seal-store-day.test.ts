import { randomUUID } from 'node:crypto';
import type { ReconciliationReport } from '../../src/reports/reconciliation.types';
import { auditSealWorkflow } from '../../workflows/audit-seal.workflow';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { oneShotSaleAt } from '../support/shifted-clock';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';

/**
 * The seal's day and the reconciliation's day are the same: the store's calendar day in its zone.
 * S1 (Asia/Nicosia, +02:00 in winter) sells at 00:00:30 local time, still the previous day in UTC:
 * the nightly seal (with no `today`, each store's own today) seals the sale into the local day, the
 * report counts it there, and verify with `store` reads `from`/`to` as that store's days.
 */
describe('audit seals per store day', () => {
  let stack: TestStack;
  const merchant = `sday${randomUUID().slice(0, 8)}`;
  const zone = 'Asia/Nicosia';

  beforeAll(async () => {
    stack = await startTestStack({ MERCHANT_ID: merchant });
  }, 60_000);
  afterAll(() => stack?.stop());

  const report = async (date: string) =>
    (await stack.api(stack.keys.finance).get('/v1/reports/reconciliation').query({ date, store: 'S1' }).expect(200)).body as ReconciliationReport;
  const salesOf = (r: ReconciliationReport) => r.totals.reduce((n, t) => n + t.sales.count, 0);
  const verify = (day: string) => stack.api(stack.keys.finance).get('/v1/audit/verify').query({ from: day, to: day, store: 'S1' }).expect(200);

  it('seals a sale just after local midnight into the local day, where the report counts it too', async () => {
    // Today's sale first, by the real clock (vendor tokens taken now stay valid a day back): today is
    // not closed yet where the store is, so it is not sealed.
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('SDT'))).expect(201);
    // Yesterday 00:00:30 in Nicosia, as an instant: its UTC date is the day before.
    const [{ at, localDay }] = (await stack.dataSource.query(
      `SELECT (d + time '00:00:30') AT TIME ZONE $1 AS at, to_char(d, 'YYYY-MM-DD') AS "localDay" FROM (SELECT (now() AT TIME ZONE $1)::date - 1 AS d) AS yesterday`,
      [zone],
    )) as { at: Date; localDay: string }[];
    const utcDay = at.toISOString().slice(0, 10);
    expect(utcDay < localDay).toBe(true);

    const sale = await oneShotSaleAt(stack, at, oneShotCheckoutBody(uniquePosReference('SDM'), { performedOn: at.toISOString() }));
    expect(sale.state).toBe('completed');

    const sealed = await stack.temporal.workflow.execute(auditSealWorkflow, {
      workflowId: `audit-seal-store-day-${randomUUID()}`,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      args: [{ merchant }],
    });
    expect(sealed).toEqual({ merchants: 1, sealed: 1 });
    const seals = (await stack.dataSource.query(
      `SELECT store, to_char(day, 'YYYY-MM-DD') AS day, time_zone AS "timeZone", checkout_heads AS heads FROM audit_seals WHERE merchant = $1`,
      [merchant],
    )) as Array<{ store: string; day: string; timeZone: string; heads: Array<{ checkoutId: string }> }>;
    expect(seals).toEqual([{ store: 'S1', day: localDay, timeZone: zone, heads: [expect.objectContaining({ checkoutId: sale.checkoutId })] }]);

    const local = await report(localDay);
    expect(local).toMatchObject({ date: localDay, timeZone: zone });
    expect(salesOf(local)).toBe(1);
    expect(salesOf(await report(utcDay))).toBe(0);

    // verify's days are the store's: the local day holds the sale's whole chain and the seal; the UTC day neither.
    expect((await verify(localDay)).body).toMatchObject({ ok: true, checkedCheckouts: 1, checkedSeals: 1, firstBreak: null });
    expect((await verify(utcDay)).body).toMatchObject({ ok: true, checkedCheckouts: 0, checkedSeals: 0 });
  });
});
