import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileHeadCheckpointStore, type StoreHead } from '../../core/audit/head-checkpoint-store';

/** A time after every line the tests write. */
const LATER = new Date('2026-12-07T00:00:00Z');
const head = (n: number): StoreHead => ({ checkoutId: `checkout:m:S1:T1:R${n}`, eventId: String(n), rowHash: `h${n}`, store: 'S1' });

describe('FileHeadCheckpointStore', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'checkpoints-'));
  const fileOf = (root: string, day: string) => path.join(root, 'm', 'checkpoints', `${day}.jsonl`);

  it('counts a checkpoint only once its end line is written, newest first', async () => {
    const root = dir();
    const store = new FileHeadCheckpointStore(root);
    expect(await store.lastCompleteAt('m', LATER)).toBeNull();
    await store.append([{ merchant: 'm', at: '2026-12-06T10:00:00.000Z', since: null, heads: [head(1)] }]);
    await store.append([{ merchant: 'm', at: '2026-12-06T10:00:00.000Z', since: null, end: true, headCount: 1 }]);
    // A later checkpoint cut short after its head line: the earlier one is still the last complete.
    await store.append([{ merchant: 'm', at: '2026-12-06T10:05:00.000Z', since: '2026-12-06T09:58:00.000Z', heads: [head(2)] }]);
    expect(await store.lastCompleteAt('m', LATER)).toBe('2026-12-06T10:00:00.000Z');
    expect(await store.lastCompleteAt('other', LATER)).toBeNull();
  });

  it('finds the last end line past a tail of many long head lines, and in an earlier day file', async () => {
    const root = dir();
    const store = new FileHeadCheckpointStore(root);
    await store.append([{ merchant: 'm', at: '2026-12-05T23:55:00.000Z', since: null, end: true, headCount: 0 }]);
    const heads = Array.from({ length: 400 }, (_, i) => head(i));
    await store.append([{ merchant: 'm', at: '2026-12-06T00:00:00.000Z', since: null, end: true, headCount: 0 }]);
    await store.append([{ merchant: 'm', at: '2026-12-06T00:05:00.000Z', since: null, heads }]);
    expect(readFileSync(fileOf(root, '2026-12-06'), 'utf8').length).toBeGreaterThan(16 * 1024);
    expect(await store.lastCompleteAt('m', LATER)).toBe('2026-12-06T00:00:00.000Z');
    // A day whose only checkpoint never finished: the day before answers.
    const other = new FileHeadCheckpointStore(dir());
    await other.append([{ merchant: 'm', at: '2026-12-05T23:55:00.000Z', since: null, end: true, headCount: 0 }]);
    await other.append([{ merchant: 'm', at: '2026-12-06T00:05:00.000Z', since: null, heads }]);
    expect(await other.lastCompleteAt('m', LATER)).toBe('2026-12-05T23:55:00.000Z');
  });

  it('reads the head lines of a time range across day files; a torn line is counted, and the next append starts on a new line', async () => {
    const root = dir();
    const store = new FileHeadCheckpointStore(root);
    await store.append([
      { merchant: 'm', at: '2026-12-05T23:59:00.000Z', since: null, heads: [head(1)] },
      { merchant: 'm', at: '2026-12-06T00:01:00.000Z', since: null, heads: [head(2)] },
      { merchant: 'm', at: '2026-12-06T00:01:00.000Z', since: null, end: true, headCount: 1 },
    ]);
    appendFileSync(fileOf(root, '2026-12-06'), '{"merchant":"m","at":"2026-12-06T00:0');
    await store.append([{ merchant: 'm', at: '2026-12-06T00:06:00.000Z', since: null, heads: [head(3)] }]);

    const all = await store.read('m', new Date('2026-12-05T00:00:00Z'), new Date('2026-12-07T00:00:00Z'));
    expect(all.lines.map((l) => l.heads[0].eventId)).toEqual(['1', '2', '3']);
    expect(all.unreadable).toBe(1);
    const part = await store.read('m', new Date('2026-12-06T00:00:00Z'), new Date('2026-12-06T00:05:00Z'));
    expect(part.lines.map((l) => l.heads[0].eventId)).toEqual(['2']);
  });

  it('ignores a complete checkpoint dated after notAfter (a forged line, a clock ahead): the window never moves into the future', async () => {
    const root = dir();
    const store = new FileHeadCheckpointStore(root);
    await store.append([{ merchant: 'm', at: '2026-12-06T10:00:00.000Z', since: null, end: true, headCount: 0 }]);
    await store.append([{ merchant: 'm', at: '2026-12-06T23:00:00.000Z', since: null, end: true, headCount: 0 }]);
    await store.append([{ merchant: 'm', at: '2099-01-01T00:00:00.000Z', since: null, end: true, headCount: 0 }]);
    expect(await store.lastCompleteAt('m', new Date('2026-12-06T12:00:00Z'))).toBe('2026-12-06T10:00:00.000Z');
  });

  it("reads the merchant's first checkpoint up to its end line (one cut short before it counts as first too), only the heads asked for", async () => {
    const store = new FileHeadCheckpointStore(dir());
    // Cut short on the 1st (no end line), taken again as a first on the 2nd.
    await store.append([{ merchant: 'm', at: '2026-12-01T23:59:00.000Z', since: null, heads: [head(1)] }]);
    await store.append([{ merchant: 'm', at: '2026-12-02T00:04:00.000Z', since: null, heads: [head(1), head(2), head(5)] }]);
    await store.append([{ merchant: 'm', at: '2026-12-02T00:04:00.000Z', since: null, end: true, headCount: 3 }]);
    await store.append([{ merchant: 'm', at: '2026-12-02T00:09:00.000Z', since: '2026-12-01T23:59:00.000Z', heads: [head(3)] }]);
    await store.append([{ merchant: 'm', at: '2026-12-06T10:00:00.000Z', since: null, heads: [head(4)] }]);
    const all = (await store.readFirst('m', () => true)).lines.flatMap((l) => l.heads.map((h) => h.eventId));
    expect(all).toEqual(['1', '1', '2', '5']);
    const some = (await store.readFirst('m', (h) => h.eventId !== '1')).lines.flatMap((l) => l.heads.map((h) => h.eventId));
    expect(some).toEqual(['2', '5']);
    expect((await store.readFirst('nobody', () => true)).lines).toEqual([]);
  });
});
