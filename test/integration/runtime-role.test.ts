import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../../core/config/app-config';
import { checkRuntimeRole, createDataSource, createRuntimeDataSource } from '../../core/database/data-source';
import { applyRuntimePrivileges, RUNTIME_PRIVILEGES, runtimeRoleProblem, schemaTables } from '../../core/database/runtime-privileges';
import { testAuditSealer, testAuditWriter } from '../support/audit-database';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { TEST_DATABASE_URL, TEST_RUNTIME_DATABASE_URL, TEST_RUNTIME_LOGIN } from '../support/test-env';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * The runtime role the API and the worker connect as (DATABASE_URL; global-setup's migrate created
 * it and granted RUNTIME_PRIVILEGES), against the migrated test database: it can append to the audit
 * tables and read them, and every attempt to rewrite, remove, empty or unprotect them is a
 * permission error from Postgres itself, before any trigger. Every statement that could succeed runs
 * in a transaction that is rolled back, so a missing refusal fails the test without harming the data.
 */
describe('the runtime database role', () => {
  const config = loadConfig({ APP_ENV: 'test', DATABASE_URL: TEST_RUNTIME_DATABASE_URL, DATABASE_STATEMENT_TIMEOUT_MS: '300', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '2000' });
  let runtime: DataSource;
  let owner: DataSource;
  const store = `RR${randomUUID().slice(0, 8)}`;
  const checkoutId = `checkout:demo:${store}:T1:R1`;

  beforeAll(async () => {
    runtime = await createRuntimeDataSource(config, 2).initialize();
    owner = await createDataSource(TEST_DATABASE_URL, 1).initialize();
  });
  afterAll(async () => {
    await runtime?.destroy();
    await owner?.destroy();
  });

  /** Runs `sql` as the runtime role in a transaction that is always rolled back; the error, or undefined when it ran. */
  async function attempt(sql: string, params: unknown[] = []): Promise<(Error & { code?: string }) | undefined> {
    const runner = runtime.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(sql, params);
      return undefined;
    } catch (err) {
      return err as Error & { code?: string };
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  it('is a login of its own, neither superuser nor owner, and the owner is refused by the check the API and worker run at start', async () => {
    const [{ current_user: role }] = (await runtime.query(`SELECT current_user`)) as { current_user: string }[];
    expect(role).toBe(TEST_RUNTIME_LOGIN);
    expect(await runtimeRoleProblem(runtime)).toBeUndefined();
    expect(await runtimeRoleProblem(owner)).toEqual({ role: 'postgres', problem: 'is a superuser' });

    const warnings: string[] = [];
    await checkRuntimeRole(owner, { appEnv: 'test' }, (line) => warnings.push(line));
    expect(warnings).toEqual([expect.stringContaining('DATABASE_URL connects as postgres, which is a superuser')]);
    await expect(checkRuntimeRole(owner, { appEnv: 'production' }, () => undefined)).rejects.toThrow(ConfigError);
    await expect(checkRuntimeRole(runtime, { appEnv: 'production' }, () => undefined)).resolves.toBeUndefined();
  });

  it('appends to and reads the audit trail (the writer and the sealer the activities use)', async () => {
    const writer = testAuditWriter(runtime);
    await writer.append({
      idempotency_key: `${checkoutId}|runtime-role`,
      checkout_id: checkoutId,
      run_id: null, kind: 'transition', step: 'reserve', vendor: null, operation: null, outcome: 'reserved',
      http_status: null, latency_ms: null, attempt: 1, amount_minor: null, currency: 'EUR', vendor_reference: null,
      request_excerpt: null, response_excerpt: null, error_code: null, error_message: null, merchant: 'demo', store, till: 'T1',
    });
    await testAuditSealer(runtime).sealDay('demo', store, new Date().toISOString().slice(0, 10));
    const counts = (await runtime.query(
      `SELECT (SELECT count(*)::int FROM audit_events WHERE store = $1) AS events, (SELECT count(*)::int FROM audit_seals WHERE store = $1) AS seals`,
      [store],
    )) as { events: number; seals: number }[];
    expect(counts[0]).toEqual({ events: 1, seals: 1 });
  });

  it.each([
    ['ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only', /must be owner of table audit_events/],
    ['ALTER TABLE audit_events DISABLE TRIGGER ALL', /must be owner of table audit_events/],
    ['ALTER TABLE audit_seals DISABLE TRIGGER audit_seals_append_only', /must be owner of table audit_seals/],
    ['UPDATE audit_events SET amount_minor = 1 WHERE store = $1', /permission denied for table audit_events/],
    ['DELETE FROM audit_events WHERE store = $1', /permission denied for table audit_events/],
    ['UPDATE audit_seals SET seal_hash = seal_hash WHERE store = $1', /permission denied for table audit_seals/],
    ['DELETE FROM audit_seals WHERE store = $1', /permission denied for table audit_seals/],
    ['TRUNCATE audit_events', /permission denied for table audit_events/],
    ['TRUNCATE audit_seals', /permission denied for table audit_seals/],
    ['DROP TABLE audit_events', /must be owner of table audit_events/],
    ['CREATE TRIGGER t BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()', /permission denied for table audit_events|must be owner/],
    ['CREATE TABLE runtime_role_probe (id int)', /permission denied for schema public/],
    ['DELETE FROM checkouts', /permission denied for table checkouts/],
    ['SELECT * FROM migrations', /permission denied for table migrations/],
    ["SELECT setval(pg_get_serial_sequence('audit_events', 'id'), 1)", /permission denied for sequence/],
  ])('is refused: %s', async (sql, message) => {
    const params = sql.includes('$1') ? [store] : [];
    const refused = await attempt(sql, params);
    expect(refused?.message).toMatch(message);
    expect(refused?.code).toBe('42501');
    const [{ n }] = (await owner.query(`SELECT count(*)::int AS n FROM audit_events WHERE store = $1`, [store])) as { n: number }[];
    expect(n).toBe(1);
  });

  it('has every table of the schema in the policy list, and nothing more than the list grants', async () => {
    const tables = await schemaTables(owner);
    expect(tables.filter((t) => !(t in RUNTIME_PRIVILEGES))).toEqual([]);
    expect(Object.keys(RUNTIME_PRIVILEGES).filter((t) => !tables.includes(t))).toEqual([]);
    const granted = (await owner.query(
      `SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) AS privileges
         FROM information_schema.role_table_grants WHERE grantee = $1 AND table_schema = 'public' GROUP BY table_name`,
      [config.DATABASE_RUNTIME_ROLE],
    )) as { table_name: string; privileges: string }[];
    const expected = Object.entries(RUNTIME_PRIVILEGES).filter(([, p]) => p.length).map(([table, p]) => ({ table_name: table, privileges: [...p].sort().join(',') }));
    expect(granted.sort((a, b) => a.table_name.localeCompare(b.table_name))).toEqual(expected.sort((a, b) => a.table_name.localeCompare(b.table_name)));
  });

  it('refuses to grant while a table is missing from the list, and refuses the owner as the runtime login in production', async () => {
    const table = `unlisted_${randomUUID().slice(0, 8)}`;
    await owner.query(`CREATE TABLE ${table} (id int)`);
    try {
      await expect(applyRuntimePrivileges(owner, { group: config.DATABASE_RUNTIME_ROLE })).rejects.toThrow(
        `tables without runtime privileges in core/database/runtime-privileges.ts: ${table}`,
      );
    } finally {
      await owner.query(`DROP TABLE ${table}`);
    }
    await expect(applyRuntimePrivileges(owner, { group: config.DATABASE_RUNTIME_ROLE, login: 'postgres' })).rejects.toThrow(
      /DATABASE_URL connects as postgres, the tables' owner/,
    );
    // Outside production (createLogin) an old superuser DATABASE_URL still migrates; the API and worker warn.
    await expect(applyRuntimePrivileges(owner, { group: config.DATABASE_RUNTIME_ROLE, login: 'postgres', createLogin: true })).resolves.toBeUndefined();
  });

  it('cancels a statement beyond DATABASE_STATEMENT_TIMEOUT_MS and sets the idle-in-transaction timeout', async () => {
    const settings = (await runtime.query(`SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle`)) as {
      statement: string;
      idle: string;
    }[];
    expect(settings[0]).toEqual({ statement: '300ms', idle: '2s' });
    await expect(runtime.query(`SELECT pg_sleep(2)`)).rejects.toMatchObject({ code: '57014' });
    // The migrations' connection has no such limit.
    const [ownerSetting] = (await owner.query(`SELECT current_setting('statement_timeout') AS statement`)) as { statement: string }[];
    expect(ownerSetting.statement).toBe('0');
  });
});

describe('a whole checkout as the runtime role', () => {
  const stack = testStackForFile({}, { resetSandbox: true });

  it('runs the API and the worker on DATABASE_URL, the runtime login, and completes a one-shot checkout with its audit rows', async () => {
    expect(new URL(stack.config.DATABASE_URL).username).toBe(TEST_RUNTIME_LOGIN);
    const posReference = uniquePosReference();
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference)).expect(201);
    expect(res.body.state).toBe('completed');
    const checkoutId = res.body.checkoutId as string;
    const [rows] = (await stack.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE checkout_id = $1`, [checkoutId])) as { n: number }[];
    expect(rows.n).toBeGreaterThan(0);
    // The API's and the worker's pools are the runtime login's (the test's own connection is the owner's).
    const sessions = (await stack.dataSource.query(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'checkout-saga' AND usename <> current_user`,
    )) as { usename: string }[];
    expect(sessions.map((s) => s.usename)).toEqual([TEST_RUNTIME_LOGIN]);
  });
});
