import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { createPosKeyCommand, ensureDevKeys } from '../../core/access/dev-keys';
import { runKeysCli } from '../../src/access/keys-cli';
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

  it('on a used database without the file (a fresh clone), says how to get a key, and that command makes a working pos key', async () => {
    const merchant = `dev-${Date.now().toString(36)}`;
    const config = loadConfig({ DATABASE_URL: TEST_DATABASE_URL, MERCHANT_ID: merchant });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dev-keys-')), 'dev-keys.json');
    await ensureDevKeys(config, file);
    rmSync(file);

    const lines = await ensureDevKeys(config, file);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${file} is not there`);
    expect(lines[0]).not.toMatch(new RegExp(`^development API keys: `));
    const command = createPosKeyCommand(merchant);
    expect(lines[0]).toContain(command);

    // The printed command, as `npm run keys --` would pass it to the CLI.
    const printed: string[] = [];
    const argv = command.replace(/^npm run keys -- /, '').split(' ');
    expect(await runKeysCli(argv, config, (line) => printed.push(line))).toBe(0);
    const key = printed.find((line) => line.startsWith('cs_'));
    expect(key).toBeDefined();
    const dataSource = await createDataSource(TEST_DATABASE_URL, 1).initialize();
    try {
      expect(await new ApiKeyStore(dataSource).authenticate(key ?? '')).toMatchObject({ role: 'pos', merchant, store: 'S1', till: null });
    } finally {
      await dataSource.destroy();
    }
  });
});
