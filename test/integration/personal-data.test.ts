import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import request from 'supertest';
import { findTemporalBinary } from '../../src/dev-stack/temporal-cli';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { openValue } from '../../core/temporal/sealed-value';
import { startApiProcess } from '../support/api-process';
import { referenceCheckoutBody, oneShotCheckoutBody } from '../support/checkout-requests';
import { historyAsText } from '../support/history-text';
import { CAPILLARY_SANDBOX_COUPONS, CAPILLARY_SANDBOX_CUSTOMER } from '../../src/sandbox/capillary-sandbox-org';
import { eventually } from '../support/eventually';
import { injectFault, journalOf } from '../support/journal';
import { findCanaries, logLines, sandboxCustomerIdentifiers } from '../support/sandbox-customers';
import { resetSandbox } from '../support/sandbox-server';
import { testAuditSealer } from '../support/audit-database';
import { bearer, startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { buildDist, startWorkerProcess } from '../support/worker-process';

/**
 * Canary customer identifiers sent in real checkouts must appear in clear nowhere we keep: the
 * audit tables, the projection, the Temporal history (read without the codec, as the server and
 * `temporal workflow show` see it), workflow ids and search attributes. Nor must any identifier the
 * vendors *return* for those customers (names, e-mail, account, wallet and user ids...), read from
 * the sandbox's seed: they identify the customer as well as what the POS sent.
 */
describe('personal data stays out of the audit trail and the Temporal history', () => {
  let stack: TestStack;
  let processes: ChildProcess[] = [];
  let api: () => ReturnType<typeof request.agent>;
  let ops: () => ReturnType<typeof request.agent>;
  const merchant = `pd${randomUUID().slice(0, 8)}`;
  const logNames = [`pd-api-${merchant}.log`, `pd-worker-${merchant}.log`];
  const CAPILLARY_PHONE = '919999999999'; // the sandbox's Capillary customer: the checkout succeeds
  const unknownEmail = `canary-${randomUUID().slice(0, 8)}@example.com`;
  const unknownPhone = `9197${randomInt(10_000_000, 99_999_999)}`;
  // The people a CMC transaction names (issue 19): sent to CMC, kept nowhere of ours in clear.
  const cmcEmail = `cmc-${randomUUID().slice(0, 8)}@example.com`;
  const cmcPhone = `+3579${randomInt(1_000_000, 9_999_999)}`;
  const cmcCard = `CARD${randomInt(10_000_000, 99_999_999)}`;
  const cmcNames = [`Ada${randomUUID().slice(0, 6)}`, `Byron${randomUUID().slice(0, 6)}`, `Sam${randomUUID().slice(0, 6)}`];
  // Issue 19: a Capillary validation code (OTP) and an enrolment's details (a new customer's phone, names, e-mail).
  const validationCode = `ZQ${randomInt(100_000, 999_999)}WV`;
  const enrolPhone = `4478${randomInt(10_000_000, 99_999_999)}`;
  const enrolNames = [`Canaryfirst${randomInt(1000, 9999)}`, `Canarylast${randomInt(1000, 9999)}`];
  const enrolEmail = `enrol-${randomUUID().slice(0, 8)}@example.com`;
  // The customer's real validation code, issued by the sandbox in beforeAll: the one a redemption sends.
  let issuedCode = '';
  const canaries = [CAPILLARY_PHONE, unknownEmail, unknownPhone, cmcEmail, cmcPhone, cmcCard, ...cmcNames, validationCode, enrolPhone, ...enrolNames, enrolEmail];
  // What a batch upload must never store, not even sealed: it is refused whole.
  const batchSecrets = () => [issuedCode, validationCode, enrolPhone, ...enrolNames, enrolEmail, CAPILLARY_SANDBOX_CUSTOMER.cardNumber];
  // The validation-code request and retro-tagging workflows (capillary-otp:*, capillary-retro:*), scanned as the checkouts are.
  const otherWorkflowIds: string[] = [];
  const referenceBody = oneShotCheckoutBody('');
  const vendorCanaries = sandboxCustomerIdentifiers({ crmcomCode: referenceBody.customer.identifier.value, capillaryMobile: CAPILLARY_PHONE });
  const checkoutIds: string[] = [];
  // A vendor's refusal naming the customer (letters: the scrubber masks numbers and e-mails only).
  // It is the POS's rejection reason (the projection and the audit row keep it), so it is looked for
  // only where the failure message alone would carry it: the Temporal history.
  const failureCanary = `Canaryname${randomUUID().slice(0, 8).replace(/[0-9]/g, 'x')}`;
  let refusedId = '';
  /** The Coupontools coupons of the voided sale and of the cancelled reserve (sessions the sandbox created for them). */
  const coupontoolsCodes: string[] = [];
  /** The sale that redeemed a Capillary coupon: its id and request. */
  const couponSale = { id: '', body: {} as object };
  let namedBatchId = '';
  let storedBatchRows: Array<{ row: unknown; input: unknown; sealed_input: Buffer | null }> = [];

  beforeAll(async () => {
    // The API and the worker as the processes they are in production, logging at debug to files we read.
    stack = await startTestStack({ MERCHANT_ID: merchant }, { worker: false });
    buildDist();
    const worker = await startWorkerProcess(stack.config, logNames[1], { LOG_LEVEL: 'debug' });
    const apiProcess = await startApiProcess(stack.config, logNames[0], { LOG_LEVEL: 'debug' });
    processes = [worker, apiProcess.child];
    api = () => request.agent(apiProcess.url).set(bearer(stack.keys.pos));
    ops = () => request.agent(apiProcess.url).set(bearer(stack.keys.ops));
    await resetSandbox(stack.sandboxUrl);

    const known = uniquePosReference('PD');
    const knownBody = await referenceCheckoutBody(stack.sandboxUrl, known, { complete: true });
    await api().post('/v1/checkouts').send(knownBody).expect(201);
    // Views that name Coupontools coupons: the sale voided (its validated coupon listed as not undone, in a
    // reason too), and a reserve cancelled (its held coupon released: a compensation step names it).
    await api().post(`/v1/checkouts/checkout:${merchant}:S1:T1:${known}/void`).send().expect(200);
    const cancelled = uniquePosReference('PD');
    const cancelledBody = await referenceCheckoutBody(stack.sandboxUrl, cancelled, { complete: undefined });
    const reserved = await api().post('/v1/checkouts').send(cancelledBody).expect(201);
    expect((await api().post(`/v1/checkouts/${reserved.body.checkoutId}/cancel`).send().expect(200)).body.compensations).not.toEqual([]);
    checkoutIds.push(reserved.body.checkoutId as string);
    coupontoolsCodes.push(...[knownBody, cancelledBody].map((b) => (b.coupons as Array<{ code: string }>)[0].code));
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
    const cmc = uniquePosReference('PD');
    const postTender = {
      provider: 'cmc',
      customer: { firstName: cmcNames[0], lastName: cmcNames[1], email: cmcEmail, phone: cmcPhone },
      salesPerson: { id: 'SP1', firstName: cmcNames[2] },
      cardNumber: cmcCard,
    };
    await api().post('/v1/checkouts').send(oneShotCheckoutBody(cmc, { postTender })).expect(201);
    const enrolled = uniquePosReference('PD');
    await api()
      .post('/v1/checkouts')
      .send(
        oneShotCheckoutBody(enrolled, {
          points: {
            provider: 'capillary',
            points: 10,
            identifier: { type: 'phone', value: enrolPhone },
            validationCode,
            enrol: { firstName: enrolNames[0], lastName: enrolNames[1], email: enrolEmail },
          },
        }),
      )
      .expect(201); // enrolled, then the new customer's 0 points refuse the redemption
    checkoutIds.push(...[known, email, phone, cmc, enrolled].map((ref) => `checkout:${merchant}:S1:T1:${ref}`));

    // A validation code actually sent: requested through the API (a capillary-otp:* workflow), read from
    // the customer's SMS (the sandbox), then carried by a sale of the seeded customer who has the points,
    // so isredeemable, points/redeem and coupon/redeem all send it.
    await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: { type: 'phone', value: CAPILLARY_PHONE }, points: 10 }).expect(202);
    issuedCode = (await request(stack.sandboxUrl).get('/capillary/_sandbox/validation-codes').query({ mobile: CAPILLARY_PHONE }).expect(200)).body.code as string;
    canaries.push(issuedCode);
    const redeemed = uniquePosReference('PD');
    couponSale.body = oneShotCheckoutBody(redeemed, {
      points: { provider: 'capillary', points: 10, identifier: { type: 'phone', value: CAPILLARY_PHONE }, validationCode: issuedCode },
      coupons: [{ provider: 'capillary', code: CAPILLARY_SANDBOX_COUPONS.multiUse, validationCode: issuedCode }],
    });
    couponSale.id = `checkout:${merchant}:S1:T1:${redeemed}`;
    const withCode = await api().post('/v1/checkouts').send(couponSale.body).expect(201);
    expect(withCode.body.receipt).toMatchObject({ pointsRedeemed: 10, exceptions: [] });
    const sent = (await journalOf(stack.sandboxUrl, `${merchant}:S1:T1:${redeemed}`, 'capillary')).map((e) => e.effect);
    expect(sent).toEqual(expect.arrayContaining(['points.redeem', 'coupon.redeem']));
    checkoutIds.push(`checkout:${merchant}:S1:T1:${redeemed}`);
    const otp = (await stack.dataSource.query(`SELECT DISTINCT checkout_id FROM audit_events WHERE checkout_id LIKE $1`, [`capillary-otp:${merchant}:%`])) as Array<{ checkout_id: string }>;
    expect(otp).toHaveLength(1);
    otherWorkflowIds.push(...otp.map((r) => r.checkout_id));

    // A batch: one carrying the secrets is refused whole; an anonymous sale is stored, runs, and is retro-tagged to the customer.
    const secretSale = oneShotCheckoutBody(uniquePosReference('PD'), {
      points: { provider: 'capillary', points: 10, identifier: { type: 'phone', value: enrolPhone }, validationCode: issuedCode, enrol: { firstName: enrolNames[0] } },
    });
    const cardSale = oneShotCheckoutBody(uniquePosReference('PD'), { points: { provider: 'capillary', points: 10, identifier: { type: 'card', value: CAPILLARY_SANDBOX_CUSTOMER.cardNumber } } });
    await api().post('/v1/checkouts/batch').send({ sales: [secretSale, cardSale] }).expect(400);
    const anonymous = uniquePosReference('PD');
    const performedOn = `${new Date(Date.now() - 3_600_000).toISOString().slice(0, 19)}Z`;
    const batch = await api().post('/v1/checkouts/batch').send({ sales: [oneShotCheckoutBody(anonymous, { customer: undefined, complete: undefined, performedOn })] }).expect(202);
    await eventually(
      async () => (await api().get(`/v1/checkouts/batch/${batch.body.batchId}`).expect(200)).body,
      (p) => p.status === 'completed',
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    // A batch whose sales name customers (the CRM.COM code, an unknown e-mail): read while CRM.COM is
    // slow (so before it is driven), its rows hold the inputs sealed; once driven, nothing.
    await injectFault(stack.sandboxUrl, { path: '/crmcom/*', kind: 'latency', latencyMs: 500, times: 2 });
    const named = [uniquePosReference('PD'), uniquePosReference('PD')];
    const namedBatch = await api()
      .post('/v1/checkouts/batch')
      .send({
        sales: [
          oneShotCheckoutBody(named[0], { complete: undefined, performedOn }),
          oneShotCheckoutBody(named[1], { complete: undefined, performedOn, customer: { provider: 'crmcom', identifier: { type: 'email', value: unknownEmail } } }),
        ],
      })
      .expect(202);
    namedBatchId = namedBatch.body.batchId as string;
    storedBatchRows = (await stack.dataSource.query(`SELECT row_to_json(t) AS row, t.input, t.sealed_input FROM checkout_batch_sales t WHERE merchant = $1 AND batch_id = $2 ORDER BY position`, [
      merchant,
      namedBatchId,
    ])) as typeof storedBatchRows;
    await eventually(
      async () => (await api().get(`/v1/checkouts/batch/${namedBatchId}`).expect(200)).body,
      (p) => p.status === 'completed',
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    checkoutIds.push(...named.map((ref) => `checkout:${merchant}:S1:T1:${ref}`));
    const anonymousId = `checkout:${merchant}:S1:T1:${anonymous}`;
    await request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send({ retroEnabled: true }).expect(200);
    await api().post(`/v1/checkouts/${encodeURIComponent(anonymousId)}/capillary-customer`).send({ identifier: { type: 'phone', value: CAPILLARY_PHONE } }).expect(200);
    checkoutIds.push(anonymousId);
    otherWorkflowIds.push(`capillary-retro:${anonymousId}`);
    // A failed step whose vendor refusal names the customer: CRM.COM's identify refuses once.
    await injectFault(stack.sandboxUrl, {
      path: '/crmcom/crmapi/rest/v2/rewards_participants/show',
      kind: 'status',
      status: 200,
      body: { status: { code: 'PARTICIPANT_BLOCKED', message: null, description: `Participant ${failureCanary} is blocked` } },
      times: 1,
    });
    const refused = uniquePosReference('PD');
    await api().post('/v1/checkouts').send(oneShotCheckoutBody(refused)).expect(422);
    refusedId = `checkout:${merchant}:S1:T1:${refused}`;
    await testAuditSealer(stack.dataSource).sealDay(merchant, 'S1', new Date().toISOString().slice(0, 10));
  }, 120_000); // every flow, two batches and a failed step, through a worker and an API process
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

  it('checkout_batch_sales keeps a sale\'s input only sealed by the codec, and empties it once the sale is driven', async () => {
    expect(storedBatchRows).toHaveLength(2);
    for (const stored of storedBatchRows) {
      expect(stored.input).toBeNull();
      expect(stored.sealed_input).toBeInstanceOf(Buffer);
    }
    // The sealed bytes as stored (a JSON document of base64 metadata and ciphertext), beside every other column.
    const asStored = storedBatchRows.map((r) => ({ row: r.row, sealed: r.sealed_input?.toString('utf8') }));
    expectNoCanary(JSON.stringify(asStored));
    expect(findCanaries(asStored, vendorCanaries, 'stored batch')).toEqual([]);
    // The canaries were there to find: the codec opens the stored input.
    const opened = await openValue<{ customer?: { identifier: { value: string } } }>(encryptionCodecFor(stack.config), storedBatchRows[1].sealed_input as Buffer);
    expect(opened.customer?.identifier.value).toBe(unknownEmail);
    // Once driven: the outcome stays, the input (both columns) is gone.
    const after = (await stack.dataSource.query(`SELECT input, sealed_input, drive_outcome FROM checkout_batch_sales WHERE merchant = $1 AND batch_id = $2`, [merchant, namedBatchId])) as Array<{
      input: unknown;
      sealed_input: unknown;
      drive_outcome: string | null;
    }>;
    expect(after).toEqual([
      { input: null, sealed_input: null, drive_outcome: 'driven' },
      { input: null, sealed_input: null, drive_outcome: 'driven' },
    ]);
  });

  it('checkout_batch_sales holds no validation code, enrolment detail or card number', async () => {
    const [{ dump }] = (await stack.dataSource.query(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM checkout_batch_sales t WHERE merchant = $1`, [merchant])) as { dump: string }[];
    expect(dump.length).toBeGreaterThan(0);
    for (const secret of batchSecrets()) expect(dump).not.toContain(secret);
  });

  it('the history the Temporal server holds (no codec) and its ids and search attributes hold no canary', async () => {
    const raw = new Client({ connection: stack.temporal.connection }); // no codec: what the server stores
    for (const workflowId of [...checkoutIds, ...otherWorkflowIds]) {
      expectNoCanary(workflowId);
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      expectNoCanary(JSON.stringify(historyAsText(history)));
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
    for (const workflowId of [...checkoutIds, ...otherWorkflowIds]) {
      const shown = spawnSync(cli, ['workflow', 'show', '--output', 'json', '--address', stack.config.TEMPORAL_ADDRESS, '-w', workflowId], { encoding: 'utf8' });
      expect(shown.status).toBe(0);
      expect(shown.stdout.length).toBeGreaterThan(100);
      expectNoCanary(shown.stdout);
    }
  });
  /** Every string of `table`'s rows, as JSON (so an int column such as http_status stays a number). */
  /**
   * This file's rows of a table (its merchant's, or its merchant's checkouts'): the test database is
   * shared by every file, and a short canary (CRM.COM's account number is 400) also turns up as
   * another file's purchase number or POS reference.
   */
  const OWN_ROWS: Record<string, string> = {
    saga_step_results: `t.checkout_id LIKE 'checkout:' || $1 || ':%'`,
    effect_intents: `t.checkout_id LIKE 'checkout:' || $1 || ':%'`,
    product_sync_items: `t.sync_id IN (SELECT id FROM product_syncs WHERE merchant = $1)`,
  };
  const tableRows = async (table: string) =>
    (await stack.dataSource.query(`SELECT row_to_json(t) AS row FROM ${table} t WHERE ${OWN_ROWS[table] ?? 't.merchant = $1'}`, [merchant])) as { row: unknown }[];
  /** The history as the server holds it, each payload's data as text unless the codec encrypted it. */
  const rawHistories = async () => {
    const raw = new Client({ connection: stack.temporal.connection });
    const histories: unknown[] = [];
    for (const workflowId of [...checkoutIds, ...otherWorkflowIds]) {
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      histories.push(historyAsText(history));
    }
    return histories;
  };
  const readLogs = () => logNames.map((name) => logLines(readFileSync(path.join(__dirname, '..', '..', '.data', name), 'utf8')));
  // saga_step_results holds what each v2 step answered (customer data included), sealed by the codec.
  // effect_intents and checkout_batch_sales too (a batch ran above); the product sync tables when a sync wrote them.
  const auditTables = ['audit_events', 'audit_seals', 'checkouts', 'saga_step_results', 'effect_intents', 'checkout_batch_sales'];
  const mayBeEmpty = ['product_syncs', 'product_sync_items', 'callback_outbox'];
  // A coupon code the sale redeemed identifies the customer it was issued to: keyed or sealed at rest too
  // (the checkouts projection keeps it sealed by the codec: core/checkouts/projection-codes.ts).
  // Built when the tests run: the Coupontools codes are created in beforeAll.
  const atRestCanaries = () => ({
    ...vendorCanaries,
    'Capillary coupon code': CAPILLARY_SANDBOX_COUPONS.multiUse,
    ...Object.fromEntries(coupontoolsCodes.map((code, i) => [`Coupontools coupon code ${i + 1}`, code])),
  });

  it('the vendor-returned identifiers were there to find: the sandbox answered them for these customers', async () => {
    // Through the codec, the saga's state carries what CRM.COM and Capillary returned (the account
    // and user ids it acts on): the canaries are real, not strings nobody ever saw.
    const history = await new Client({ connection: stack.temporal.connection }).workflow.getHandle(checkoutIds[0]).fetchHistory();
    // A v2 saga's steps are local activities: their results are in their markers.
    const payloads = (history.events ?? []).flatMap((e) => [
      ...(e.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
      ...(e.markerRecordedEventAttributes?.details?.result?.payloads ?? []),
    ]);
    const decoded = await encryptionCodecFor(stack.config).decode(payloads);
    const clear = decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
    const seen = findCanaries(clear, vendorCanaries).map((hit) => hit.slice(0, hit.indexOf(' (')));
    expect(seen).toEqual(expect.arrayContaining(['CRM.COM account number', 'Capillary user id']));
  });

  it('no audit row, seal or projection row holds an identifier a vendor returned', async () => {
    const found: string[] = [];
    expect(coupontoolsCodes).toHaveLength(2);
    for (const table of [...auditTables, ...mayBeEmpty]) {
      const rows = await tableRows(table);
      if (!mayBeEmpty.includes(table)) expect(rows.length).toBeGreaterThan(0);
      found.push(...findCanaries(rows, atRestCanaries(), table));
    }
    expect(found).toEqual([]);
  });

  it("a redeemed coupon's code is sealed in its checkouts row, and in clear for the POS: GET and a replay of the sale answer it", async () => {
    const [row] = (await stack.dataSource.query(`SELECT receipt, view FROM checkouts WHERE id = $1`, [couponSale.id])) as Array<{ receipt: { coupons: Array<{ code: string }> } }>;
    expect(row.receipt.coupons.map((c) => c.code)).toEqual([expect.stringMatching(/^sealed-code:/)]);
    const coupons = [{ provider: 'capillary', code: CAPILLARY_SANDBOX_COUPONS.multiUse }];
    expect((await api().get(`/v1/checkouts/${couponSale.id}`).expect(200)).body.receipt.coupons).toMatchObject(coupons);
    const replay = await api().post('/v1/checkouts').send(couponSale.body).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.receipt.coupons).toMatchObject(coupons);
  });

  it('the history the Temporal server holds (no codec) holds no identifier a vendor returned', async () => {
    expect(findCanaries(await rawHistories(), vendorCanaries, 'history')).toEqual([]);
  });

  it('the API and worker logs (debug level) hold no identifier a vendor returned', () => {
    const [apiLog, workerLog] = readLogs();
    expect(findCanaries(apiLog, vendorCanaries, 'api log')).toEqual([]);
    expect(findCanaries(workerLog, vendorCanaries, 'worker log')).toEqual([]);
  });

  it("a failed step's message and stack trace are in the history only through the codec (encodeCommonAttributes)", async () => {
    const history = await new Client({ connection: stack.temporal.connection }).workflow.getHandle(refusedId).fetchHistory();
    const failures = (history.events ?? []).flatMap((e) => [e.activityTaskFailedEventAttributes?.failure, e.markerRecordedEventAttributes?.failure].filter(Boolean));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f?.message === 'Encoded failure' && f.stackTrace === '' && f.encodedAttributes)).toBe(true);
    expect(JSON.stringify(historyAsText(history))).not.toContain(failureCanary);
    const shown = spawnSync(findTemporalBinary() ?? 'temporal', ['workflow', 'show', '--output', 'json', '--address', stack.config.TEMPORAL_ADDRESS, '-w', refusedId], { encoding: 'utf8' });
    expect(shown.status).toBe(0);
    expect(shown.stdout).not.toContain(failureCanary);
    // The canary was there to find: ops read the step's own message through the codec.
    const detail = await ops().get(`/v1/ops/sagas/${encodeURIComponent(refusedId)}`).expect(200);
    expect(JSON.stringify(detail.body.steps)).toContain(failureCanary);
  });
});
