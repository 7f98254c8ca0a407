import { randomUUID } from 'node:crypto';
import { auditRowHash, CHAIN_GENESIS, type AuditRowContent } from '../../core/audit/audit-chain';
import { AuditEventsRepository } from '../../core/audit/audit-events.repository';
import { AuditChainKeys } from '../../core/audit/audit-keys';
import { sealHash, type CheckoutHead } from '../../core/audit/audit-seal';
import { AuditSealer } from '../../core/audit/audit-sealer';
import { AuditSealsRepository } from '../../core/audit/audit-seals.repository';
import type { NewAuditRow } from '../../core/audit/audit-writer';
import { ExternalSealStore, FileSealStore } from '../../core/audit/external-seal-store';
import { testAuditSealer, testAuditWriter } from '../support/audit-database';
import { asSuperuser as asSuperuserOn } from '../support/audit-superuser';
import { testAuditSealDir } from '../support/test-env';
import { startTestStack, type TestStack } from '../support/test-stack';

type Row = AuditRowContent & { id: string; prev_hash: string; row_hash: string; key_id: string | null };

const OLD_KEY = 'old-chain-key-k1-old-chain-key-k1-0000';
const CURRENT_KEY = 'current-chain-key-k2-current-chain-key-k2';

/**
 * A database superuser (the test database's `postgres`) rewrites the audit trail and recomputes
 * everything the database lets them: the plain SHA-256 chain and seal, or the HMAC under a key of
 * their own. The chain key (AUDIT_CHAIN_KEY) is not in the database and each seal has a copy outside
 * Postgres (AUDIT_SEAL_DIR), so GET /v1/audit/verify reports it. The API runs with a rotated key:
 * `k2` current, `k1` listed as old.
 */
describe('audit trail rewritten by a database superuser', () => {
  let stack: TestStack;
  const today = new Date().toISOString().slice(0, 10);
  const keysNow = new AuditChainKeys('k2', CURRENT_KEY, new Map([['k1', OLD_KEY]]));

  beforeAll(async () => {
    stack = await startTestStack({ AUDIT_CHAIN_KEY: CURRENT_KEY, AUDIT_CHAIN_KEY_ID: 'k2', AUDIT_CHAIN_OLD_KEYS: `k1:${OLD_KEY}` }, { worker: false });
  });
  afterAll(() => stack?.stop());

  /** A store of its own (no `stores` row: UTC days), so other files' rows never enter the range. */
  const newStore = () => `U${randomUUID().slice(0, 8)}`;
  const checkout = (store: string, ref: string) => `checkout:demo:${store}:T1:${ref}`;
  const row = (store: string, ref: string, n: number): NewAuditRow => ({
    idempotency_key: `${checkout(store, ref)}|${n}`, checkout_id: checkout(store, ref), run_id: 'run-1', kind: 'vendor_call', step: 'purchase',
    vendor: 'crmcom', operation: 'purchases.create', outcome: 'success', http_status: 200, latency_ms: n, attempt: 1, amount_minor: 1000 + n,
    currency: 'EUR', vendor_reference: `P${n}`, request_excerpt: { n }, response_excerpt: null, error_code: null, error_message: null,
    merchant: 'demo', store, till: 'T1',
  });
  const verify = (store: string) => stack.api(stack.keys.finance).get('/v1/audit/verify').query({ from: today, to: today, store }).expect(200);

  /** R1 and R2 of a new store, `rows` rows each under the current key, and the day sealed (in Postgres and outside). */
  async function sealedStore(rows: number): Promise<string> {
    const store = newStore();
    const writer = testAuditWriter(stack.dataSource, keysNow);
    for (const ref of ['R1', 'R2']) for (let n = 0; n < rows; n++) await writer.append(row(store, ref, n));
    await testAuditSealer(stack.dataSource, keysNow).sealDay('demo', store, today);
    expect((await verify(store)).body).toMatchObject({ ok: true, checkedRows: 2 * rows, checkedSeals: 1, checkedExternalSeals: 1, legacyRows: 0, legacySeals: 0 });
    return store;
  }

  const rowsOf = async (checkoutId: string) =>
    (await stack.dataSource.query(`SELECT * FROM audit_events WHERE checkout_id = $1 ORDER BY id`, [checkoutId])) as Row[];

  const asSuperuser = (statements: Array<[string, unknown[]]>) => asSuperuserOn(stack.dataSource, statements);

  /**
   * Rows `from`.. of the chain rehashed onto the rows before them, with `hash` (plain SHA-256 or an
   * HMAC of the superuser's own) and `keyId`, the first of them with `amount_minor` = 1.
   */
  function rehashed(rows: Row[], from: number, keyId: string | null, hash: (prev: string, row: AuditRowContent) => string): Array<[string, unknown[]]> {
    let prev = from === 0 ? CHAIN_GENESIS : rows[from - 1].row_hash;
    return rows.slice(from).map((r, i) => {
      const content = i === 0 ? { ...r, amount_minor: '1' } : r;
      const rowHash = hash(prev, content);
      const statement: [string, unknown[]] = [
        `UPDATE audit_events SET amount_minor = $1, prev_hash = $2, row_hash = $3, key_id = $4 WHERE id = $5`,
        [content.amount_minor, prev, rowHash, keyId, r.id],
      ];
      prev = rowHash;
      return statement;
    });
  }

  /** The day's seal rewritten over the heads as they are now, with `hash` and `keyId` (what the superuser can compute). */
  async function resealed(store: string, keyId: string | null, hash: (prev: string, content: Parameters<typeof sealHash>[1]) => string): Promise<[string, unknown[]]> {
    const seals = new AuditSealsRepository(stack.dataSource);
    const heads: CheckoutHead[] = await new AuditEventsRepository(stack.dataSource).checkoutHeads('demo', store, await seals.dayBounds(today, 'UTC'));
    const [seal] = (await stack.dataSource.query(`SELECT prev_seal_hash FROM audit_seals WHERE merchant = 'demo' AND store = $1 AND day = $2`, [store, today])) as {
      prev_seal_hash: string;
    }[];
    const sealed = hash(seal.prev_seal_hash, { merchant: 'demo', store, day: today, heads, timeZone: 'UTC' });
    return [`UPDATE audit_seals SET checkout_heads = $1::jsonb, seal_hash = $2, key_id = $3 WHERE merchant = 'demo' AND store = $4 AND day = $5`, [JSON.stringify(heads), sealed, keyId, store, today]];
  }

  it('(a) a row rewritten and its whole chain and the seal recomputed as plain SHA-256: the copy of the seal outside Postgres names the checkout', async () => {
    const store = await sealedStore(3);
    const r1 = await rowsOf(checkout(store, 'R1'));
    await asSuperuser(rehashed(r1, 0, null, auditRowHash));
    await asSuperuser([await resealed(store, null, sealHash)]);

    const body = (await verify(store)).body;
    expect(body).toMatchObject({ ok: false, legacyRows: 3, legacySeals: 1, checkedExternalSeals: 1 });
    expect(body.firstBreak).toMatchObject({ checkoutId: checkout(store, 'R1'), eventId: r1[2].id, expected: r1[2].row_hash, reason: 'external_heads_mismatch' });
  });

  it('(a) a row rewritten and the rest of its chain recomputed as plain SHA-256 after keyed rows: legacy_after_keyed', async () => {
    const store = await sealedStore(3);
    const r2 = await rowsOf(checkout(store, 'R2'));
    await asSuperuser(rehashed(r2, 1, null, auditRowHash));

    expect((await verify(store)).body.firstBreak).toMatchObject({ checkoutId: checkout(store, 'R2'), eventId: r2[1].id, reason: 'legacy_after_keyed' });
  });

  it('(a) a row rewritten and its chain and the seal recomputed with an HMAC under a key of their own (the key id kept): row_hash_mismatch at that row', async () => {
    const store = await sealedStore(3);
    const r1 = await rowsOf(checkout(store, 'R1'));
    const theirs = new AuditChainKeys('k2', 'a-key-the-superuser-made-up-000000000');
    await asSuperuser(rehashed(r1, 1, 'k2', (prev, content) => theirs.rowHash('k2', prev, content)));
    await asSuperuser([await resealed(store, 'k2', (prev, content) => theirs.sealHash('k2', prev, content))]);

    expect((await verify(store)).body).toMatchObject({ ok: false, legacyRows: 0, firstBreak: { checkoutId: checkout(store, 'R1'), eventId: r1[1].id, reason: 'row_hash_mismatch' } });
  });

  it('(b) the newest rows of a sealed chain deleted and the Postgres seal rewritten to match: reported through the seal outside Postgres', async () => {
    const store = await sealedStore(4);
    const r1 = await rowsOf(checkout(store, 'R1'));
    await asSuperuser([[`DELETE FROM audit_events WHERE id = ANY($1::bigint[])`, [[r1[2].id, r1[3].id]]]]);
    await asSuperuser([await resealed(store, null, sealHash)]);

    const body = (await verify(store)).body;
    // What is left of the chain verifies, and so does the rewritten (unkeyed) Postgres seal ...
    expect(body).toMatchObject({ ok: false, checkedRows: 6, legacyRows: 0, legacySeals: 1 });
    // ... but the head recorded outside Postgres is gone.
    expect(body.firstBreak).toMatchObject({
      checkoutId: checkout(store, 'R1'), eventId: r1[3].id, recordedAt: today, expected: r1[3].row_hash, actual: r1[1].row_hash, reason: 'external_heads_mismatch',
    });
    expect(body.firstBreak.detail).toContain(`now ends at event ${r1[1].id}`);
  });

  it('verifies rows and a seal written before keys (no key id) as the legacy plain chain and counts them; a keyed row may follow them', async () => {
    const store = newStore();
    const events = new AuditEventsRepository(stack.dataSource);
    const seals = new AuditSealsRepository(stack.dataSource);
    // As the writer and the sealer did before this change: plain SHA-256, no key id, nothing outside Postgres.
    let prev = CHAIN_GENESIS;
    for (let n = 0; n < 3; n++) {
      const content = { ...row(store, 'R1', n), customer_ref: null, recorded_at: new Date() };
      const rowHash = auditRowHash(prev, content);
      await stack.dataSource.transaction((tx) => events.insert(tx, { ...content, prev_hash: prev, row_hash: rowHash, key_id: null }));
      prev = rowHash;
    }
    // The first row after the upgrade chains onto the legacy head, keyed.
    await testAuditWriter(stack.dataSource, keysNow).append(row(store, 'R1', 3));
    expect((await rowsOf(checkout(store, 'R1'))).map((r) => r.key_id)).toEqual([null, null, null, 'k2']);
    const heads = await events.checkoutHeads('demo', store, await seals.dayBounds(today, 'UTC'));
    const legacySeal = sealHash(CHAIN_GENESIS, { merchant: 'demo', store, day: today, heads, timeZone: 'UTC' });
    await stack.dataSource.transaction((tx) =>
      seals.insert(tx, 'demo', { store, day: today, time_zone: 'UTC', checkout_heads: heads, prev_seal_hash: CHAIN_GENESIS, seal_hash: legacySeal, key_id: null }),
    );
    expect((await verify(store)).body).toMatchObject({ ok: true, checkedRows: 4, legacyRows: 3, checkedSeals: 1, legacySeals: 1, checkedExternalSeals: 0, firstBreak: null });
  });

  it('writes a seal outside Postgres on the next nightly run when the append failed after the commit, once', async () => {
    // A merchant of its own: the nightly run seals every unsealed day of the merchant.
    const merchant = `cu${randomUUID().slice(0, 8)}`;
    const store = 'S1';
    const finance = await stack.keyFor({ role: 'finance', merchant });
    const verifyOwn = () => stack.api(finance).get('/v1/audit/verify').query({ from: today, to: today, store }).expect(200);
    await testAuditWriter(stack.dataSource, keysNow).append({ ...row(store, 'R1', 0), merchant, checkout_id: `checkout:${merchant}:${store}:T1:R1`, idempotency_key: `${merchant}|R1|0` });
    class Unwritable extends ExternalSealStore {
      readonly location = 'nowhere';
      appendMissing(): never {
        throw new Error('disk full');
      }
      read(): never {
        throw new Error('unused');
      }
    }
    await expect(new AuditSealer(stack.dataSource, keysNow, new Unwritable()).sealDay(merchant, store, today)).rejects.toThrow('disk full');
    expect((await verifyOwn()).body).toMatchObject({ ok: false, checkedSeals: 1, checkedExternalSeals: 0, firstBreak: { checkoutId: `seal:${store}`, reason: 'external_seal_missing' } });

    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const sealer = testAuditSealer(stack.dataSource, keysNow);
    for (let run = 0; run < 2; run++) expect(await sealer.sealClosedDays(merchant, { today: tomorrow, now: new Date() })).toEqual({ sealed: 0 });
    expect((await verifyOwn()).body).toMatchObject({ ok: true, checkedSeals: 1, checkedExternalSeals: 1 });
    expect((await new FileSealStore(testAuditSealDir()).read(merchant, today, today)).lines).toHaveLength(1);
  });

  it('verifies rows and seals under an old key id while it is listed, and names the key id once it is not', async () => {
    const store = newStore();
    const oldKeys = new AuditChainKeys('k1', OLD_KEY);
    // One chain that spans the rotation: two rows under k1, then two under k2.
    for (let n = 0; n < 2; n++) await testAuditWriter(stack.dataSource, oldKeys).append(row(store, 'R1', n));
    for (let n = 2; n < 4; n++) await testAuditWriter(stack.dataSource, keysNow).append(row(store, 'R1', n));
    await testAuditSealer(stack.dataSource, oldKeys).sealDay('demo', store, today);
    expect((await rowsOf(checkout(store, 'R1'))).map((r) => r.key_id)).toEqual(['k1', 'k1', 'k2', 'k2']);
    expect((await verify(store)).body).toMatchObject({ ok: true, checkedRows: 4, checkedSeals: 1, checkedExternalSeals: 1, firstBreak: null });

    const withoutK1 = await startTestStack({ AUDIT_CHAIN_KEY: CURRENT_KEY, AUDIT_CHAIN_KEY_ID: 'k2' }, { worker: false });
    try {
      const res = await withoutK1.api(withoutK1.keys.finance).get('/v1/audit/verify').query({ from: today, to: today, store }).expect(200);
      expect(res.body).toMatchObject({ ok: false, firstBreak: { checkoutId: checkout(store, 'R1'), actual: 'k1', expected: 'one of k2', reason: 'unknown_key_id' } });
      expect(res.body.firstBreak.detail).toMatch(/key id "k1", which is neither AUDIT_CHAIN_KEY_ID nor in AUDIT_CHAIN_OLD_KEYS/);
    } finally {
      await withoutK1.stop();
    }
  });
});
