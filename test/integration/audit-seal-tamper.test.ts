import { randomUUID } from 'node:crypto';
import { auditRowHash, CHAIN_GENESIS, type AuditRowContent } from '../../core/audit/audit-chain';
import { sealHash, type CheckoutHead } from '../../core/audit/audit-seal';
import { auditSealWorkflow } from '../../workflows/audit-seal.workflow';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { oneShotSaleAt } from '../support/shifted-clock';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';

interface StoredSeal {
  day: string;
  checkout_heads: CheckoutHead[];
  prev_seal_hash: string;
  seal_hash: string;
}

/**
 * Daily seals changed behind the triggers' back, as the owner role can (disable the trigger, change,
 * re-enable, in one transaction): GET /v1/audit/verify names the seal and the kind of break. Each
 * store gets a real sale yesterday (the worker's clock moved back a day) and one today, sealed by
 * auditSealWorkflow into a chain of two seals, and is tampered with in one way only.
 */
describe('audit seals tampered with behind the triggers', () => {
  let stack: TestStack;
  const merchant = `stamp${randomUUID().slice(0, 8)}`;
  const stores = { hash: 'SH', relinked: 'SR', deleted: 'SD', newestDeleted: 'SN' };
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const [yesterday, today] = [day(-1), day(0)];

  beforeAll(async () => {
    stack = await startTestStack({ MERCHANT_ID: merchant });
    // Its own stores, in UTC: the seals' days are the UTC days this test computes.
    for (const store of Object.values(stores)) await stack.dataSource.query(`INSERT INTO stores (merchant, store, time_zone) VALUES ($1, $2, 'UTC')`, [merchant, store]);
    // Today's sales first: vendor tokens taken by the real clock stay valid a day back, not the other way.
    for (const store of Object.values(stores)) await oneShotSaleAt(stack, new Date(), oneShotCheckoutBody(uniquePosReference('ST'), { store }));
    for (const store of Object.values(stores)) {
      await oneShotSaleAt(stack, new Date(Date.now() - 86_400_000), oneShotCheckoutBody(uniquePosReference('SY'), { store }));
    }
    const sealed = await stack.temporal.workflow.execute(auditSealWorkflow, {
      workflowId: `audit-seal-tamper-${randomUUID()}`,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      args: [{ today: day(1), merchant }],
    });
    expect(sealed).toEqual({ merchants: 1, sealed: 2 * Object.keys(stores).length });
  }, 60_000);
  afterAll(() => stack?.stop());

  const verify = (store: string) => stack.api(stack.keys.finance).get('/v1/audit/verify').query({ from: yesterday, to: today, store }).expect(200);

  /** The store's seals, oldest first; before any tampering, checked to be yesterday's and today's, chained. */
  async function sealsOf(store: string): Promise<StoredSeal[]> {
    return (await stack.dataSource.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, checkout_heads, prev_seal_hash, seal_hash FROM audit_seals WHERE merchant = $1 AND store = $2 ORDER BY day`,
      [merchant, store],
    )) as StoredSeal[];
  }
  async function chainedSeals(store: string): Promise<[StoredSeal, StoredSeal]> {
    const seals = await sealsOf(store);
    expect(seals.map((s) => s.day)).toEqual([yesterday, today]);
    expect(seals[0].prev_seal_hash).toBe(CHAIN_GENESIS);
    expect(seals[1].prev_seal_hash).toBe(seals[0].seal_hash);
    expect((await verify(store)).body).toMatchObject({ ok: true, checkedSeals: 2, firstBreak: null });
    return seals as [StoredSeal, StoredSeal];
  }

  /** What the owner role can do: switch the table's append-only trigger off, change rows, switch it on. */
  async function tamper(table: 'audit_seals' | 'audit_events', sql: string, params: unknown[]): Promise<void> {
    await stack.dataSource.transaction(async (tx) => {
      await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
      await tx.query(sql, params);
      await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
    });
  }

  it('reports a seal whose stored hash was altered as seal_hash_mismatch, naming that seal', async () => {
    const store = stores.hash;
    const [, sealed] = await chainedSeals(store);
    const forged = 'a'.repeat(64);
    await tamper('audit_seals', `UPDATE audit_seals SET seal_hash = $1 WHERE merchant = $2 AND store = $3 AND day = $4`, [forged, merchant, store, today]);

    expect((await verify(store)).body).toEqual({
      ok: false,
      checkedRows: expect.any(Number),
      checkedCheckouts: 2,
      checkedSeals: 2,
      firstBreak: { checkoutId: `seal:${store}`, eventId: null, recordedAt: today, expected: sealed.seal_hash, actual: forged, reason: 'seal_hash_mismatch' },
      legacyRows: 0,
      legacySeals: 0,
      checkedExternalSeals: 2,
      unreadableExternalSealLines: 0,
      checkedCheckpointHeads: 0,
      unreadableCheckpointLines: 0,
    });
  });

  it('reports a seal linked to another previous hash (its own hash recomputed to match) as seal_chain_break', async () => {
    const store = stores.relinked;
    const [first, second] = await chainedSeals(store);
    // As if yesterday's seal never existed: today's seal restarts the chain and is hashed consistently.
    const rehashed = sealHash(CHAIN_GENESIS, { merchant, store, day: today, heads: second.checkout_heads });
    await tamper('audit_seals', `UPDATE audit_seals SET prev_seal_hash = $1, seal_hash = $2 WHERE merchant = $3 AND store = $4 AND day = $5`, [
      CHAIN_GENESIS, rehashed, merchant, store, today,
    ]);

    expect((await verify(store)).body.firstBreak).toEqual({
      checkoutId: `seal:${store}`, eventId: null, recordedAt: today, expected: first.seal_hash, actual: CHAIN_GENESIS, reason: 'seal_chain_break',
    });
  });

  it('reports the seal after a deleted one as seal_chain_break: its previous hash no longer leads anywhere', async () => {
    const store = stores.deleted;
    const [first] = await chainedSeals(store);
    await tamper('audit_seals', `DELETE FROM audit_seals WHERE merchant = $1 AND store = $2 AND day = $3`, [merchant, store, yesterday]);

    expect((await verify(store)).body).toMatchObject({
      ok: false,
      checkedSeals: 1,
      firstBreak: { checkoutId: `seal:${store}`, eventId: null, recordedAt: today, expected: CHAIN_GENESIS, actual: first.seal_hash, reason: 'seal_chain_break' },
    });
  });

  // Deleting a store's newest seal removed the only guard of each checkout's last row (a seal catches
  // what no later link can). The seal's copy outside Postgres (AUDIT_SEAL_DIR) still names it, and
  // the keyed chain refuses a row rehashed without the key.
  it('reports a store-day whose newest seal was deleted (its copy outside Postgres remains), and its last row then rewritten', async () => {
    const store = stores.newestDeleted;
    const [, sealed] = await chainedSeals(store);
    // Today's sale's last row, which only today's seal guards.
    const [last] = (await stack.dataSource.query(`SELECT * FROM audit_events WHERE id = $1`, [sealed.checkout_heads[0].eventId])) as (AuditRowContent & {
      id: string;
      prev_hash: string;
    })[];
    await tamper('audit_seals', `DELETE FROM audit_seals WHERE merchant = $1 AND store = $2 AND day = $3`, [merchant, store, today]);
    expect((await verify(store)).body).toMatchObject({
      ok: false,
      checkedSeals: 1,
      checkedExternalSeals: 2,
      firstBreak: { checkoutId: `seal:${store}`, eventId: null, recordedAt: today, expected: sealed.seal_hash, actual: 'none', reason: 'seal_missing' },
    });

    const forged = { ...last, amount_minor: '1' };
    await tamper('audit_events', `UPDATE audit_events SET amount_minor = 1, row_hash = $1 WHERE id = $2`, [auditRowHash(last.prev_hash, forged), last.id]);
    expect((await verify(store)).body).toMatchObject({ ok: false, firstBreak: { eventId: last.id, reason: 'row_hash_mismatch' } });
  });
});
