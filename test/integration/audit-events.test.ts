import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { mapBounded } from '../support/bounded';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';

interface EventRow { id: string; checkoutId: string; kind: string; vendor: string | null; outcome: string; till: string; recordedAt: string; amountMinor: number | null; currency: string | null }

describe('GET /v1/audit/events', () => {
  let stack: TestStack;
  const merchant = `audit${randomUUID().slice(0, 8)}`;
  const api = () => stack.api(stack.keys.finance);

  beforeAll(async () => {
    stack = await startTestStack({ MERCHANT_ID: merchant });
    await stack.dataSource.query(`INSERT INTO stores (merchant, store, time_zone) VALUES ($1, 'S1', 'Asia/Nicosia') ON CONFLICT DO NOTHING`, [merchant]);
    await mapBounded(Array.from({ length: 6 }, (_, i) => i), 3, (i) =>
      stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference(), { till: i % 2 ? 'T2' : 'T1' })).expect(201));
  }, 120_000);
  afterAll(() => stack?.stop());

  async function walk(query: Record<string, string | number>): Promise<EventRow[]> {
    const rows: EventRow[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const res: request.Response = await api().get('/v1/audit/events').query(cursor ? { ...query, cursor } : query).expect(200);
      rows.push(...(res.body.events as EventRow[]));
      cursor = res.body.nextCursor;
      if (!cursor) return rows;
    }
    throw new Error('pagination did not end');
  }

  it('walks every row of the merchant exactly once, in (recordedAt, id) order, whatever the page size', async () => {
    const [{ count }] = await stack.dataSource.query(`SELECT count(*)::int AS count FROM audit_events WHERE merchant = $1`, [merchant]);
    const ids = await stack.dataSource.query(`SELECT id::text FROM audit_events WHERE merchant = $1 ORDER BY recorded_at, id`, [merchant]);
    expect(count).toBeGreaterThan(20);
    for (const limit of [1, 7, 1000]) {
      const rows = await walk({ limit });
      expect(rows.map((r) => r.id)).toEqual(ids.map((r: { id: string }) => r.id));
    }
  });

  it('filters by till, kind, vendor and outcome, and shows times in the store\'s zone with amounts in minor units', async () => {
    const rows = await walk({ till: 'T2', kind: 'vendor_call', vendor: 'crmcom', outcome: 'success', limit: 5 });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.till === 'T2' && r.kind === 'vendor_call' && r.vendor === 'crmcom' && r.outcome === 'success')).toBe(true);
    expect(rows[0]?.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0[23]:00$/);
    const purchase = rows.find((r) => r.amountMinor !== null);
    expect(purchase).toMatchObject({ currency: 'EUR', amountMinor: expect.any(Number) });
    const completed = await walk({ kind: 'transition', outcome: 'completed' });
    expect(completed).toHaveLength(6);
    const one = await walk({ checkout: completed[0]?.checkoutId as string });
    expect(new Set(one.map((r) => r.checkoutId))).toEqual(new Set([completed[0]?.checkoutId]));
  });

  it('filters by a date range of ISO instants', async () => {
    const all = await walk({ limit: 1000 });
    const middle = all[Math.floor(all.length / 2)] as EventRow;
    const after = await walk({ from: middle.recordedAt });
    const before = await walk({ to: middle.recordedAt });
    expect(after.length + before.length).toBe(all.length);
    expect(after[0]?.recordedAt).toBe(middle.recordedAt);
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 1001 }, 'limit'],
    [{ from: 'yesterday' }, 'from'],
    [{ kind: 'other' }, 'kind'],
    [{ cursor: 'not-ours' }, 'cursor'],
    [{ from: '2026-11-22T00:00:00Z', to: '2026-11-21T00:00:00Z' }, 'to'],
    [{ colour: 'red' }, 'colour'],
  ])('refuses %j with 400 problem+json naming %s', async (query, field) => {
    const res = await api().get('/v1/audit/events').query(query).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it.each([
    [{ store: 'S1' }, 'date'],
    [{ date: '2026-11-21' }, 'store'],
    [{ date: '21/11/2026', store: 'S1' }, 'date'],
    [{ date: '2026-02-30', store: 'S1' }, 'date'],
    [{ date: '2026-11-21', store: 'S1', format: 'xml' }, 'format'],
  ])('GET /v1/reports/reconciliation refuses %j with 400 naming %s', async (query, field) => {
    const res = await api().get('/v1/reports/reconciliation').query(query).expect(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });
});
