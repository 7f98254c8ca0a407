import request from 'supertest';
import { bearer, testStackForFile } from '../support/test-stack';

/**
 * Issue 21, item 7: the expensive routes (reports, audit verify, batch upload, product sync) count
 * against a budget per key of their own, on top of the key's limit: 429 problem+json with Retry-After
 * once it is spent, while the key's other calls, and other keys, go on.
 */
describe('the per-key budget for expensive endpoints', () => {
  const stack = testStackForFile({ API_KEY_EXPENSIVE_RATE_LIMIT_PER_MINUTE: '3' });

  it('answers 429 once a key spent its expensive budget, across the expensive routes; cheap calls and other keys go on', async () => {
    const finance = await stack.keyFor({ role: 'finance' });
    const as = (key: string) => request(stack.apiUrl).get('/v1/reports/reconciliation').query({ date: '2026-11-21', store: 'S1' }).set(bearer(key));
    await as(finance).expect(200);
    await request(stack.apiUrl).get('/v1/audit/verify').query({ from: '2026-11-21', to: '2026-11-21' }).set(bearer(finance)).expect(200);
    await as(finance).expect(200);
    const limited = await as(finance).expect(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toMatchObject({ type: '/problems/rate-limited', status: 429, detail: expect.stringContaining('3 expensive requests') });
    await request(stack.apiUrl).get('/v1/audit/verify').query({ from: '2026-11-21', to: '2026-11-21' }).set(bearer(finance)).expect(429);
    // The key's ordinary budget (100,000 a minute here) is not spent: its cheap calls go on.
    await request(stack.apiUrl).get('/v1/audit/events').set(bearer(finance)).expect(200);
    // Another key has its own budget.
    await as(await stack.keyFor({ role: 'finance' })).expect(200);
  });

  it('counts batch uploads and product syncs in the same budget', async () => {
    const admin = await stack.keyFor({ role: 'admin' });
    for (let i = 0; i < 3; i++) await request(stack.apiUrl).post('/v1/products/sync').set(bearer(admin)).send({ products: [] }).expect(400);
    const sync = await request(stack.apiUrl).post('/v1/products/sync').set(bearer(admin)).send({ products: [] }).expect(429);
    expect(sync.body.detail).toContain('expensive');
    await request(stack.apiUrl).post('/v1/checkouts/batch').set(bearer(admin)).send({ sales: [] }).expect(429);
    // Not expensive: a single checkout's read.
    await request(stack.apiUrl).get('/v1/checkouts/checkout:demo:S1:T1:none').set(bearer(admin)).expect(404);
  });
});
