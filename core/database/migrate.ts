import { loadConfig, ownerDatabaseUrl, type AppConfig } from '../config/app-config';
import { createDataSource } from './data-source';
import { ensureDatabase } from './ensure-database';
import { applyRuntimePrivileges, type RuntimeRoles } from './runtime-privileges';

/**
 * Creates the database if needed, applies pending migrations as the owner (`ownerUrl`), then grants
 * the runtime role its privileges (core/database/runtime-privileges.ts). Safe to run on every start.
 */
export async function migrate(ownerUrl: string, roles: RuntimeRoles): Promise<string[]> {
  await ensureDatabase(ownerUrl);
  const dataSource = createDataSource(ownerUrl, 1);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    await applyRuntimePrivileges(dataSource, roles);
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The runtime roles of a configuration: the group DATABASE_RUNTIME_ROLE, and DATABASE_URL's user as
 * its member, created when missing outside production (production's login is the DBA's to create).
 */
export function runtimeRolesOf(config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_RUNTIME_ROLE' | 'appEnv'>): RuntimeRoles {
  return {
    group: config.DATABASE_RUNTIME_ROLE,
    login: decodeURIComponent(new URL(config.DATABASE_URL).username) || undefined,
    createLogin: config.appEnv !== 'production',
  };
}

/** Migrates the database of `config` as its owner and grants its runtime role. */
export function migrateFor(config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_OWNER_URL' | 'DATABASE_RUNTIME_ROLE' | 'appEnv'>): Promise<string[]> {
  return migrate(ownerDatabaseUrl(config), runtimeRolesOf(config));
}

if (require.main === module) {
  Promise.resolve()
    .then(() => migrateFor(loadConfig()))
    .then((applied) => {
      console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
    })
    .catch((err: unknown) => {
      console.error('migration failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
