import { Context } from '@temporalio/activity';
import type { CheckoutKey } from '../workflows/checkout.contract';
import type { AuditScope } from './audit/audit-writer';

/** The audit scope of the running activity attempt, from Temporal's activity info. */
export function currentAuditScope(checkout: CheckoutKey & { checkoutId: string; currency: string }, step: string): AuditScope {
  const info = Context.current().info;
  return {
    checkoutId: checkout.checkoutId,
    runId: info.workflowExecution?.runId ?? null,
    activityId: info.activityId,
    attempt: info.attempt,
    step,
    merchant: checkout.merchant,
    store: checkout.store,
    till: checkout.till,
    currency: checkout.currency,
  };
}
