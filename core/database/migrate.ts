import { loadConfig } from '../config/app-config';
import { createDataSource } from './data-source';
import { ensureDatabase } from './ensure-database';

/** Creates the database if needed and applies pending migrations. Safe to run on every start. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const dataSource = createDataSource(databaseUrl, 1);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  const config = loadConfig();
  migrate(config.DATABASE_URL)
    .then((applied) => {
      console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
    })
    .catch((err: unknown) => {
      console.error('migration failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
