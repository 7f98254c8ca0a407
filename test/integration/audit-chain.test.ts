import { randomUUID } from 'node:crypto';
import type { AuditWriter, NewAuditRow } from '../../core/audit/audit-writer';
import { testAuditSealer, testAuditWriter } from '../support/audit-database';
import { startTestStack, type TestStack } from '../support/test-stack';

/** The hash chain, the daily seals and GET /v1/audit/verify, against the migrated Postgres. */
describe('audit hash chain and GET /v1/audit/verify', () => {
  let stack: TestStack;
  let writer: AuditWriter;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    stack = await startTestStack({}, { worker: false });
    writer = testAuditWriter(stack.dataSource);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A store of its own, so other test files' rows never enter the verified range. */
  const newStore = () => `A${randomUUID().slice(0, 8)}`;
  const row = (store: string, checkoutId: string, n: number): NewAuditRow => ({
    idempotency_key: `${checkoutId}|attempt-${n}`,
    checkout_id: checkoutId,
    run_id: 'run-1',
    kind: 'vendor_call',
    step: 'purchase',
    vendor: 'crmcom',
    operation: 'purchases.create',
    outcome: 'success',
    http_status: 200,
    latency_ms: n,
    attempt: 1,
    amount_minor: 1000 + n,
    currency: 'EUR',
    vendor_reference: `P${n}`,
    request_excerpt: { n, nested: { b: [1, 2.5, 'x'], a: null } },
    response_excerpt: null,
    error_code: null,
    error_message: null,
    merchant: 'demo',
    store,
    till: 'T1',
  });
  const verify = (query: Record<string, string>) => stack.api(stack.keys.finance).get('/v1/audit/verify').query(query);

  it('chains 60 concurrent writes of one checkout (with retried duplicates) into one verifiable chain', async () => {
    const store = newStore();
    const checkoutId = `checkout:demo:${store}:T1:R1`;
    const writes = Array.from({ length: 60 }, (_, n) => writer.append(row(store, checkoutId, n)));
    const retries = Array.from({ length: 20 }, (_, n) => writer.append(row(store, checkoutId, n)));
    const added = await Promise.all([...writes, ...retries]);
    expect(added.filter(Boolean)).toHaveLength(60);

    const links = (await stack.dataSource.query(
      `SELECT prev_hash, row_hash FROM audit_events WHERE checkout_id = $1 ORDER BY id`,
      [checkoutId],
    )) as { prev_hash: string; row_hash: string }[];
    expect(links).toHaveLength(60);
    expect(links[0].prev_hash).toBe('0'.repeat(64));
    links.slice(1).forEach((link, i) => expect(link.prev_hash).toBe(links[i].row_hash));

    const res = await verify({ from: today, to: today, store }).expect(200);
    expect(res.body).toEqual({
      ok: true, checkedRows: 60, checkedCheckouts: 1, checkedSeals: 0, firstBreak: null, legacyRows: 0, legacySeals: 0, checkedExternalSeals: 0, unreadableExternalSealLines: 0, checkedCheckpointHeads: 0, unreadableCheckpointLines: 0,
    });
  });

  it('refuses UPDATE and DELETE on audit_events and audit_seals while the triggers are on', async () => {
    const store = newStore();
    await writer.append(row(store, `checkout:demo:${store}:T1:R1`, 1));
    await testAuditSealer(stack.dataSource).sealDay('demo', store, today);
    await expect(stack.dataSource.query(`UPDATE audit_events SET amount_minor = 1 WHERE store = $1`, [store])).rejects.toThrow(/append-only/);
    await expect(stack.dataSource.query(`DELETE FROM audit_events WHERE store = $1`, [store])).rejects.toThrow(/append-only/);
    await expect(stack.dataSource.query(`UPDATE audit_seals SET seal_hash = seal_hash WHERE store = $1`, [store])).rejects.toThrow(/append-only/);
    await expect(stack.dataSource.query(`DELETE FROM audit_seals WHERE store = $1`, [store])).rejects.toThrow(/append-only/);
  });

  it('reports a row a superuser changed with the trigger disabled as the first break, at that row', async () => {
    const store = newStore();
    for (const checkout of ['R1', 'R2']) {
      for (let n = 0; n < 5; n++) await writer.append(row(store, `checkout:demo:${store}:T1:${checkout}`, n));
    }
    await testAuditSealer(stack.dataSource).sealDay('demo', store, today);
    expect((await verify({ from: today, to: today, store }).expect(200)).body).toMatchObject({ ok: true, checkedRows: 10, checkedSeals: 1 });

    const [target] = (await stack.dataSource.query(
      `SELECT id::text, recorded_at, row_hash FROM audit_events WHERE checkout_id = $1 ORDER BY id OFFSET 2 LIMIT 1`,
      [`checkout:demo:${store}:T1:R2`],
    )) as { id: string; recorded_at: Date; row_hash: string }[];
    await tamper(`UPDATE audit_events SET amount_minor = amount_minor + 100 WHERE id = ${target.id}`);

    const res = await verify({ from: today, to: today, store }).expect(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.checkedRows).toBe(10);
    expect(res.body.firstBreak).toMatchObject({
      checkoutId: `checkout:demo:${store}:T1:R2`,
      eventId: target.id,
      recordedAt: target.recorded_at.toISOString(),
      actual: target.row_hash,
      reason: 'row_hash_mismatch',
    });
    expect(res.body.firstBreak.expected).not.toBe(target.row_hash);
  });

  it('reports a deleted link, and a deleted last row through the day seal', async () => {
    const store = newStore();
    for (let n = 0; n < 4; n++) await writer.append(row(store, `checkout:demo:${store}:T1:R1`, n));
    for (let n = 0; n < 3; n++) await writer.append(row(store, `checkout:demo:${store}:T1:R2`, n));
    await testAuditSealer(stack.dataSource).sealDay('demo', store, today);
    const ids = async (checkout: string) =>
      ((await stack.dataSource.query(`SELECT id::text FROM audit_events WHERE checkout_id = $1 ORDER BY id`, [`checkout:demo:${store}:T1:${checkout}`])) as { id: string }[]).map((r) => r.id);

    // The last row of R2: no later link names it, only the seal does.
    const [, , lastOfR2] = await ids('R2');
    await tamper(`DELETE FROM audit_events WHERE id = ${lastOfR2}`);
    expect((await verify({ from: today, to: today, store }).expect(200)).body.firstBreak).toMatchObject({
      checkoutId: `checkout:demo:${store}:T1:R2`,
      eventId: lastOfR2,
      reason: 'seal_heads_mismatch',
    });

    // A middle row of R1: the next row's link breaks.
    const [, second, third] = await ids('R1');
    await tamper(`DELETE FROM audit_events WHERE id = ${second}`);
    expect((await verify({ from: today, to: today, store }).expect(200)).body.firstBreak).toMatchObject({
      checkoutId: `checkout:demo:${store}:T1:R1`,
      eventId: third,
      reason: 'prev_hash_mismatch',
    });
  });

  it('answers 400 problem+json naming the parameter', async () => {
    const missing = await verify({ to: today }).expect(400);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
    expect((await verify({ from: '2026-11-21', to: '2026-11-20' }).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    expect((await verify({ from: '2026-13-01', to: '2026-11-20' }).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
    expect((await verify({ from: today, to: today, store: 'a b' }).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'store' })]);
  });

  /** What a superuser can do: switch the append-only trigger off, change history, switch it on. */
  async function tamper(sql: string): Promise<void> {
    await stack.dataSource.transaction(async (tx) => {
      await tx.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
      await tx.query(sql);
      await tx.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    });
  }
});
