import { randomUUID } from 'node:crypto';
import type { ReconciliationReport } from '../../src/reports/reconciliation.types';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { oneShotSaleAt } from '../support/shifted-clock';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';

/**
 * The midnight rule of GET /v1/reports/reconciliation: a sale counts on the calendar day of its
 * store's time zone. A New York store (UTC-5, or -4 in summer) sells at 23:59 local time, which is
 * already the next day in UTC: the sale is on the local day's report and not on the UTC day's. The
 * sale runs through the API and the real saga, with the Jest process's clock (the in-process
 * worker's, hence the audit rows' `recorded_at`) moved to that minute.
 */
describe('GET /v1/reports/reconciliation: a sale just before local midnight', () => {
  let stack: TestStack;
  const merchant = `midn${randomUUID().slice(0, 8)}`;
  const store = 'NY1';
  const zone = 'America/New_York';

  beforeAll(async () => {
    stack = await startTestStack({ MERCHANT_ID: merchant });
    await stack.dataSource.query(`INSERT INTO stores (merchant, store, time_zone) VALUES ($1, $2, $3)`, [merchant, store, zone]);
  });
  afterAll(() => stack?.stop());

  const report = async (date: string) =>
    (await stack.api(stack.keys.finance).get('/v1/reports/reconciliation').query({ date, store }).expect(200)).body as ReconciliationReport;
  const salesOf = (r: ReconciliationReport) => r.totals.reduce((n, t) => n + t.sales.count, 0);

  it('counts on the store\'s local day, not on the UTC day', async () => {
    // Today 23:59:00 in New York, as an instant; its UTC date is the next day.
    const [{ at, localDay }] = (await stack.dataSource.query(
      `SELECT (d + time '23:59:00') AT TIME ZONE $1 AS at, to_char(d, 'YYYY-MM-DD') AS "localDay" FROM (SELECT (now() AT TIME ZONE $1)::date AS d) AS today`,
      [zone],
    )) as { at: Date; localDay: string }[];
    const utcDay = at.toISOString().slice(0, 10);
    expect(utcDay > localDay).toBe(true);

    const sale = await oneShotSaleAt(stack, at, oneShotCheckoutBody(uniquePosReference('MN'), { store, performedOn: at.toISOString() }));
    expect(sale.state).toBe('completed');
    // The premise: the saga entered `completed` in the last minute of the local day.
    const [completed] = (await stack.dataSource.query(
      `SELECT to_char(recorded_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI') AS local, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS utc
         FROM audit_events WHERE checkout_id = $1 AND kind = 'transition' AND outcome = 'completed'`,
      [sale.checkoutId, zone],
    )) as { local: string; utc: string }[];
    expect(completed).toEqual({ local: `${localDay} 23:59`, utc: utcDay });

    const local = await report(localDay);
    expect(local).toMatchObject({ store, date: localDay, timeZone: zone, timeZoneSource: 'store', from: expect.stringMatching(new RegExp(`^${localDay}T00:00:00\\.000-0[45]:00$`)) });
    expect(local.totals).toEqual([expect.objectContaining({ currency: 'EUR', sales: expect.objectContaining({ count: 1, totalMinor: 1000 }) })]);

    const utc = await report(utcDay);
    expect(utc).toMatchObject({ date: utcDay, timeZone: zone });
    expect(salesOf(utc)).toBe(0);
  });
});
