import { randomUUID } from 'node:crypto';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import type { CheckoutView } from '../../workflows/checkout.contract';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { checkoutEffects } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Issue 18: a workflow reset from the Temporal UI (ResetWorkflowExecution) of a v2 saga that
 * succeeded re-drives it to where it stood: its steps answer from their remembered results, so it is
 * not re-quoted, nothing is sent to a vendor again and nothing is compensated.
 */
describe('a completed v2 one-shot reset to its first workflow task', () => {
  const stack = testStackForFile({}, { resetSandbox: true });

  it('completes again with the same receipt, no vendor effect sent twice, no vendor call audited again', async () => {
    const posReference = uniquePosReference('RESET');
    const first = await stack.api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference, { complete: true })).expect(201);
    const checkoutId = first.body.checkoutId as string;
    expect(first.body.state).toBe('completed');
    const handle = stack.temporal.workflow.getHandle(checkoutId);
    const firstRun = (await handle.describe()).runId;
    const effectsBefore = await checkoutEffects(stack.sandboxUrl, posReference);
    const vendorRows = async () => (await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId, kind: 'vendor_call' } })).length;
    const rowsBefore = await vendorRows();

    // The Temporal UI's "Reset" to the first workflow task: the new run starts over from the input.
    const history = await handle.fetchHistory();
    const firstTaskDone = history.events?.find((e) => e.workflowTaskCompletedEventAttributes)?.eventId;
    const { runId: newRun } = await stack.temporal.workflowService.resetWorkflowExecution({
      namespace: stack.config.TEMPORAL_NAMESPACE,
      workflowExecution: { workflowId: checkoutId, runId: firstRun },
      workflowTaskFinishEventId: firstTaskDone,
      requestId: randomUUID(),
      reason: 'issue 18 reset test',
    });
    const view = (await stack.temporal.workflow.getHandle(checkoutId, newRun ?? undefined).result()) as CheckoutView;

    expect(newRun).not.toBe(firstRun);
    expect(view.state).toBe('completed');
    expect(view.compensations).toEqual([]);
    expect(view.receipt?.references).toEqual(expect.objectContaining({ crmcomPurchaseNumber: first.body.receipt.references.crmcomPurchaseNumber }));
    expect(await checkoutEffects(stack.sandboxUrl, posReference)).toEqual(effectsBefore);
    expect(await vendorRows()).toBe(rowsBefore);
  });
});
