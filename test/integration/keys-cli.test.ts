import { ApiKeyStore, VALID_KEY_CACHE_MS } from '../../core/access/api-key.store';
import { ApiKey } from '../../core/access/api-key.entity';
import { hashApiKey } from '../../core/access/api-key-format';
import { createDataSource } from '../../core/database/data-source';
import { builtCli } from '../support/built-cli';
import { TEST_DATABASE_URL } from '../support/test-env';

const cli = builtCli('keys', 'dist/src/access/keys-cli.js');

/** `npm run keys`, as built by `npm run build`, against the migrated test database. */
describe('keys CLI', () => {
  const merchant = `cli-${Date.now().toString(36)}`;

  beforeAll(() => cli.build(), 240_000);

  const keys = cli.run;

  it('creates a scoped key, prints it once, lists it without its secret or hash, and revokes it', async () => {
    const created = await keys('create', '--role', 'pos', '--merchant', merchant, '--store', 'S1', '--till', 'T1', '--label', 'till one', '--rate-limit', '120');
    expect(created.code).toBe(0);
    const key = /^(cs_[0-9a-f]{12}_\S+)$/m.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const keyId = key!.split('_')[1];

    const dataSource = await createDataSource(TEST_DATABASE_URL, 1).initialize();
    try {
      const row = await dataSource.getRepository(ApiKey).findOneByOrFail({ keyId });
      expect(row).toMatchObject({ role: 'pos', merchant, store: 'S1', till: 'T1', rateLimitPerMinute: 120, label: 'till one', revokedAt: null });
      expect(row.keyHash).toBe(hashApiKey(key!));
      // An API process's store, with a clock the test moves.
      let clock = Date.now();
      const api = new ApiKeyStore(dataSource, () => clock);
      expect(await api.authenticate(key!)).toMatchObject({ keyId, merchant, store: 'S1', till: 'T1' });

      const listed = await keys('list', '--merchant', merchant);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain(keyId);
      expect(listed.stdout).toMatch(new RegExp(`${keyId}\\tpos\\t${merchant}\\tS1\\tT1\\t120`));
      expect(listed.stdout).not.toContain(key!.split('_').slice(2).join('_'));
      expect(listed.stdout).not.toContain(row.keyHash);

      expect(await keys('revoke', keyId)).toMatchObject({ code: 0, stdout: expect.stringContaining(`revoked ${keyId}`) });
      // Refused within VALID_KEY_CACHE_MS, not at once: the API read the key less than that ago.
      expect(await api.authenticate(key!)).toMatchObject({ keyId });
      clock += VALID_KEY_CACHE_MS;
      expect(await api.authenticate(key!)).toBeUndefined();
      expect((await keys('list', '--merchant', merchant)).stdout).not.toContain(keyId);
      expect((await keys('list', '--merchant', merchant, '--all')).stdout).toContain(keyId);
      expect(await keys('revoke', keyId)).toMatchObject({ code: 0, stdout: expect.stringContaining('already revoked') });
    } finally {
      await dataSource.destroy();
    }
  });

  it.each([
    [['create', '--role', 'root'], /--role must be one of pos, finance, ops, admin/],
    [['create', '--role', 'pos', '--till', 'T1'], /--till needs --store/],
    [['create', '--role', 'pos', '--rate-limit', '0'], /--rate-limit must be a positive/],
    [['create', '--role', 'pos', '--store', 'S:1'], /--store must contain only/],
    [['create', '--role', 'pos', '--colour', 'red'], /Unknown option '--colour'/],
    [['destroy'], /unknown command "destroy"/],
    [['revoke'], /exactly one key id/],
  ])('refuses %j with exit code 2 and the usage', async (args, message) => {
    const result = await keys(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage:');
  });

  it('exits 1 when revoking a key that does not exist', async () => {
    expect(await keys('revoke', '000000000000')).toMatchObject({ code: 1, stdout: expect.stringContaining('no key 000000000000') });
  });
});
