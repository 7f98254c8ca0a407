import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { ensureDevKeys } from '../../core/access/dev-keys';
import { loadConfig } from '../../core/config/app-config';
import { createDataSource } from '../../core/database/data-source';
import { TEST_DATABASE_URL } from '../support/test-env';

/** What `npm start` does about API keys, against the migrated test database. */
describe(ensureDevKeys.name, () => {
  it('creates one working key per role on the first start, writes them to the file, and only points at it later', async () => {
    const merchant = `dev-${Date.now().toString(36)}`;
    const config = loadConfig({ DATABASE_URL: TEST_DATABASE_URL, MERCHANT_ID: merchant });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dev-keys-')), 'dev-keys.json');

    const first = await ensureDevKeys(config, file);
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(written).sort()).toEqual(['admin', 'finance', 'merchant', 'ops', 'pos']);
    expect(statSync(file).mode & 0o077).toBe(0);
    for (const role of ['pos', 'finance', 'ops', 'admin']) expect(first.join('\n')).toContain(written[role]);

    const dataSource = await createDataSource(TEST_DATABASE_URL, 1).initialize();
    try {
      const store = new ApiKeyStore(dataSource);
      expect(await store.authenticate(written.pos)).toMatchObject({ role: 'pos', merchant, store: 'S1', till: null, rateLimitPerMinute: 600 });
      expect(await store.authenticate(written.admin)).toMatchObject({ role: 'admin', merchant, store: null });

      const again = await ensureDevKeys(config, file);
      expect(again).toEqual([`development API keys: ${file}`]);
      expect(await store.list({ merchant })).toHaveLength(4);
    } finally {
      await dataSource.destroy();
    }
  });
});
