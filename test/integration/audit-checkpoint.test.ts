import { randomUUID } from 'node:crypto';
import { auditRowHash, CHAIN_GENESIS } from '../../core/audit/audit-chain';
import { AuditEventsRepository, type StoredAuditRow } from '../../core/audit/audit-events.repository';
import { FileHeadCheckpointStore } from '../../core/audit/head-checkpoint-store';
import type { NewAuditRow } from '../../core/audit/audit-writer';
import { AUDIT_CHECKPOINT_SCHEDULE_ID, ensureAuditCheckpointSchedule } from '../../src/audit/audit-checkpoint.schedule';
import { auditCheckpointWorkflow } from '../../workflows/audit-checkpoint.workflow';
import { testAuditWriter } from '../support/audit-database';
import { asSuperuser } from '../support/audit-superuser';
import { testAuditSealDir } from '../support/test-env';
import { startTestStack, type TestStack } from '../support/test-stack';

/**
 * Head checkpoints, through the worker and Temporal: between the nightly seals, what a database
 * superuser does to a checkout's newest rows after a checkpoint is reported by GET /v1/audit/verify
 * the same day. Each test has a merchant of its own: a checkpoint covers one merchant's checkouts.
 */
describe('audit head checkpoints (today, before the nightly seal)', () => {
  let stack: TestStack;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  async function newMerchant() {
    const merchant = `cp${randomUUID().slice(0, 8)}`;
    const finance = await stack.keyFor({ role: 'finance', merchant });
    const checkout = (ref: string) => `checkout:${merchant}:S1:T1:${ref}`;
    const row = (ref: string, n: number): NewAuditRow => ({
      idempotency_key: `${checkout(ref)}|${n}`, checkout_id: checkout(ref), run_id: 'run-1', kind: 'vendor_call', step: 'purchase', vendor: 'crmcom',
      operation: 'purchases.create', outcome: 'success', http_status: 200, latency_ms: n, attempt: 1, amount_minor: 1000 + n, currency: 'EUR',
      vendor_reference: `P${n}`, request_excerpt: { n }, response_excerpt: null, error_code: null, error_message: null, merchant, store: 'S1', till: 'T1',
    });
    const append = async (ref: string, rows: number, from = 0) => {
      for (let n = from; n < from + rows; n++) await testAuditWriter(stack.dataSource).append(row(ref, n));
    };
    const verify = async (from = today) => (await stack.api(finance).get('/v1/audit/verify').query({ from, to: today }).expect(200)).body;
    const checkpoint = () =>
      stack.temporal.workflow.execute(auditCheckpointWorkflow, { workflowId: `audit-checkpoint-${randomUUID()}`, taskQueue: stack.config.TEMPORAL_TASK_QUEUE, args: [{ merchant }] });
    const rowsOf = async (ref: string) => (await stack.dataSource.query(`SELECT * FROM audit_events WHERE checkout_id = $1 ORDER BY id`, [checkout(ref)])) as StoredAuditRow[];
    return { merchant, checkout, row, append, verify, checkpoint, rowsOf };
  }

  it('(b) the newest rows of a checkout deleted after a checkpoint, on a day not sealed yet: checkpoint_head_missing names the row', async () => {
    const m = await newMerchant();
    await m.append('R1', 4);
    await m.append('R2', 2);
    expect(await m.checkpoint()).toEqual({ merchants: 1, heads: 2 });
    expect(await m.verify()).toMatchObject({ ok: true, checkedRows: 6, checkedSeals: 0, checkedCheckpointHeads: 2, unreadableCheckpointLines: 0 });

    const r1 = await m.rowsOf('R1');
    await asSuperuser(stack.dataSource, [[`DELETE FROM audit_events WHERE id = ANY($1::bigint[])`, [[r1[2].id, r1[3].id]]]]);

    const body = await m.verify();
    // What is left of the chain verifies, and there is no seal yet: only the checkpoint outside Postgres sees it.
    expect(body).toMatchObject({ ok: false, checkedRows: 4, checkedSeals: 0, legacyRows: 0 });
    expect(body.firstBreak).toMatchObject({ checkoutId: m.checkout('R1'), eventId: r1[3].id, expected: r1[3].row_hash, actual: 'none', reason: 'checkpoint_head_missing' });
  });

  it('(a) a checkout\'s whole chain recomputed as legacy plain SHA-256 rows after a checkpoint: checkpoint_head_mismatch', async () => {
    const m = await newMerchant();
    await m.append('R1', 3);
    await m.checkpoint();
    const r1 = await m.rowsOf('R1');
    let prev = CHAIN_GENESIS;
    const rewrites: Array<[string, unknown[]]> = r1.map((r, i) => {
      const content = i === 1 ? { ...r, amount_minor: '1' } : r;
      const rowHash = auditRowHash(prev, content);
      const statement: [string, unknown[]] = [`UPDATE audit_events SET amount_minor = $1, prev_hash = $2, row_hash = $3, key_id = NULL WHERE id = $4`, [content.amount_minor, prev, rowHash, r.id]];
      prev = rowHash;
      return statement;
    });
    await asSuperuser(stack.dataSource, rewrites);

    const body = await m.verify();
    // The chain verifies as legacy rows (only a count says so) ...
    expect(body).toMatchObject({ ok: false, checkedRows: 3, legacyRows: 3 });
    // ... but its head is not the row the checkpoint recorded.
    expect(body.firstBreak).toMatchObject({ checkoutId: m.checkout('R1'), eventId: r1[2].id, expected: r1[2].row_hash, actual: prev, reason: 'checkpoint_head_mismatch' });
  });

  it("a merchant's first checkpoint records every checkout, legacy rows included; the next only those changed since; legacy rows rewritten later are caught", async () => {
    const m = await newMerchant();
    // R1: legacy rows (plain SHA-256, no key id) recorded an hour ago, as before keyed chains.
    const events = new AuditEventsRepository(stack.dataSource);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    let prev = CHAIN_GENESIS;
    for (let n = 0; n < 2; n++) {
      const content = { ...m.row('R1', n), customer_ref: null, recorded_at: anHourAgo };
      const rowHash = auditRowHash(prev, content);
      await stack.dataSource.transaction((tx) => events.insert(tx, { ...content, prev_hash: prev, row_hash: rowHash, key_id: null }));
      prev = rowHash;
    }
    await m.append('R2', 1);
    expect(await m.checkpoint()).toEqual({ merchants: 1, heads: 2 });
    await m.append('R2', 1, 1);
    // R1 has no row since the first checkpoint (less its overlap): only R2 is recorded again.
    expect(await m.checkpoint()).toEqual({ merchants: 1, heads: 1 });
    const lines = (await new FileHeadCheckpointStore(testAuditSealDir()).read(m.merchant, new Date(Date.now() - 600_000), new Date(Date.now() + 1000))).lines;
    expect(lines.map((l) => [l.since === null, l.heads.map((h) => h.checkoutId).sort()])).toEqual([
      [true, [m.checkout('R1'), m.checkout('R2')]],
      [false, [m.checkout('R2')]],
    ]);

    const from = anHourAgo.toISOString().slice(0, 10);
    expect(await m.verify(from)).toMatchObject({ ok: true, legacyRows: 2, checkedCheckpointHeads: 3 });
    // The legacy chain rewritten with recomputed plain hashes: nothing in Postgres can tell, the first checkpoint can.
    const r1 = await m.rowsOf('R1');
    const changed = { ...r1[1], amount_minor: '1' };
    const rehash = auditRowHash(r1[0].row_hash, changed);
    await asSuperuser(stack.dataSource, [[`UPDATE audit_events SET amount_minor = 1, row_hash = $1 WHERE id = $2`, [rehash, r1[1].id]]]);
    expect(await m.verify(from)).toMatchObject({ ok: false, firstBreak: { checkoutId: m.checkout('R1'), eventId: r1[1].id, actual: rehash, reason: 'checkpoint_head_mismatch' } });
  });

  it('the schedule runs the checkpoint every AUDIT_CHECKPOINT_INTERVAL_SECONDS; a later start updates it', async () => {
    const client = stack.temporal;
    try {
      expect(await ensureAuditCheckpointSchedule(client, { taskQueue: stack.config.TEMPORAL_TASK_QUEUE, intervalSeconds: 300 })).toBe('created');
      expect(await ensureAuditCheckpointSchedule(client, { taskQueue: stack.config.TEMPORAL_TASK_QUEUE, intervalSeconds: 120 })).toBe('updated');
      const described = await client.schedule.getHandle(AUDIT_CHECKPOINT_SCHEDULE_ID).describe();
      expect(described.spec.intervals?.map((i) => i.every)).toEqual([120_000]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'auditCheckpointWorkflow', taskQueue: stack.config.TEMPORAL_TASK_QUEUE });
    } finally {
      await client.schedule.getHandle(AUDIT_CHECKPOINT_SCHEDULE_ID).delete().catch(() => undefined);
    }
  });
});
