import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { CheckoutSagaClient } from '../../core/checkouts/checkout-saga.client';
import { readCheckoutInput } from '../../core/checkouts/checkout-input.reader';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { decodeFailureMessages } from '../../src/ops/decoded-failures';
import type { CheckoutInput } from '../../workflows/checkout.contract';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { journalOf } from '../support/journal';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';

/**
 * Issue 21 (M2): whoever reaches the Temporal frontend without the codec key cannot run a saga. The
 * worker's codec refuses payloads it did not seal, so a one-shot sale started by a client without
 * the codec (the API's own code path, only the data converter missing) never runs our workflow code
 * and sends nothing to a vendor. The same sale through our client (with the codec) does.
 */
describe('the worker refuses unencrypted payloads', () => {
  let stack: TestStack;
  const merchant = `wr${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    stack = await startTestStack({ MERCHANT_ID: merchant });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('a sale started with plain payloads fails its workflow task naming the refusal, and reaches no vendor', async () => {
    // Control: the API's sale (codec on) reaches the vendors.
    const sent = uniquePosReference('WR');
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(sent)).expect(201);
    expect((await journalOf(stack.sandboxUrl, `${merchant}:S1:T1:${sent}`)).length).toBeGreaterThan(0);
    const controlInput = (await readCheckoutInput(stack.temporal, `checkout:${merchant}:S1:T1:${sent}`)) as CheckoutInput;

    // The same sale under another posReference, through a client without the codec.
    const plain = uniquePosReference('WR');
    const input = JSON.parse(JSON.stringify(controlInput).replaceAll(sent, plain)) as CheckoutInput;
    const checkoutId = `checkout:${merchant}:S1:T1:${plain}`;
    expect(input.checkoutId).toBe(checkoutId);
    const raw = new Client({ connection: stack.temporal.connection, namespace: stack.config.TEMPORAL_NAMESPACE });
    const saga = new CheckoutSagaClient(raw, { taskQueue: stack.config.TEMPORAL_TASK_QUEUE, answerTimeoutMs: 2_000 });
    // Not awaited: the Update is never accepted (the workflow task keeps failing); the terminate below ends it.
    const answer = saga.reserve(input, { requestHash: 'plain' }, Date.now() + 2_000, { oneShot: true }).catch(() => undefined);

    const history = await eventually(
      // Not found until the (unawaited) start has reached the server.
      async () => (await raw.workflow.getHandle(checkoutId).fetchHistory().catch(() => ({ events: [] }))).events ?? [],
      (events) => events.some((e) => e.workflowTaskFailedEventAttributes),
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    await decodeFailureMessages(history, [], [encryptionCodecFor(stack.config)]);
    const failed = history.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
    expect(failed?.failure?.message).toMatch(/refused an unencrypted payload/);
    // Our code never ran: no step was scheduled or recorded, no vendor was called, no audit row written.
    expect(history.some((e) => e.activityTaskScheduledEventAttributes || e.markerRecordedEventAttributes)).toBe(false);
    expect(await journalOf(stack.sandboxUrl, `${merchant}:S1:T1:${plain}`)).toEqual([]);
    const rows = (await stack.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE checkout_id = $1`, [checkoutId])) as Array<{ n: number }>;
    expect(rows[0].n).toBe(0);
    await raw.workflow.getHandle(checkoutId).terminate('test: plain payloads');
    await answer;
  });
});
