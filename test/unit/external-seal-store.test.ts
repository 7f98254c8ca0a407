import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditChainKeys, UnknownAuditKeyError } from '../../core/audit/audit-keys';
import { FileSealStore, merchantDirectory, type ExternalSealLine } from '../../core/audit/external-seal-store';

const line = (store: string, day: string, sealHash = 'a'.repeat(64)): ExternalSealLine => ({
  merchant: 'demo', store, day, timeZone: 'UTC', keyId: 'k1', prevSealHash: '0'.repeat(64), sealHash,
  heads: [{ checkoutId: `checkout:demo:${store}:T1:R1`, eventId: '7', rowHash: 'b'.repeat(64) }],
});

describe(FileSealStore.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seal-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const fileText = (month: string) => readFileSync(path.join(dir, 'demo', `${month}.jsonl`), 'utf8');

  it('appends one line per store-day into the month file, once: a retry appends nothing, a different line for the day is not appended', async () => {
    const store = new FileSealStore(dir);
    expect(await store.appendMissing('demo', [line('S1', '2026-11-30'), line('S1', '2026-12-01')])).toEqual({ appended: 2, conflicting: 0 });
    expect(await store.appendMissing('demo', [line('S1', '2026-11-30'), line('S1', '2026-12-01')])).toEqual({ appended: 0, conflicting: 0 });
    expect(await store.appendMissing('demo', [line('S1', '2026-12-01', 'c'.repeat(64)), line('S2', '2026-12-01')])).toEqual({ appended: 1, conflicting: 1 });
    expect(fileText('2026-11').trim().split('\n')).toHaveLength(1);
    expect(fileText('2026-12').trim().split('\n')).toHaveLength(2);

    expect((await store.read('demo', '2026-11-30', '2026-12-01')).lines.map((l) => `${l.store} ${l.day}`)).toEqual(['S1 2026-11-30', 'S1 2026-12-01', 'S2 2026-12-01']);
    expect((await store.read('demo', '2026-12-01', '2026-12-01', 'S2')).lines).toEqual([line('S2', '2026-12-01')]);
    expect(await store.read('other', '2026-12-01', '2026-12-01')).toEqual({ lines: [], unreadable: 0 });
  });

  it('counts a torn line as unreadable and starts the next append on a line of its own', async () => {
    const store = new FileSealStore(dir);
    await store.appendMissing('demo', [line('S1', '2026-12-01')]);
    appendFileSync(path.join(dir, 'demo', '2026-12.jsonl'), '{"merchant":"demo","sto');
    await store.appendMissing('demo', [line('S2', '2026-12-02')]);
    expect(await store.read('demo', '2026-12-01', '2026-12-31')).toEqual({ lines: [line('S1', '2026-12-01'), line('S2', '2026-12-02')], unreadable: 1 });
  });

  it('keeps every merchant id (dots included, as keys-cli allows) in a directory of its own under AUDIT_SEAL_DIR', async () => {
    expect(['demo', 'a.b', '..', '.', 'a/b', 'a%2E'].map(merchantDirectory)).toEqual(['demo', 'a%2Eb', '%2E%2E', '%2E', 'a%2Fb', 'a%252E']);
    const store = new FileSealStore(dir);
    await store.appendMissing('..', [{ ...line('S1', '2026-12-01'), merchant: '..' }]);
    expect(readFileSync(path.join(dir, '%2E%2E', '2026-12.jsonl'), 'utf8')).toContain('"merchant":".."');
    expect((await store.read('..', '2026-12-01', '2026-12-01')).lines).toHaveLength(1);
  });
});

describe(AuditChainKeys.name, () => {
  const keys = new AuditChainKeys('k2', 'second-key-second-key-second-key', new Map([['k1', 'first-key-first-key-first-key-first']]));

  it('hashes with the key the id names, plain SHA-256 without an id, and names an unknown id', () => {
    const [prev, canonical] = ['0'.repeat(64), '{"a":1}'];
    expect(keys.hash('k1', prev, canonical)).not.toBe(keys.hash('k2', prev, canonical));
    expect(keys.hash(null, prev, canonical)).toBe(new AuditChainKeys('x', 'y'.repeat(32)).hash(null, prev, canonical));
    expect(keys.hash('k2', prev, canonical)).toBe(new AuditChainKeys('k2', 'second-key-second-key-second-key').hash('k2', prev, canonical));
    expect(() => keys.hash('k0', prev, canonical)).toThrow(UnknownAuditKeyError);
    expect(() => keys.hash('k0', prev, canonical)).toThrow(/"k0"/);
    expect(keys.knownIds).toEqual(['k2', 'k1']);
  });
});
