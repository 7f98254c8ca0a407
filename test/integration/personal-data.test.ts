import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import request from 'supertest';
import { AuditSealer } from '../../core/audit/audit-sealer';
import { findTemporalBinary } from '../../src/dev-stack/temporal-cli';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { startApiProcess } from '../support/api-process';
import { referenceCheckoutBody, oneShotCheckoutBody } from '../support/checkout-requests';
import { resetSandbox } from '../support/sandbox-server';
import { bearer, startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { buildDist, startWorkerProcess } from '../support/worker-process';

/**
 * Canary customer identifiers sent in real checkouts must appear in clear nowhere we keep: the
 * audit tables, the projection, the Temporal history (read without the codec, as the server and
 * `temporal workflow show` see it), workflow ids and search attributes.
 */
describe('personal data stays out of the audit trail and the Temporal history', () => {
  let stack: TestStack;
  let processes: ChildProcess[] = [];
  let api: () => ReturnType<typeof request.agent>;
  const merchant = `pd${randomUUID().slice(0, 8)}`;
  const logNames = [`pd-api-${merchant}.log`, `pd-worker-${merchant}.log`];
  const CAPILLARY_PHONE = '919999999999'; // the sandbox's Capillary customer: the checkout succeeds
  const unknownEmail = `canary-${randomUUID().slice(0, 8)}@example.com`;
  const unknownPhone = `9197${randomInt(10_000_000, 99_999_999)}`;
  const canaries = [CAPILLARY_PHONE, unknownEmail, unknownPhone];
  const checkoutIds: string[] = [];

  beforeAll(async () => {
    // The API and the worker as the processes they are in production, logging at debug to files we read.
    stack = await startTestStack({ MERCHANT_ID: merchant }, { worker: false });
    buildDist();
    const worker = await startWorkerProcess(stack.config, logNames[1], { LOG_LEVEL: 'debug' });
    const apiProcess = await startApiProcess(stack.config, logNames[0], { LOG_LEVEL: 'debug' });
    processes = [worker, apiProcess.child];
    api = () => request.agent(apiProcess.url).set(bearer(stack.keys.pos));
    await resetSandbox(stack.sandboxUrl);

    const known = uniquePosReference('PD');
    await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, known, { complete: true })).expect(201);
    const email = uniquePosReference('PD');
    await api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(email, { customer: { provider: 'crmcom', identifier: { type: 'email', value: unknownEmail } } }))
      .expect(422);
    const phone = uniquePosReference('PD');
    await api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(phone, { points: { provider: 'capillary', points: 10, identifier: { type: 'phone', value: unknownPhone } } }))
      .expect(201); // an unknown points customer refuses the points, not the sale
    checkoutIds.push(...[known, email, phone].map((ref) => `checkout:${merchant}:S1:T1:${ref}`));
    await new AuditSealer(stack.dataSource).sealDay(merchant, 'S1', new Date().toISOString().slice(0, 10));
  });
  afterAll(async () => {
    for (const child of processes) child.kill('SIGTERM');
    await stack?.stop();
  });

  const expectNoCanary = (text: string) => {
    for (const canary of canaries) expect(text).not.toContain(canary);
  };

  it('the checkouts wrote audit rows, with a keyed customer reference where a customer was named', async () => {
    const rows = (await stack.dataSource.query(`SELECT checkout_id, customer_ref FROM audit_events WHERE checkout_id = ANY($1)`, [checkoutIds])) as {
      checkout_id: string;
      customer_ref: string | null;
    }[];
    expect(new Set(rows.map((r) => r.checkout_id))).toEqual(new Set(checkoutIds));
    expect(rows.some((r) => /^hmac:[0-9a-f]{64}$/.test(r.customer_ref ?? ''))).toBe(true);
  });

  it('no audit row, seal or projection row holds a canary, in any column', async () => {
    for (const table of ['audit_events', 'audit_seals', 'checkouts']) {
      const [{ dump }] = (await stack.dataSource.query(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM ${table} t`)) as { dump: string }[];
      expect(dump.length).toBeGreaterThan(0);
      expectNoCanary(dump);
    }
  });

  it('the history the Temporal server holds (no codec) and its ids and search attributes hold no canary', async () => {
    const raw = new Client({ connection: stack.temporal.connection }); // no codec: what the server stores
    for (const workflowId of checkoutIds) {
      expectNoCanary(workflowId);
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      expectNoCanary(JSON.stringify(history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)));
      // Search attributes are never encoded; the memo is decoded here, so it must not hold one either.
      const described = await stack.temporal.workflow.getHandle(workflowId).describe();
      expectNoCanary(JSON.stringify({ sa: described.searchAttributes, typed: described.typedSearchAttributes, memo: await described.memo }));
    }
    // The canary was there to find: through the codec, ops see the phone in the checkout's input.
    const history = await raw.workflow.getHandle(checkoutIds[0]).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const [decoded] = await encryptionCodecFor(stack.config).decode(input);
    expect(Buffer.from(decoded.data ?? new Uint8Array()).toString('utf8')).toContain(CAPILLARY_PHONE);
  });

  it('the API and worker logs (debug level) hold no canary, and do name the checkouts', () => {
    const logs = logNames.map((name) => readFileSync(path.join(__dirname, '..', '..', '.data', name), 'utf8'));
    for (const log of logs) {
      expect(log.length).toBeGreaterThan(0);
      expectNoCanary(log);
    }
    // The logs are not empty of substance: the API's request lines name the checkouts it served.
    expect(checkoutIds.some((id) => logs[0].includes(id))).toBe(true);
  });

  it('`temporal workflow show` prints no canary', () => {
    const cli = findTemporalBinary();
    if (!cli) throw new Error('no temporal CLI binary: set TEMPORAL_CLI_PATH');
    for (const workflowId of checkoutIds) {
      const shown = spawnSync(cli, ['workflow', 'show', '--output', 'json', '--address', stack.config.TEMPORAL_ADDRESS, '-w', workflowId], { encoding: 'utf8' });
      expect(shown.status).toBe(0);
      expect(shown.stdout.length).toBeGreaterThan(100);
      expectNoCanary(shown.stdout);
    }
  });
});
