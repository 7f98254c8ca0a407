import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { createPosKeyCommand, ensureDevKeys } from '../../core/access/dev-keys';
import { runKeysCli } from '../../src/access/keys-cli';
import { loadConfig } from '../../core/config/app-config';
import { createDataSource } from '../../core/database/data-source';
import { TEST_DATABASE_URL, TEST_RUNTIME_DATABASE_URL } from '../support/test-env';

/** What `npm start` does about API keys, against the migrated test database. */
describe(ensureDevKeys.name, () => {
  it('creates one working key per role on the first start, writes them to the file, and only points at it later', async () => {
    const merchant = `dev-${Date.now().toString(36)}`;
    const config = loadConfig({ APP_ENV: 'development', DATABASE_URL: TEST_RUNTIME_DATABASE_URL, MERCHANT_ID: merchant });
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
    const config = loadConfig({ APP_ENV: 'development', DATABASE_URL: TEST_RUNTIME_DATABASE_URL, MERCHANT_ID: merchant });
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

  it.each(['test', 'production'] as const)('refuses to create development keys with APP_ENV=%s, and creates none', async (appEnv) => {
    const merchant = `dev-${appEnv}-${Date.now().toString(36)}`;
    const production = { AUDIT_HMAC_KEY: 'k'.repeat(32), AUDIT_CHAIN_KEY: 'c'.repeat(32), AUDIT_SEAL_DIR: tmpdir(), TEMPORAL_CODEC_KEY: Buffer.alloc(32, 1).toString('base64'), CRMCOM_BASE_URL: 'https://crm.example.com',
      CAPILLARY_BASE_URL: 'https://cap.example.com', COUPONTOOLS_BASE_URL: 'https://ct.example.com', CMC_BASE_URL: 'https://cmc.example.com', CMC_TOKEN_URL: 'https://cmc.example.com/token',
      CRMCOM_WEB_API_KEY: 'w', CAPILLARY_OAUTH_KEY: 'k', CAPILLARY_OAUTH_SECRET: 's', COUPONTOOLS_CLIENT_ID: 'i', COUPONTOOLS_CLIENT_SECRET: 's', CMC_CLIENT_ID: 'i', CMC_CLIENT_SECRET: 's' };
    const config = loadConfig({ APP_ENV: appEnv, DATABASE_URL: TEST_RUNTIME_DATABASE_URL, MERCHANT_ID: merchant, ...(appEnv === 'production' && production) });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dev-keys-')), 'dev-keys.json');

    await expect(ensureDevKeys(config, file)).rejects.toThrow(`development API keys are only created with APP_ENV=development (this is ${appEnv})`);
    expect(existsSync(file)).toBe(false);
    const dataSource = await createDataSource(TEST_DATABASE_URL, 1).initialize();
    try {
      expect(await new ApiKeyStore(dataSource).list({ merchant })).toHaveLength(0);
    } finally {
      await dataSource.destroy();
    }
  });
});
