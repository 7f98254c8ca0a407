import { checkoutBatchWorkflowId } from '../../workflows/checkout-batch.contract';
import type { checkoutBatchWorkflow } from '../../workflows/checkout-batch.workflow';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { checkoutEffects, injectFault } from '../support/journal';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { CHECKOUT_SAGA_TYPES_CLAUSE } from '../../src/ops/saga-list-query';

const SALES = 12;

/**
 * The same batch uploaded again while its first upload is still being driven: the same answer and
 * batch id, the same workflow run (no second one started, none terminated), and when it is done each
 * sale's effects once at the vendors. checkout-batch.test.ts covers the re-upload after completion.
 */
describe('POST /v1/checkouts/batch uploaded again while the batch runs', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('starts nothing new: same batch id and answer, one run, each sale\'s effects once when done', async () => {
    // A slow CRM.COM keeps the batch running for seconds (6 sales at once, a few calls a sale).
    await injectFault(stack.sandboxUrl, { path: '/crmcom/*', kind: 'latency', latencyMs: 700 });
    const prefix = uniquePosReference('BR');
    const posReferences = Array.from({ length: SALES }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
    const body = { sales: posReferences.map((posReference) => ({ ...oneShotCheckoutBody(posReference), complete: undefined })) };

    const first = await stack.api().post('/v1/checkouts/batch').send(body).expect(202);
    expect(first.body).toEqual({ batchId: expect.stringMatching(/^b-[0-9a-f]{32}$/), sales: SALES, replayed: false });
    const batchId = first.body.batchId as string;
    const batch = stack.temporal.workflow.getHandle<typeof checkoutBatchWorkflow>(checkoutBatchWorkflowId('demo', batchId));
    const { runId } = await batch.describe();

    const again = await stack.api().post('/v1/checkouts/batch').send(body).expect(202);
    // Still running after the second answer: the re-upload met the running batch.
    const during = await batch.describe();
    expect(during.status.name).toBe('RUNNING');
    expect((await stack.api().get(`/v1/checkouts/batch/${batchId}`).expect(200)).body.status).toBe('running');
    expect(again.body).toEqual({ batchId, sales: SALES, replayed: true });
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(during.runId).toBe(runId);

    expect(await batch.result()).toEqual({ batchId, chunks: 1, driven: SALES, notDriven: 0 });
    const done = await stack.api().get(`/v1/checkouts/batch/${batchId}`).expect(200);
    expect(done.body).toMatchObject({ status: 'completed', counts: { total: SALES, completed: SALES, rejected: 0, failed: 0, pending: 0 } });

    // One run of the batch workflow, the first; one saga per sale.
    expect((await batch.describe()).runId).toBe(runId);
    const runs = async () => {
      const found: string[] = [];
      for await (const w of stack.temporal.workflow.list({ query: `WorkflowId = "${batch.workflowId}"` })) found.push(w.runId);
      return found;
    };
    expect(await eventually(runs, (r) => r.length > 0)).toEqual([runId]);
    const sagas = () => stack.temporal.workflow.count(`TaskQueue = "${stack.config.TEMPORAL_TASK_QUEUE}" AND ${CHECKOUT_SAGA_TYPES_CLAUSE}`);
    expect((await eventually(sagas, (c) => c.count >= SALES)).count).toBe(SALES);

    for (const posReference of posReferences) {
      expect({ posReference, effects: await checkoutEffects(stack.sandboxUrl, posReference) }).toEqual({
        posReference,
        effects: { 'crmcom:purchase.create': 1, 'capillary:transaction.add': 1 },
      });
    }
  });
});
