import { STORE_CACHE_MS, STORE_STALE_IF_UNAVAILABLE_MS, StoreDirectory } from '../../core/stores/store-directory';
import type { StoreRow, StoresRepository } from '../../core/stores/stores.repository';

const row = (store: string, timeZone = 'Asia/Nicosia'): StoreRow => ({
  merchant: 'demo', store, timeZone, crmcomUnit: null, crmcomOutlet: null, cmcLocation: null, cmcTerminals: {}, updatedAt: '',
});

/** The API's store lookups: one read per store per 10 s, unknown stores never cached, stale rows only through an outage. */
describe(StoreDirectory.name, () => {
  let rows: StoreRow[];
  let reads: string[][];
  let failWith: Error | undefined;
  let clock: number;
  let directory: StoreDirectory;
  beforeEach(() => {
    rows = [row('S1')];
    reads = [];
    failWith = undefined;
    clock = 1_000_000;
    const repository = {
      findMany: async (_merchant: string, stores: string[]) => {
        reads.push(stores);
        if (failWith) throw failWith;
        return rows.filter((r) => stores.includes(r.store));
      },
    } as unknown as StoresRepository;
    directory = new StoreDirectory(repository, () => clock);
  });

  it('reads a store once within STORE_CACHE_MS, then again; a store not found is asked every time', async () => {
    expect((await directory.lookUp('demo', ['S1', 'S9'])).get('S1')).toMatchObject({ timeZone: 'Asia/Nicosia' });
    rows = [row('S1', 'UTC'), row('S9')];
    const cached = await directory.lookUp('demo', ['S1', 'S9']);
    expect(cached.get('S1')?.timeZone).toBe('Asia/Nicosia');
    expect(cached.has('S9')).toBe(true);
    expect(reads).toEqual([['S1', 'S9'], ['S9']]);
    clock += STORE_CACHE_MS;
    expect((await directory.lookUp('demo', ['S1'])).get('S1')?.timeZone).toBe('UTC');
  });

  it('forgets a store changed through this process at once', async () => {
    await directory.lookUp('demo', ['S1']);
    rows = [];
    directory.forget('demo', 'S1');
    expect((await directory.lookUp('demo', ['S1'])).has('S1')).toBe(false);
  });

  it('uses a row read lately while Postgres is unreachable, and fails for a store it has not seen or seen too long ago', async () => {
    await directory.lookUp('demo', ['S1']);
    clock += STORE_CACHE_MS;
    failWith = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect((await directory.lookUp('demo', ['S1'])).get('S1')?.timeZone).toBe('Asia/Nicosia');
    await expect(directory.lookUp('demo', ['S2'])).rejects.toThrow(/ECONNREFUSED/);
    clock += STORE_STALE_IF_UNAVAILABLE_MS;
    await expect(directory.lookUp('demo', ['S1'])).rejects.toThrow(/ECONNREFUSED/);
    // Any other error is the error.
    failWith = new Error('syntax error');
    clock -= STORE_STALE_IF_UNAVAILABLE_MS;
    await expect(directory.lookUp('demo', ['S1'])).rejects.toThrow(/syntax error/);
  });
});
