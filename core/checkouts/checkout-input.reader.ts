import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { CheckoutInput } from '../../workflows/checkout.contract';

/**
 * A checkout's own input (the first event of its workflow history): the lines, the sale time and
 * the customers, which the view does not hold. Undefined when the history is gone.
 */
export async function readCheckoutInput(temporal: Client, checkoutId: string): Promise<CheckoutInput | undefined> {
  return readWorkflowInput<CheckoutInput>(temporal, checkoutId);
}

/** A workflow's first argument, from the first event of its (latest run's) history; undefined when the history is gone. */
export async function readWorkflowInput<T>(temporal: Client, workflowId: string): Promise<T | undefined> {
  try {
    const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) return undefined;
    // The history holds what the codec wrote (encrypted): decode it the way the client would.
    let payloads = [payload];
    for (const codec of [...temporal.options.loadedDataConverter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    return defaultPayloadConverter.fromPayload<T>(payloads[0]);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
