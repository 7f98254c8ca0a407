import { randomUUID } from 'node:crypto';
import { DataSource, type Logger } from 'typeorm';
import { ApiKeyStore, STALE_IF_UNAVAILABLE_MS, VALID_KEY_CACHE_MS } from '../../core/access/api-key.store';
import { ApiKey } from '../../core/access/api-key.entity';
import { parseApiKey } from '../../core/access/api-key-format';
import { dataSourceOptions } from '../../core/database/data-source';
import { TEST_DATABASE_URL } from '../support/test-env';

/** Counts the statements that read api_keys: what a request costs the database. */
class KeyReadCounter implements Logger {
  reads = 0;
  logQuery(query: string) {
    if (/^SELECT\b.*\bapi_keys\b/is.test(query)) this.reads += 1;
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

/** ApiKeyStore.authenticate against the migrated test database, with a clock the test moves. */
describe(`${ApiKeyStore.name} key cache`, () => {
  const merchant = `cache-${randomUUID().slice(0, 8)}`;
  const counter = new KeyReadCounter();
  let dataSource: DataSource;
  let clock: number;
  let store: ApiKeyStore;
  /** Another API process: its own cache, the same table. */
  let admin: ApiKeyStore;

  beforeAll(async () => {
    dataSource = await new DataSource({ ...dataSourceOptions(TEST_DATABASE_URL, 2), logging: ['query'], logger: counter }).initialize();
    admin = new ApiKeyStore(dataSource);
  });
  afterAll(() => dataSource?.destroy());
  beforeEach(() => {
    clock = 1_000_000;
    store = new ApiKeyStore(dataSource, () => clock);
    counter.reads = 0;
  });

  const newKey = async () => (await admin.create({ role: 'pos', merchant, store: 'S1', rateLimitPerMinute: 60 })).key;

  it(`reads a key from Postgres once per ${VALID_KEY_CACHE_MS} ms, not on every request`, async () => {
    const key = await newKey();
    for (const at of [0, 1, 5_000, VALID_KEY_CACHE_MS - 1]) {
      clock = 1_000_000 + at;
      expect(await store.authenticate(key)).toMatchObject({ merchant, role: 'pos', store: 'S1' });
    }
    expect(counter.reads).toBe(1);
    clock = 1_000_000 + VALID_KEY_CACHE_MS;
    expect(await store.authenticate(key)).toMatchObject({ merchant });
    expect(counter.reads).toBe(2);
  });

  it(`refuses a key revoked elsewhere within ${VALID_KEY_CACHE_MS} ms`, async () => {
    const key = await newKey();
    expect(await store.authenticate(key)).toBeDefined();
    await admin.revoke(parseApiKey(key)!.keyId);
    // Not at once: this process read the key less than the window ago.
    clock += VALID_KEY_CACHE_MS - 1;
    expect(await store.authenticate(key)).toBeDefined();
    clock += 1;
    expect(await store.authenticate(key)).toBeUndefined();
  });

  it('refuses a key it revoked itself from the next request on', async () => {
    const key = await newKey();
    expect(await store.authenticate(key)).toBeDefined();
    await store.revoke(parseApiKey(key)!.keyId);
    expect(await store.authenticate(key)).toBeUndefined();
  });

  it('checks the presented secret against the cached hash on every request', async () => {
    const key = await newKey();
    expect(await store.authenticate(key)).toBeDefined();
    const wrongSecret = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(await store.authenticate(wrongSecret)).toBeUndefined();
    expect(await store.authenticate(key)).toBeDefined();
    expect(counter.reads).toBe(1);
  });

  it('does not cache an unknown key: each request asks Postgres', async () => {
    const unknown = `cs_000000000000_${'A'.repeat(43)}`;
    expect(await store.authenticate(unknown)).toBeUndefined();
    expect(await store.authenticate(unknown)).toBeUndefined();
    expect(counter.reads).toBe(2);
  });

  it(`still accepts a key seen valid within ${STALE_IF_UNAVAILABLE_MS} ms while Postgres is unreachable, and no other`, async () => {
    const [seen, unseen] = [await newKey(), await newKey()];
    expect(await store.authenticate(seen)).toBeDefined();
    const repository = dataSource.getRepository(ApiKey);
    const unreachable = jest.spyOn(repository, 'findOneBy').mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    try {
      clock += STALE_IF_UNAVAILABLE_MS;
      expect(await store.authenticate(seen)).toMatchObject({ merchant });
      await expect(store.authenticate(unseen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      clock += 1;
      await expect(store.authenticate(seen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      unreachable.mockRestore();
    }
  });

  it('fails closed with API_KEY_STALE_IF_UNAVAILABLE_MS=0: a key seen valid a moment ago is not trusted while Postgres is unreachable', async () => {
    const strict = new ApiKeyStore(dataSource, () => clock, 0);
    const seen = await newKey();
    expect(await strict.authenticate(seen)).toBeDefined();
    const repository = dataSource.getRepository(ApiKey);
    const unreachable = jest.spyOn(repository, 'findOneBy').mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    try {
      clock += VALID_KEY_CACHE_MS;
      await expect(strict.authenticate(seen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      unreachable.mockRestore();
    }
  });
});
