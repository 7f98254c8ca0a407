import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { runKeysCli } from '../../src/access/keys-cli';
import { eventually } from '../support/eventually';
import { bearer, testStackForFile } from '../support/test-stack';

interface Row {
  id: string;
  event: string;
  merchant: string | null;
  actor: string;
  subject: string | null;
  outcome: string;
  count: number;
  source: string | null;
  detail: Record<string, unknown>;
  text: string;
}

/**
 * Issue 21, item 8 (M9): keys created and revoked, failed authentications (rate-limited, counted),
 * audit-log and report reads are security events in the append-only security_events table, readable
 * by a merchant-wide ops or finance key; no key or secret in any of them.
 */
describe('security events', () => {
  const stack = testStackForFile({ FAILED_AUTH_EVENT_WINDOW_MS: '1000' });
  const rows = async (where: string, params: unknown[]): Promise<Row[]> =>
    stack.dataSource.query(`SELECT id::text, event, merchant, actor, subject, outcome, count, source, detail, security_events::text AS text FROM security_events WHERE ${where} ORDER BY id`, params);

  it('records a key created and revoked with the keys CLI: who, which key id, never the key', async () => {
    const merchant = `sec-${randomUUID().slice(0, 8)}`;
    const out: string[] = [];
    expect(await runKeysCli(['create', '--role', 'finance', '--merchant', merchant], stack.config, (l) => out.push(l))).toBe(0);
    const key = out.find((l) => l.startsWith('cs_'))!;
    const keyId = key.split('_')[1]!;
    // A whole key pasted into revoke is revoked by its id.
    expect(await runKeysCli(['revoke', key], stack.config, () => undefined)).toBe(0);
    expect(await runKeysCli(['revoke', keyId], stack.config, () => undefined)).toBe(0);
    const events = await rows('merchant = $1', [merchant]);
    expect(events.map((e) => [e.event, e.subject, e.outcome, e.source])).toEqual([
      ['key_created', keyId, 'ok', 'cli'],
      ['key_revoked', keyId, 'revoked', 'cli'],
      ['key_revoked', keyId, 'already-revoked', 'cli'],
    ]);
    expect(events[0]!.actor).toMatch(/^cli:/);
    expect(events[0]!.detail).toMatchObject({ role: 'finance', store: null });
    for (const e of events) expect(e.text).not.toContain(key.split('_').slice(2).join('_'));
  });

  it('records failed authentications at most once per key id and source a window, with the count of the rest', async () => {
    const unknownId = randomUUID().replace(/-/g, '').slice(0, 12);
    const unknown = `cs_${unknownId}_${'B'.repeat(43)}`;
    for (let i = 0; i < 20; i++) await request(stack.apiUrl).get('/v1/audit/events').set(bearer(unknown)).expect(401);
    // Per window, the first at once (count 1) and the others as one row when it closes: 20 failures in
    // at most two windows (1 s each here) are at most 4 rows, whose counts add up to 20.
    const all = await eventually(
      () => rows('subject = $1', [unknownId]),
      (r) => r.reduce((n, e) => n + e.count, 0) === 20,
      { timeoutMs: 10_000 },
    );
    expect(all.reduce((n, e) => n + e.count, 0)).toBe(20);
    expect(all.length).toBeLessThanOrEqual(4);
    expect(all[0]).toMatchObject({ event: 'authentication_failed', count: 1, outcome: 'refused', actor: 'anonymous', merchant: null, detail: { reason: 'unknown-or-revoked' } });
    expect(all[0]!.source).toMatch(/127\.0\.0\.1/);
    for (const e of all) expect(e.text).not.toContain('B'.repeat(43));

    // A revoked key of the merchant: the event carries its merchant (so its merchant's ops see it).
    const revoked = await stack.keyFor({ role: 'finance' });
    const revokedId = revoked.split('_')[1]!;
    await stack.dataSource.query(`UPDATE api_keys SET revoked_at = now() WHERE key_id = $1`, [revokedId]);
    await request(stack.apiUrl).get('/v1/audit/events').set(bearer(revoked)).expect(401);
    const revokedRows = await eventually(() => rows(`subject = $1 AND event = 'authentication_failed'`, [revokedId]), (r) => r.length === 1);
    expect(revokedRows[0]!.merchant).toBe(stack.config.MERCHANT_ID);
  });

  it('records every read of the audit log and of the reports: the key id, the route and its filters, the outcome', async () => {
    const finance = await stack.keyFor({ role: 'finance' });
    const keyId = finance.split('_')[1]!;
    const as = request(stack.apiUrl);
    await as.get('/v1/audit/events').query({ store: 'S1', limit: 5 }).set(bearer(finance)).expect(200);
    await as.get('/v1/audit/verify').query({ from: '2026-11-21', to: '2026-11-21' }).set(bearer(finance)).expect(200);
    await as.get('/v1/audit/verify').query({ from: 'yesterday', to: '2026-11-21' }).set(bearer(finance)).expect(400);
    await as.get('/v1/reports/reconciliation').query({ date: '2026-11-21', store: 'S1' }).set(bearer(finance)).expect(200);
    const events = await rows('actor = $1', [`key:${keyId}`]);
    expect(events.map((e) => [e.event, e.subject, e.outcome, e.merchant])).toEqual([
      ['audit_read', 'GET /v1/audit/events', 'ok', stack.config.MERCHANT_ID],
      ['audit_read', 'GET /v1/audit/verify', 'ok', stack.config.MERCHANT_ID],
      ['audit_read', 'GET /v1/audit/verify', 'refused', stack.config.MERCHANT_ID],
      ['report_read', 'GET /v1/reports/reconciliation', 'ok', stack.config.MERCHANT_ID],
    ]);
    expect(events[0]!.detail).toEqual({ filters: { store: 'S1', limit: '5' } });
    expect(events[2]!.detail).toMatchObject({ status: 400 });
    // A refused read's filters with a NUL are recorded too (a NUL cannot go into jsonb: shown as `?`).
    await as.get('/v1/audit/events').query({ store: 'S1\u0000' }).set(bearer(finance)).expect(400);
    const [nul] = await rows(`actor = $1 AND id > $2::bigint`, [`key:${keyId}`, events[3]!.id]);
    expect(nul).toMatchObject({ event: 'audit_read', outcome: 'refused', detail: { filters: { store: 'S1?' }, status: 400 } });
    for (const e of events) expect(e.text).not.toContain(finance.split('_').slice(2).join('_'));
  });

  it('is append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await expect(stack.dataSource.query(`UPDATE security_events SET outcome = 'ok'`)).rejects.toThrow(/append-only/);
    await expect(stack.dataSource.query(`DELETE FROM security_events`)).rejects.toThrow(/append-only/);
    await expect(stack.dataSource.query(`TRUNCATE security_events`)).rejects.toThrow(/append-only/);
  });

  it('serves the merchant\'s events to a merchant-wide ops or finance key, page by page; a store-scoped key is refused', async () => {
    const ops = await stack.keyFor({ role: 'ops' });
    const first = await request(stack.apiUrl).get('/v1/security/events').query({ limit: 2 }).set(bearer(ops)).expect(200);
    expect(first.body.events).toHaveLength(2);
    expect(first.body.events.every((e: Row) => e.merchant === stack.config.MERCHANT_ID)).toBe(true);
    const next = await request(stack.apiUrl).get('/v1/security/events').query({ after: first.body.nextAfter, limit: 500 }).set(bearer(ops)).expect(200);
    expect(Number(next.body.events[0].id)).toBeGreaterThan(Number(first.body.nextAfter));
    // The ops key's own creation is there (created through the store, as npm start and the tests do).
    expect(next.body.events.some((e: Row) => e.event === 'key_created' && e.subject === ops.split('_')[1])).toBe(true);
    const scoped = await stack.keyFor({ role: 'finance', store: 'S1' });
    const refused = await request(stack.apiUrl).get('/v1/security/events').set(bearer(scoped)).expect(403);
    expect(refused.body).toMatchObject({ type: '/problems/outside-key-scope', errors: [{ field: 'store' }] });
    await request(stack.apiUrl).get('/v1/security/events').query({ after: 'x' }).set(bearer(ops)).expect(400);
  });
});
