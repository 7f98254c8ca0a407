import { existsSync, writeFileSync } from 'node:fs';
import type { AppConfig } from '../config/app-config';
import { createRuntimeDataSource } from '../database/data-source';
import { ApiKeyStore } from './api-key.store';
import { ROLES, type Role } from './roles';

const DEV_LABEL = 'dev:';
/** The development pos key acts for the sandbox's CMC terminal location and the README's examples. */
const DEV_POS_STORE = 'S1';

/** The keys CLI call that makes a pos key like the development one (README "Access"); it prints the key once. */
export function createPosKeyCommand(merchant: string): string {
  return `npm run keys -- create --role pos --merchant ${merchant} --store ${DEV_POS_STORE}`;
}

/**
 * Where `npm start`'s banner says the keys are: the file when it is there, else how to make one. A
 * fresh clone on a used database has the keys in Postgres (hashed: they cannot be shown again) and
 * no file, and must not be sent looking for it.
 */
export function devKeysWhere(merchant: string, file: string): string {
  return existsSync(file) ? `${file}  (more: ${createPosKeyCommand(merchant)})` : `not on disk (${file} is missing): ${createPosKeyCommand(merchant)}`;
}

/**
 * `npm start` on a fresh database: one key per role for MERCHANT_ID (pos scoped to store S1),
 * printed once and written to `file` (gitignored .data/) so a developer finds them again. Later
 * starts only say where they are: keys are never re-created or re-printed from the database.
 */
export async function ensureDevKeys(config: AppConfig, file: string): Promise<string[]> {
  // Their secrets are printed and written to a file: never outside development.
  if (config.appEnv !== 'development') throw new Error(`development API keys are only created with APP_ENV=development (this is ${config.appEnv}): create keys with the keys CLI`);
  const dataSource = await createRuntimeDataSource(config, 1).initialize();
  try {
    const store = new ApiKeyStore(dataSource);
    if ((await store.countByLabelPrefix(config.MERCHANT_ID, DEV_LABEL)) > 0) {
      return [
        existsSync(file)
          ? `development API keys: ${file}`
          : `development API keys exist for merchant ${config.MERCHANT_ID} but ${file} is not there (their secrets cannot be shown again): ` +
            `create a key with ${createPosKeyCommand(config.MERCHANT_ID)} (it prints the key once; --role finance, ops or admin for the others)`,
      ];
    }
    const keys = {} as Record<Role, string>;
    for (const role of ROLES) {
      const created = await store.create({
        role,
        merchant: config.MERCHANT_ID,
        store: role === 'pos' ? DEV_POS_STORE : null,
        rateLimitPerMinute: config.API_KEY_RATE_LIMIT_PER_MINUTE,
        label: `${DEV_LABEL}${role}`,
      });
      keys[role] = created.key;
    }
    writeFileSync(file, `${JSON.stringify({ merchant: config.MERCHANT_ID, ...keys }, null, 2)}\n`, { mode: 0o600 });
    return [
      `development API keys for merchant ${config.MERCHANT_ID} (written to ${file}):`,
      ...ROLES.map((role) => `  ${role.padEnd(8)} ${keys[role]}${role === 'pos' ? `  (store ${DEV_POS_STORE})` : ''}`),
    ];
  } finally {
    await dataSource.destroy();
  }
}
