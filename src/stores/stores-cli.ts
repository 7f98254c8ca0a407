import { loadConfig, type AppConfig } from '../../core/config/app-config';
import { parseCliArgs as parse, runCliMain, UsageError, type CliValues as Values } from '../common/cli';
import { createRuntimeDataSource } from '../../core/database/data-source';
import { isIanaTimeZone } from '../../core/stores/local-time';
import { StoresRepository, type StoreFields } from '../../core/stores/stores.repository';
import { VENDOR_ID } from '../common/dto-fields';
import { isTerminalMap } from './dto/put-store.dto';
import { STORE_ID } from './store-param.pipe';

/**
 * `npm run stores -- <command>`: list, set (create or replace) and remove a merchant's stores in the
 * configured database, as PUT/DELETE /v1/admin/stores do (those are audited; the CLI is the operator's
 * own tool, like `npm run keys`). API processes see a change within 10 s (STORE_CACHE_MS).
 * Exit codes: 0 done, 1 failed (database, no such store), 2 wrong usage.
 */
const USAGE = `usage:
  npm run stores -- list [--merchant M]
  npm run stores -- set <store> --time-zone <IANA zone> [--merchant M] [--crmcom-unit NAME] [--crmcom-outlet ID]
                         [--cmc-location ID] [--cmc-terminal TILL=TERMINAL ...]     (replaces the whole store)
  npm run stores -- remove <store> [--merchant M]`;

export async function runStoresCli(argv: string[], config: AppConfig, out: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  if (!['list', 'set', 'remove'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  // Usage is checked before the database is opened: a wrong call fails fast with exit code 2.
  const action = command === 'list' ? list(rest, config) : command === 'set' ? set(rest, config) : remove(rest, config);
  const dataSource = await createRuntimeDataSource(config, 1).initialize();
  try {
    return await action(new StoresRepository(dataSource), out);
  } finally {
    await dataSource.destroy();
  }
}

type Action = (stores: StoresRepository, out: (line: string) => void) => Promise<number>;

function list(args: string[], config: AppConfig): Action {
  const { values } = parse(args, { merchant: { type: 'string' } });
  const merchant = merchantOf(values, config);
  return async (stores, out) => {
    out(['merchant', 'store', 'timeZone', 'crmcomUnit', 'crmcomOutlet', 'cmcLocation', 'cmcTerminals', 'updated'].join('\t'));
    for (const s of await stores.list(merchant)) {
      const terminals = Object.entries(s.cmcTerminals).map(([till, terminal]) => `${till}=${terminal}`).join(',');
      out([s.merchant, s.store, s.timeZone, s.crmcomUnit ?? '-', s.crmcomOutlet ?? '-', s.cmcLocation ?? '-', terminals || '-', s.updatedAt].join('\t'));
    }
    return 0;
  };
}

function set(args: string[], config: AppConfig): Action {
  const { values, positionals } = parse(
    args,
    {
      merchant: { type: 'string' },
      'time-zone': { type: 'string' },
      'crmcom-unit': { type: 'string' },
      'crmcom-outlet': { type: 'string' },
      'cmc-location': { type: 'string' },
      'cmc-terminal': { type: 'string', multiple: true },
    },
    true,
  );
  const store = storeOf(positionals, 'set');
  const merchant = merchantOf(values, config);
  const timeZone = values['time-zone'];
  if (!isIanaTimeZone(timeZone)) throw new UsageError('--time-zone must be an IANA time zone name such as Asia/Nicosia');
  // Split at the first "=" only: a terminal id may itself hold one.
  const terminals = Object.fromEntries(((values['cmc-terminal'] as string[] | undefined) ?? []).map((pair) => (pair.includes('=') ? [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] : [pair, undefined])));
  if (!isTerminalMap(terminals) || Object.values(terminals).some((t) => t === undefined)) throw new UsageError('--cmc-terminal must be TILL=TERMINAL');
  const text = (name: string) => {
    const value = values[name];
    if (value === undefined) return null;
    if (typeof value !== 'string' || !VENDOR_ID.test(value) || value.length > 100) throw new UsageError(`--${name} must be 1 to 100 characters without leading or trailing blanks`);
    return value;
  };
  const fields: StoreFields = { timeZone, crmcomUnit: text('crmcom-unit'), crmcomOutlet: text('crmcom-outlet'), cmcLocation: text('cmc-location'), cmcTerminals: terminals };
  return async (stores, out) => {
    const { created } = await stores.upsert(merchant, store, fields);
    out(`${created ? 'created' : 'replaced'} store ${store} of merchant ${merchant} (${timeZone})`);
    return 0;
  };
}

function remove(args: string[], config: AppConfig): Action {
  const { values, positionals } = parse(args, { merchant: { type: 'string' } }, true);
  const store = storeOf(positionals, 'remove');
  const merchant = merchantOf(values, config);
  return async (stores, out) => {
    if (!(await stores.remove(merchant, store))) {
      out(`no store ${store} of merchant ${merchant}`);
      return 1;
    }
    out(`removed store ${store} of merchant ${merchant}`);
    return 0;
  };
}

function storeOf(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one store id`);
  if (!STORE_ID.test(positionals[0])) throw new UsageError('the store id must be 1 to 40 letters, digits, "_", "-" or "."');
  return positionals[0];
}

function merchantOf(values: Values, config: AppConfig): string {
  const merchant = String(values.merchant ?? config.MERCHANT_ID);
  if (!STORE_ID.test(merchant)) throw new UsageError('--merchant must contain only letters, digits, "_", "-" and "."');
  return merchant;
}

if (require.main === module) {
  runCliMain('stores', USAGE, () => runStoresCli(process.argv.slice(2), loadConfig(), (line) => console.log(line)));
}
