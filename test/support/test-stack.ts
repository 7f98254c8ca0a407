import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { type Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ApiKeyStore, type NewApiKey } from '../../core/access/api-key.store';
import { ROLES, type Role } from '../../core/access/roles';
import { createApiApp } from '../../src/api-app';
import { loadConfig, type AppConfig } from '../../core/config/app-config';
import { createDataSource, createRuntimeDataSource } from '../../core/database/data-source';
import { buildWorker } from '../../src/worker/build-worker';
import { temporalClientOn } from '../../core/temporal/temporal-client';
import { temporalConnectionOptions } from '../../core/temporal/temporal-connection';
import { resetSandbox, startSandbox } from './sandbox-server';
import { TEST_DATABASE_URL, TEST_RUNTIME_DATABASE_URL, testAuditSealDir, testTemporalAddress } from './test-env';

let runtimeInstalled = false;
/** The SDK logs every worker state change at INFO; tests only want errors (activity failures are expected and asserted). */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export interface TestStack {
  config: AppConfig;
  /** Base URL of the API, listening on a real port. */
  apiUrl: string;
  sandboxUrl: string;
  /**
   * The test's own connection, as the owner (DATABASE_OWNER_URL, the superuser of TEST_DATABASE_URL):
   * for seeding, assertions and deliberate tampering. The API and the worker use the runtime role.
   */
  dataSource: DataSource;
  temporal: Client;
  /** One key per role for the config's merchant, scoped to the whole merchant. */
  keys: Record<Role, string>;
  /** A new key (merchant defaults to the config's, the rate limit to a test-sized 100,000/min). */
  keyFor(spec: Partial<NewApiKey> & { role: Role }): Promise<string>;
  /** A supertest agent on the API that sends the key (default: the merchant-wide pos key). */
  api(key?: string): ReturnType<typeof request.agent>;
  stop(): Promise<void>;
}

/** The header that carries an API key. */
export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

/** Creates keys straight in the database, as the CLI does. */
export function testKeyFactory(dataSource: DataSource, merchant: string) {
  const store = new ApiKeyStore(dataSource);
  return async (spec: Partial<NewApiKey> & { role: Role }): Promise<string> =>
    (await store.create({ merchant, rateLimitPerMinute: 100_000, label: 'test', ...spec })).key;
}

/**
 * A checkout is refused at a store its merchant has no row for: a test merchant other than `demo` gets
 * the demo stores' rows (S1–S3, their zone and vendor ids), as an admin would add them.
 */
export async function seedTestStores(dataSource: DataSource, merchant: string): Promise<void> {
  await dataSource.query(
    `INSERT INTO stores (merchant, store, time_zone, crmcom_unit, crmcom_outlet, cmc_location, cmc_terminals)
     SELECT $1, store, time_zone, crmcom_unit, crmcom_outlet, cmc_location, cmc_terminals FROM stores
     WHERE merchant = 'demo' AND store IN ('S1', 'S2', 'S3')
     ON CONFLICT (merchant, store) DO NOTHING`,
    [merchant],
  );
}

/** Every phase's till budget set to `ms`. */
export function tillBudgetsOf(ms: string): Record<string, string> {
  return { TILL_BUDGET_RESERVE_MS: ms, TILL_BUDGET_COMMIT_MS: ms, TILL_BUDGET_COMPLETE_MS: ms, TILL_BUDGET_ONE_SHOT_MS: ms };
}

export interface TestStackOptions {
  /** false: no in-process worker; the test runs its own worker processes (see worker-process.ts). */
  worker?: boolean;
}

/**
 * The real system in one test file: the vendor sandbox and the API on real ports, a worker on its
 * own task queue against the suite's Temporal dev server, and the migrated test database. The API
 * and the worker connect as the runtime role (DATABASE_URL), as they do in production.
 */
export async function startTestStack(env: Record<string, string> = {}, options: TestStackOptions = {}): Promise<TestStack> {
  quietTemporalRuntime();
  const sandbox = await startSandbox();
  const config = loadConfig({
    APP_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: TEST_RUNTIME_DATABASE_URL,
    DATABASE_OWNER_URL: TEST_DATABASE_URL,
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    SANDBOX_PORT: new URL(sandbox.url).port,
    VENDOR_TIMEOUT_MS: '2000',
    AUDIT_SEAL_DIR: testAuditSealDir(),
    // Test keys have a test-sized limit (100,000/min); their expensive budget too, unless a test sets one.
    API_KEY_EXPENSIVE_RATE_LIMIT_PER_MINUTE: '100000',
    // The till's budgets as long as the answer timeout: these tests assert what the vendors did, on a
    // loaded CI machine. The till-budget tests set their own (test/integration/till-budget.test.ts).
    ...tillBudgetsOf(env.CHECKOUT_ANSWER_TIMEOUT_MS ?? '25000'),
    // The worker's circuit breakers outlive a test: a vendor failing on purpose in one test must not
    // leave its circuit open for the next. Tests of the breakers set their own threshold.
    VENDOR_BREAKER_VOLUME_THRESHOLD: '100000',
    // Every API process delivers every merchant's due callbacks: a test stack signing with its own keys
    // must not deliver (and audit) another file's events. The callbacks test turns it on.
    CALLBACK_DISPATCH: 'off',
    // Tests send bursts of checkouts at an idle API (100 at once in checkout-input, 20 in worker-crash):
    // above the default floor of in-flight checkouts, before any throughput is measured, load shedding
    // would refuse some. Its own test (load-shedding.test.ts) sets its limits.
    LOAD_SHEDDING_MIN_IN_FLIGHT: '200',
    ...env,
  });
  const dataSource = await createDataSource(config.DATABASE_OWNER_URL ?? TEST_DATABASE_URL, 5).initialize();
  await seedTestStores(dataSource, config.MERCHANT_ID);
  const workerDataSource = options.worker === false ? undefined : await createRuntimeDataSource(config, 5).initialize();
  // Without an in-process worker the test runs its own worker processes (see worker-process.ts).
  const workerConnection = options.worker === false ? undefined : await NativeConnection.connect(temporalConnectionOptions(config));
  const worker: Worker | undefined = workerConnection && workerDataSource
    ? await buildWorker(config, { connection: workerConnection, dataSource: workerDataSource })
    : undefined;
  const workerRun = worker?.run();
  const api: INestApplication = await createApiApp(config);
  await api.listen(0, '127.0.0.1');
  const apiPort = (api.getHttpServer().address() as { port: number }).port;
  const temporal = temporalClientOn(await Connection.connect(temporalConnectionOptions(config)), config);
  const keyFor = testKeyFactory(dataSource, config.MERCHANT_ID);
  const keys = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await keyFor({ role })]))) as Record<Role, string>;
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  return {
    config,
    apiUrl,
    sandboxUrl: sandbox.url,
    dataSource,
    temporal,
    keys,
    keyFor,
    api: (key = keys.pos) => request.agent(apiUrl).set(bearer(key)),
    async stop() {
      await api.close();
      worker?.shutdown();
      await workerRun;
      await workerConnection?.close();
      await temporal.connection.close();
      await workerDataSource?.destroy();
      await dataSource.destroy();
      await sandbox.close();
    },
  };
}

/**
 * The calling test file's stack: started before its first test, stopped after its last, and with
 * `resetSandbox` the sandbox reset before each test. The returned object is filled in by the first
 * hook: use it inside tests and hooks only.
 */
export function testStackForFile(env: Record<string, string> = {}, options: TestStackOptions & { resetSandbox?: boolean } = {}): TestStack {
  const stack = {} as TestStack;
  beforeAll(async () => {
    Object.assign(stack, await startTestStack(env, options));
  });
  afterAll(() => stack.stop?.());
  if (options.resetSandbox) beforeEach(() => resetSandbox(stack.sandboxUrl));
  return stack;
}

/** A POS reference no other test (or earlier run) has used. */
export function uniquePosReference(prefix = 'T'): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}
