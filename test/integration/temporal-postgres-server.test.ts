import { createServer, type Server } from 'node:net';
import { Client } from 'pg';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { dropDatabases, freeTemporalServerPort, startTestPostgresTemporal, testTemporalDatabases } from '../support/postgres-temporal';
import { TEST_DATABASE_URL } from '../support/test-env';
import { startTestStack, uniquePosReference } from '../support/test-stack';
import type { PostgresTemporal } from '../../src/dev-stack/temporal-postgres-server';

/**
 * `npm start -- --temporal=postgres`'s server, for real: temporal-server on its own Postgres
 * databases with 2 history shards and the UI server, a checkout through the API and a worker on
 * it, the workflow in Postgres and in the UI, still there after a restart; and each bad setup
 * (another shard count, a port in use, a role that may not create databases) refused clearly.
 */
describe('the Postgres-backed Temporal server', () => {
  const suite = testTemporalDatabases(TEST_DATABASE_URL);
  // Apart from the databases global-setup's postgres mode uses, which this must never drop.
  const databases = { main: `${suite.main}_server`, visibility: `${suite.visibility}_server` };
  // One port for every start on these databases, as `npm start` has: a node that comes back on other
  // ports first waits for its old self in the cluster membership table to time out.
  let port: number;
  const start = (historyShards = 2) => startTestPostgresTemporal({ databaseUrl: TEST_DATABASE_URL, databases, historyShards, port, withUi: true });
  let server: PostgresTemporal | undefined;

  beforeAll(async () => {
    await dropDatabases(TEST_DATABASE_URL, [databases.main, databases.visibility]);
    port = await freeTemporalServerPort();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(() => dropDatabases(TEST_DATABASE_URL, [databases.main, databases.visibility]));

  const temporalDb = async <T>(sql: string, params: unknown[]): Promise<T[]> => {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${databases.main}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const uiWorkflows = async (uiUrl: string, query: string) => {
    const res = await fetch(`${uiUrl}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { executions?: Array<{ execution: { workflowId: string }; status: string }> };
    return (body.executions ?? []).map((e) => [e.execution.workflowId, e.status]);
  };

  it('runs a checkout on 2 shards, keeps it in Postgres, shows it in the UI, and still has it after a restart', async () => {
    server = await start();
    const stack = await startTestStack({ TEMPORAL_ADDRESS: server.address });
    const posReference = uniquePosReference('PG');
    const checkoutId = `checkout:demo:S1:T1:${posReference}`;
    try {
      const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference)).expect(201);
      expect(res.body).toMatchObject({ checkoutId, state: 'completed', receipt: { total: '10.00', awarded: '0.10' } });
    } finally {
      await stack.stop();
    }

    const shards = await temporalDb<{ shard_id: number }>('SELECT shard_id FROM shards ORDER BY shard_id', []);
    expect(shards.map((s) => s.shard_id)).toEqual([1, 2]);
    const executions = await temporalDb<{ shard_id: number; status: number }>(
      'SELECT shard_id, status FROM current_executions WHERE workflow_id = $1',
      [checkoutId],
    );
    expect(executions).toEqual([{ shard_id: expect.any(Number), status: 2 }]); // WORKFLOW_EXECUTION_STATUS_COMPLETED
    // Visibility (the UI's list) is written after the workflow closes, by the shard's visibility queue.
    const listed = (uiUrl: string) => eventually(() => uiWorkflows(uiUrl, `WorkflowId = "${checkoutId}" AND CheckoutState = "completed"`), (rows) => rows.length > 0);
    await expect(listed(server.uiUrl!)).resolves.toEqual([[checkoutId, 'WORKFLOW_EXECUTION_STATUS_COMPLETED']]);

    await server.stop();
    server = await start();
    await expect(listed(server.uiUrl!)).resolves.toEqual([[checkoutId, 'WORKFLOW_EXECUTION_STATUS_COMPLETED']]);
  });

  it('refuses another shard count than the databases were created with, saying how to go on', async () => {
    await expect(start(3)).rejects.toThrow(
      `TEMPORAL_HISTORY_SHARDS is 3, but the Temporal databases ${databases.main} and ${databases.visibility} were created with 2 history shards, ` +
        'and the count is fixed at the first start: set TEMPORAL_HISTORY_SHARDS=2, or start over by dropping both databases',
    );
    // And stopped what it started: the same databases start again at once with the right count.
    server = await start(2);
  });

  it('names a port in use before starting anything', async () => {
    // The history service's port, one above the frontend's.
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port + 1, '127.0.0.1', resolve));
    try {
      await expect(
        startTestPostgresTemporal({ databaseUrl: TEST_DATABASE_URL, databases, historyShards: 2, port }),
      ).rejects.toThrow(`port ${port + 1} (Temporal history gRPC) is in use: stop what listens there, or move the server with TEMPORAL_ADDRESS`);
    } finally {
      blocker.close();
    }
  });

  it('tells a role that may not create databases what to do', async () => {
    const role = `${databases.main}_nocreatedb`;
    const missing = { main: `${databases.main}_never`, visibility: `${databases.visibility}_never` };
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.query(`CREATE ROLE ${role} LOGIN NOCREATEDB`);
      const url = new URL(TEST_DATABASE_URL);
      url.username = role;
      await expect(startTestPostgresTemporal({ databaseUrl: url.toString(), databases: missing, historyShards: 2 })).rejects.toThrow(
        `role ${role} cannot create databases: create ${missing.main} and ${missing.visibility} or grant CREATEDB`,
      );
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });
});
