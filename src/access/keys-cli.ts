import { userInfo } from 'node:os';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '../../core/config/app-config';
import { parseCliArgs as parse, runCliMain, UsageError } from '../common/cli';
import { createRuntimeDataSource } from '../../core/database/data-source';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { parseApiKey } from '../../core/access/api-key-format';
import { isRole, ROLES } from '../../core/access/roles';

/**
 * `npm run keys -- <command>`: create, list and revoke API keys in the configured database.
 * Exit codes: 0 done, 1 failed (database, unknown key), 2 wrong usage.
 */
const USAGE = `usage:
  npm run keys -- create --role <${ROLES.join('|')}> [--merchant M] [--store S [--till T]] [--label TEXT] [--rate-limit N]
  npm run keys -- list [--merchant M] [--all]        (--all includes revoked keys; secrets are never shown)
  npm run keys -- revoke <keyId>`;

const TOKEN = /^[A-Za-z0-9_.-]+$/;

/** Who the CLI's security events name: the operating-system user who ran it (the CLI has no API key). */
const CLI_ACTOR = { actor: `cli:${safeUser()}`, source: 'cli' };

function safeUser(): string {
  try {
    return userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'unknown';
  } catch {
    return 'unknown';
  }
}

export { UsageError };

export async function runKeysCli(argv: string[], config: AppConfig, out: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  if (!['create', 'list', 'revoke'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  const dataSource = await createRuntimeDataSource(config, 1).initialize();
  try {
    switch (command) {
      case 'create':
        return await create(rest, config, dataSource, out);
      case 'list':
        return await list(rest, dataSource, out);
      case 'revoke':
        return await revoke(rest, dataSource, out);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await dataSource.destroy();
  }
}

async function create(args: string[], config: AppConfig, dataSource: DataSource, out: (line: string) => void): Promise<number> {
  const { values } = parse(args, {
    role: { type: 'string' },
    merchant: { type: 'string' },
    store: { type: 'string' },
    till: { type: 'string' },
    label: { type: 'string' },
    'rate-limit': { type: 'string' },
  });
  const role = String(values.role ?? '');
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const merchant = String(values.merchant ?? config.MERCHANT_ID);
  for (const [name, value] of [['merchant', merchant], ['store', values.store], ['till', values.till]] as const) {
    if (value !== undefined && !TOKEN.test(String(value))) throw new UsageError(`--${name} must contain only letters, digits, "_", "-" and "."`);
  }
  if (values.till !== undefined && values.store === undefined) throw new UsageError('--till needs --store');
  const rateLimit = values['rate-limit'] === undefined ? config.API_KEY_RATE_LIMIT_PER_MINUTE : Number(values['rate-limit']);
  if (!Number.isInteger(rateLimit) || rateLimit < 1) throw new UsageError('--rate-limit must be a positive whole number of requests a minute');
  const created = await new ApiKeyStore(dataSource).create({
    role,
    merchant,
    store: values.store === undefined ? null : String(values.store),
    till: values.till === undefined ? null : String(values.till),
    rateLimitPerMinute: rateLimit,
    label: values.label === undefined ? null : String(values.label),
  }, CLI_ACTOR);
  out(`created ${role} key ${created.keyId} for merchant ${merchant}${values.store ? `, store ${values.store}` : ''}${values.till ? `, till ${values.till}` : ''} (${rateLimit}/min)`);
  out('the key (shown only now; store it safely):');
  out(created.key);
  return 0;
}

async function list(args: string[], dataSource: DataSource, out: (line: string) => void): Promise<number> {
  const { values } = parse(args, { merchant: { type: 'string' }, all: { type: 'boolean' } });
  const keys = await new ApiKeyStore(dataSource).list({ merchant: values.merchant as string | undefined, includeRevoked: Boolean(values.all) });
  out(['keyId', 'role', 'merchant', 'store', 'till', 'rate/min', 'created', 'revoked', 'label'].join('\t'));
  for (const k of keys) {
    out([k.keyId, k.role, k.merchant, k.store ?? '*', k.till ?? '*', k.rateLimitPerMinute, k.createdAt.toISOString(), k.revokedAt?.toISOString() ?? '-', k.label ?? ''].join('\t'));
  }
  return 0;
}

async function revoke(args: string[], dataSource: DataSource, out: (line: string) => void): Promise<number> {
  const { positionals } = parse(args, {}, true);
  if (positionals.length !== 1) throw new UsageError('revoke takes exactly one key id');
  // A whole key pasted by mistake is revoked by its id; its secret is never echoed nor stored.
  const keyId = parseApiKey(positionals[0])?.keyId ?? positionals[0];
  const result = await new ApiKeyStore(dataSource).revoke(keyId, CLI_ACTOR);
  if (result === 'unknown') {
    out(`no key ${keyId}`);
    return 1;
  }
  out(result === 'revoked' ? `revoked ${keyId}` : `${keyId} was already revoked`);
  return 0;
}

if (require.main === module) {
  runCliMain('keys', USAGE, () => runKeysCli(process.argv.slice(2), loadConfig(), (line) => console.log(line)));
}
