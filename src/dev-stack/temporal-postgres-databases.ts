import { userInfo } from 'node:os';
import { spawn } from 'node:child_process';
import { Client } from 'pg';

/** Where Temporal's two databases live: the Postgres of DATABASE_OWNER_URL, as the SQL tool and the server reach it. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalDatabaseNames {
  /** Histories, shards, task queues, namespaces. */
  main: string;
  /** Workflow lists and the search attributes. */
  visibility: string;
}

/** The two schemas, as the SQL tool embeds them (`--schema-name`); each has a `versioned` folder. */
const EMBEDDED_SCHEMAS = { main: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;

export function postgresEndpoint(databaseUrl: string): PostgresEndpoint {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    // The same defaults `pg` (the API and the worker) falls back to, so both reach Postgres alike.
    user: decodeURIComponent(url.username) || process.env.PGUSER || userInfo().username,
    password: decodeURIComponent(url.password) || process.env.PGPASSWORD || '',
  };
}

/**
 * Creates the databases that are missing and brings both schemas to the version this server
 * needs: `setup-schema` once (the version tables), `update-schema` on every start (a no-op when
 * current). A role that may not create databases gets a clear error instead of the SQL tool's.
 */
export async function prepareTemporalDatabases(
  sqlTool: string,
  endpoint: PostgresEndpoint,
  names: TemporalDatabaseNames,
  log: (line: string) => void,
): Promise<void> {
  await createMissingDatabases(endpoint, [names.main, names.visibility], log);
  for (const kind of ['main', 'visibility'] as const) {
    const database = names[kind];
    const env = { SQL_PLUGIN: 'postgres12', SQL_HOST: endpoint.host, SQL_PORT: String(endpoint.port), SQL_USER: endpoint.user, SQL_PASSWORD: endpoint.password, SQL_DATABASE: database };
    if (!(await hasVersionTables(endpoint, database))) await runSqlTool(sqlTool, ['setup-schema', '-v', '0.0'], env);
    await runSqlTool(sqlTool, ['update-schema', '--schema-name', EMBEDDED_SCHEMAS[kind]], env);
    log(`Temporal database ${database} is at schema ${await schemaVersion(endpoint, database)}`);
  }
}

/** Drops each database if it exists, closing its connections (a fresh start for the tests' and the bench's own servers). */
export async function dropDatabases(databaseUrl: string, names: string[]): Promise<void> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function createMissingDatabases(endpoint: PostgresEndpoint, databases: string[], log: (line: string) => void): Promise<void> {
  await withClient(endpoint, 'postgres', async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [databases]);
    const missing = databases.filter((name) => !rows.some((row) => row.datname === name));
    if (!missing.length) return;
    const role = await client.query<{ may: boolean }>('SELECT rolcreatedb OR rolsuper AS may FROM pg_roles WHERE rolname = current_user');
    if (!role.rows[0]?.may) {
      throw new Error(`role ${endpoint.user} cannot create databases: create ${databases.join(' and ')} or grant CREATEDB (missing: ${missing.join(', ')})`);
    }
    for (const name of missing) {
      await client.query(`CREATE DATABASE "${name}"`);
      log(`created database ${name}`);
    }
  });
}

async function hasVersionTables(endpoint: PostgresEndpoint, database: string): Promise<boolean> {
  return withClient(endpoint, database, async (client) => {
    const { rows } = await client.query<{ table: string | null }>("SELECT to_regclass('schema_version')::text AS table");
    return rows[0]?.table !== null;
  });
}

async function schemaVersion(endpoint: PostgresEndpoint, database: string): Promise<string> {
  return withClient(endpoint, database, async (client) => {
    const { rows } = await client.query<{ curr_version: string }>('SELECT curr_version FROM schema_version');
    return rows[0]?.curr_version ?? 'unknown';
  });
}

async function withClient<T>(endpoint: PostgresEndpoint, database: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...endpoint, password: endpoint.password || undefined, database });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Runs the SQL tool (connection in its SQL_* variables, so no password on a command line); its output only on failure. */
function runSqlTool(sqlTool: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(sqlTool, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`temporal-sql-tool ${args.join(' ')} on ${env.SQL_DATABASE} failed (exit code ${code}): ${lastLines(output)}`)),
    );
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}
