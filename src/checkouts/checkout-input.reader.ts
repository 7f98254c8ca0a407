import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { CheckoutInput } from '../../workflows/checkout.contract';

/**
 * A checkout's own input (the first event of its workflow history): the lines, the sale time and
 * the customers, which the view does not hold. Undefined when the history is gone.
 */
export async function readCheckoutInput(temporal: Client, checkoutId: string): Promise<CheckoutInput | undefined> {
  try {
    const history = await temporal.workflow.getHandle(checkoutId).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    return payload ? defaultPayloadConverter.fromPayload<CheckoutInput>(payload) : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
