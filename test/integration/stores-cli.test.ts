import { createDataSource } from '../../core/database/data-source';
import { STORE_CACHE_MS, StoreDirectory } from '../../core/stores/store-directory';
import { StoresRepository } from '../../core/stores/stores.repository';
import { builtCli } from '../support/built-cli';
import { TEST_DATABASE_URL } from '../support/test-env';

const cli = builtCli('stores', 'dist/src/stores/stores-cli.js');

/** `npm run stores`, as built by `npm run build`, against the migrated test database. */
describe('stores CLI', () => {
  const merchant = `scli-${Date.now().toString(36)}`;

  beforeAll(() => cli.build(), 240_000);

  const stores = cli.run;

  it('sets a store with its zone and vendor ids, lists it, replaces it (an API process sees it within the cache window) and removes it', async () => {
    const created = await stores('set', 'S1', '--merchant', merchant, '--time-zone', 'Europe/Athens', '--crmcom-unit', 'Unit A', '--cmc-location', 'L1', '--cmc-terminal', 'T1=CFS-1', '--cmc-terminal', 'T2=CFS-2');
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining(`created store S1 of merchant ${merchant} (Europe/Athens)`) });

    const dataSource = await createDataSource(TEST_DATABASE_URL, 1).initialize();
    try {
      const repository = new StoresRepository(dataSource);
      expect(await repository.find(merchant, 'S1')).toMatchObject({
        timeZone: 'Europe/Athens', crmcomUnit: 'Unit A', crmcomOutlet: null, cmcLocation: 'L1', cmcTerminals: { T1: 'CFS-1', T2: 'CFS-2' },
      });
      const listed = await stores('list', '--merchant', merchant);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`${merchant}\\tS1\\tEurope/Athens\\tUnit A\\t-\\tL1\\tT1=CFS-1,T2=CFS-2\\t`));

      // An API process's directory, with a clock the test moves.
      let clock = Date.now();
      const directory = new StoreDirectory(repository, () => clock);
      expect((await directory.lookUp(merchant, ['S1'])).get('S1')).toMatchObject({ timeZone: 'Europe/Athens' });
      expect(await stores('set', 'S1', '--merchant', merchant, '--time-zone', 'Asia/Nicosia')).toMatchObject({ code: 0, stdout: expect.stringContaining('replaced store S1') });
      expect((await directory.lookUp(merchant, ['S1'])).get('S1')).toMatchObject({ timeZone: 'Europe/Athens' });
      clock += STORE_CACHE_MS;
      expect((await directory.lookUp(merchant, ['S1'])).get('S1')).toMatchObject({ timeZone: 'Asia/Nicosia', crmcomUnit: null, cmcLocation: null, cmcTerminals: {} });

      expect(await stores('remove', 'S1', '--merchant', merchant)).toMatchObject({ code: 0, stdout: expect.stringContaining('removed store S1') });
      clock += STORE_CACHE_MS;
      expect((await directory.lookUp(merchant, ['S1'])).has('S1')).toBe(false);
      expect(await stores('remove', 'S1', '--merchant', merchant)).toMatchObject({ code: 1, stdout: expect.stringContaining('no store S1') });
    } finally {
      await dataSource.destroy();
    }
  });

  it.each([
    [['set', 'S1', '--time-zone', 'Mars/Olympus_Mons'], /--time-zone must be an IANA time zone/],
    [['set', 'S1'], /--time-zone must be an IANA time zone/],
    [['set', 'S1', '--time-zone', 'UTC', '--cmc-terminal', 'T1'], /--cmc-terminal must be TILL=TERMINAL/],
    [['set', 'S:1', '--time-zone', 'UTC'], /store id must be/],
    [['set', '--time-zone', 'UTC'], /exactly one store id/],
    [['remove'], /exactly one store id/],
    [['list', '--colour', 'red'], /Unknown option '--colour'/],
    [['rename'], /unknown command "rename"/],
  ])('refuses %j with exit code 2 and the usage', async (args, message) => {
    const result = await stores(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('npm run stores -- list');
  });
});
