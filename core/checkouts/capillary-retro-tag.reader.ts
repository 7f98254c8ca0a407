import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { retroTagWorkflowId, type RetroTagInput, type RetroTagOutcome } from '../../workflows/capillary-retro.contract';
import type { CustomerRef } from '../../workflows/checkout.contract';
import { readWorkflowInput } from './checkout-input.reader';

/**
 * The checkout's retro-tagging (workflow `capillary-retro:<checkoutId>`) that tagged its bill, if one
 * did: its outcome, and the customer it tagged the bill with (from its input: the outcome holds only
 * a keyed digest). A tagged bill is never tagged again, so the latest run is the one that tagged it.
 */
export async function readRetroTagging(temporal: Client, checkoutId: string): Promise<{ outcome: Extract<RetroTagOutcome, { outcome: 'tagged' }>; customer?: CustomerRef } | undefined> {
  const workflowId = retroTagWorkflowId(checkoutId);
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    const { status } = await handle.describe();
    if (status.name !== 'COMPLETED') return undefined;
    const outcome = (await handle.result()) as RetroTagOutcome;
    if (outcome.outcome !== 'tagged') return undefined;
    const customer = (await readWorkflowInput<RetroTagInput>(temporal, workflowId))?.customer;
    return { outcome, ...(customer && { customer }) };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * The status of a workflow (RUNNING, COMPLETED, FAILED, …), or undefined when there is none: what
 * orders retro-tagging against the checkout's void and returns (each refuses while the other exists).
 */
export async function workflowStatus(temporal: Client, workflowId: string): Promise<string | undefined> {
  try {
    return (await temporal.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
