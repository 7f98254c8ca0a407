import { randomUUID } from 'node:crypto';
import { CallbackOutboxRepository } from '../../core/callbacks/callback-outbox.repository';
import { freePort } from '../../src/dev-stack/free-port';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { injectFault } from '../support/journal';
import { resetSandbox } from '../support/sandbox-server';
import { signatureIsValid, startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';

const CMC_TRANSACTION = '/cmc/pos/checkout-saga/transaction';

/**
 * Callbacks through real boundaries: configured through the admin API, a checkout answered 202
 * (the CRM.COM purchase held past the answer timeout) is POSTed to a receiver on a real port once it
 * ends, signed with the secret the admin API answered; a receiver that is down, or that answers 500
 * after it processed the event, gets it again with the same event id; spent attempts are `failed`
 * for ops, who redeliver it. Small retry settings keep it quick.
 */
describe('callbacks when a checkout ends', () => {
  let stack: TestStack;
  let receiver: CallbackReceiver;
  let secret: string;
  const admin = () => stack.api(stack.keys.admin);
  const ops = () => stack.api(stack.keys.ops);
  const outboxOf = async (checkoutId: string) =>
    (await stack.dataSource.query(`SELECT event_id, state, status, attempts FROM callback_outbox WHERE checkout_id = $1`, [checkoutId])) as Array<{ event_id: string; state: string; status: string; attempts: number }>;
  const callsFor = (r: CallbackReceiver, checkoutId: string) => r.received.filter((c) => c.json.checkoutId === checkoutId);
  const auditOf = async (checkoutId: string) =>
    (await stack.dataSource.query(`SELECT outcome, http_status, attempt, error_message FROM audit_events WHERE checkout_id = $1 AND kind = 'callback' ORDER BY id`, [checkoutId])) as Array<{ outcome: string; http_status: number | null; attempt: number; error_message: string | null }>;

  beforeAll(async () => {
    stack = await startTestStack({
      // A merchant of its own: no other test's callback settings (the access matrix sets some) meet these.
      MERCHANT_ID: `cb-${randomUUID().slice(0, 8)}`,
      CHECKOUT_ANSWER_TIMEOUT_MS: '800',
      CALLBACK_DISPATCH: 'on',
      CALLBACK_POLL_MS: '100',
      CALLBACK_TIMEOUT_MS: '1000',
      CALLBACK_RETRY_BASE_MS: '400',
      CALLBACK_RETRY_MAX_MS: '800',
      CALLBACK_MAX_ATTEMPTS: '4',
    });
    await resetSandbox(stack.sandboxUrl);
    receiver = await startCallbackReceiver();
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    await stack?.stop();
  });

  it('is configured by a merchant-wide admin: the first PUT answers the secret once; bad URLs are 400 naming url', async () => {
    const bad = await admin().put('/v1/admin/callback').send({ url: 'ftp://pos.example.com/x', allCheckouts: false }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'url', message: expect.stringContaining('https') }]);
    await admin().put('/v1/admin/callback').send({ allCheckouts: 'yes' }).expect(400);
    const storeAdmin = await stack.keyFor({ role: 'admin', store: 'S1' });
    await stack.api(storeAdmin).put('/v1/admin/callback').send({ url: receiver.url }).expect(403);

    const put = await admin().put('/v1/admin/callback').send({ url: receiver.url, allCheckouts: false }).expect(200);
    expect(put.body).toMatchObject({ url: receiver.url, allCheckouts: false, secretId: expect.stringMatching(/^cbk_/), secret: expect.stringMatching(/^whsec_/) });
    secret = put.body.secret as string;
    const again = await admin().get('/v1/admin/callback').expect(200);
    expect(again.body).toEqual({ url: receiver.url, allCheckouts: false, secretId: put.body.secretId, stores: [] });
    const stored = (await stack.dataSource.query(`SELECT secret_sealed FROM merchant_callbacks WHERE merchant = $1`, [stack.config.MERCHANT_ID])) as Array<{ secret_sealed: string }>;
    expect(stored[0].secret_sealed).not.toContain(secret.slice(6, 20));
  });

  it('POSTs a checkout answered 202 once, when it ends, signed; polling still answers', async () => {
    // After payment nothing is left out of a sale: CMC's post-tender transaction, slower than the
    // one-shot's budget (800 ms), makes the till's answer a 202; the saga completes when CMC answers.
    await injectFault(stack.sandboxUrl, { path: CMC_TRANSACTION, kind: 'latency', latencyMs: 2500, times: 1 });
    const res = await stack
      .api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(uniquePosReference('CB202'), { postTender: { provider: 'cmc' } }))
      .expect(202);
    const checkoutId = res.body.checkoutId as string;

    const calls = await eventually(async () => callsFor(receiver, checkoutId), (c) => c.length > 0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(callsFor(receiver, checkoutId)).toHaveLength(1);
    const [call] = calls;
    expect(signatureIsValid(secret, call)).toBe(true);
    expect(signatureIsValid(`${secret}x`, call)).toBe(false);
    expect(call.headers['checkout-saga-event-id']).toBe(call.json.eventId);
    expect(call.headers['checkout-saga-key-id']).toMatch(/^cbk_/);
    expect(call.json).toMatchObject({ type: 'checkout.ended', checkoutId, state: 'completed', view: { checkoutId, state: 'completed' } });
    const polled = await stack.api().get(`/v1/checkouts/${checkoutId}`).expect(200);
    expect(call.json.view).toEqual(polled.body);
    expect(await outboxOf(checkoutId)).toEqual([{ event_id: call.json.eventId, state: 'completed', status: 'delivered', attempts: 1 }]);
    expect(await auditOf(checkoutId)).toEqual([{ outcome: 'delivered', http_status: 204, attempt: 1, error_message: null }]);
  });

  it('does not call back a checkout answered at once, unless the merchant asks for all', async () => {
    const quick = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBNO'))).expect(201);
    expect(quick.body.state).toBe('completed');
    await admin().put('/v1/admin/callback').send({ url: receiver.url, allCheckouts: true }).expect(200);
    const all = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBALL'))).expect(201);

    await eventually(async () => callsFor(receiver, all.body.checkoutId as string), (c) => c.length > 0);
    expect(callsFor(receiver, all.body.checkoutId as string)).toHaveLength(1);
    expect(await outboxOf(quick.body.checkoutId as string)).toEqual([]);
    expect(callsFor(receiver, quick.body.checkoutId as string)).toHaveLength(0);
  });

  it('calls back a checkout that ended before the API marked its 202, once however often it is marked', async () => {
    await admin().put('/v1/admin/callback').send({ url: receiver.url, allCheckouts: false }).expect(200);
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBLATE'))).expect(201);
    const checkoutId = res.body.checkoutId as string;
    expect(await outboxOf(checkoutId)).toEqual([]);
    // The API's mark, as it lands when the saga ended between the 202 and the mark.
    const outbox = new CallbackOutboxRepository(stack.dataSource);
    await Promise.all([outbox.markAnsweredPending(checkoutId), outbox.markAnsweredPending(checkoutId)]);
    await outbox.markAnsweredPending(checkoutId);

    await eventually(async () => callsFor(receiver, checkoutId), (c) => c.length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(callsFor(receiver, checkoutId)).toHaveLength(1);
    expect(await outboxOf(checkoutId)).toEqual([expect.objectContaining({ state: 'completed', status: 'delivered' })]);
    await admin().put('/v1/admin/callback').send({ url: receiver.url, allCheckouts: true }).expect(200);
  });

  it('retries while the receiver is down and delivers once when it is back, at its store URL', async () => {
    const port = await freePort();
    const downUrl = `http://127.0.0.1:${port}/checkout-ended`;
    await admin().put('/v1/admin/callback/stores/S2').send({ url: downUrl }).expect(200);
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBDOWN'), { store: 'S2' })).expect(201);
    const checkoutId = res.body.checkoutId as string;

    const refused = await eventually(() => auditOf(checkoutId), (rows) => rows.length >= 2, { timeoutMs: 10_000 });
    expect(refused.slice(0, 2)).toEqual([
      { outcome: 'retrying', http_status: null, attempt: 1, error_message: 'ECONNREFUSED' },
      { outcome: 'retrying', http_status: null, attempt: 2, error_message: 'ECONNREFUSED' },
    ]);
    const back = await startCallbackReceiver(port);
    try {
      const calls = await eventually(async () => callsFor(back, checkoutId), (c) => c.length > 0, { timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 1000));
      expect(callsFor(back, checkoutId)).toHaveLength(1);
      expect(signatureIsValid(secret, calls[0])).toBe(true);
      expect(callsFor(receiver, checkoutId)).toHaveLength(0);
      expect((await auditOf(checkoutId)).at(-1)).toMatchObject({ outcome: 'delivered', http_status: 204 });
    } finally {
      await back.close();
      await admin().delete('/v1/admin/callback/stores/S2').expect(204);
    }
  });

  it('sends the same event id again when the receiver processed it but answered 500; the receiver dedups', async () => {
    receiver.answer = (call) => (receiver.received.filter((c) => c.json.eventId === call.json.eventId).length === 1 ? 500 : 204);
    try {
      const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CB500'))).expect(201);
      const checkoutId = res.body.checkoutId as string;
      const calls = await eventually(async () => callsFor(receiver, checkoutId), (c) => c.length >= 2, { timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 1000));
      expect(callsFor(receiver, checkoutId)).toHaveLength(2);
      expect(calls[1].json.eventId).toBe(calls[0].json.eventId);
      expect(calls[1].body).toBe(calls[0].body);
      expect([...receiver.processed].filter((id) => id === calls[0].json.eventId)).toHaveLength(1);
      expect((await auditOf(checkoutId)).map((r) => [r.outcome, r.http_status])).toEqual([['retrying', 500], ['delivered', 204]]);
    } finally {
      receiver.answer = () => 204;
    }
  });

  it('marks an event failed when its attempts are spent; ops list it and redeliver it with the same id', async () => {
    receiver.answer = () => 503;
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBFAIL'))).expect(201);
    const checkoutId = res.body.checkoutId as string;
    const failed = await eventually(
      () => ops().get('/v1/ops/callbacks').query({ state: 'failed' }).expect(200),
      (r) => r.body.callbacks.some((e: { checkoutId: string }) => e.checkoutId === checkoutId),
      { timeoutMs: 15_000 },
    );
    const event = failed.body.callbacks.find((e: { checkoutId: string }) => e.checkoutId === checkoutId);
    expect(event).toMatchObject({ status: 'failed', attempts: 4, lastHttpStatus: 503, lastError: 'HTTP 503', deliveredAt: null });
    expect(callsFor(receiver, checkoutId)).toHaveLength(4);
    await ops().get('/v1/ops/callbacks').query({ state: 'lost' }).expect(400);
    await ops().post('/v1/ops/callbacks/not-a-uuid/redeliver').expect(400);

    receiver.answer = () => 204;
    await ops().post(`/v1/ops/callbacks/${event.eventId}/redeliver`).expect(202);
    const delivered = await eventually(async () => outboxOf(checkoutId), (rows) => rows[0]?.status === 'delivered');
    expect(delivered).toEqual([{ event_id: event.eventId, state: 'completed', status: 'delivered', attempts: 1 }]);
    expect(new Set(callsFor(receiver, checkoutId).map((c) => c.json.eventId))).toEqual(new Set([event.eventId]));
  });

  it('signs with the new secret once it is rotated', async () => {
    const rotated = await stack.api(stack.keys.admin).post('/v1/admin/callback/secret').expect(201);
    expect(rotated.body.secret).not.toBe(secret);
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBROT'))).expect(201);
    const [call] = await eventually(async () => callsFor(receiver, res.body.checkoutId as string), (c) => c.length > 0);
    expect(call.headers['checkout-saga-key-id']).toBe(rotated.body.secretId);
    expect(signatureIsValid(rotated.body.secret as string, call)).toBe(true);
    expect(signatureIsValid(secret, call)).toBe(false);
  });
});
