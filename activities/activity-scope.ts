import { Context } from '@temporalio/activity';
import { checkoutReference, type CheckoutKey, type CheckoutRef } from '../workflows/checkout.contract';
import type { AuditScope, AuditWriter } from '../core/audit/audit-writer';
import type { VendorCallContext } from './vendors/vendor-call';

/** The audit scope of the running activity attempt, from Temporal's activity info. */
export function currentAuditScope(checkout: CheckoutKey & { checkoutId: string; currency: string }, step: string): AuditScope {
  const info = Context.current().info;
  return {
    checkoutId: checkout.checkoutId,
    runId: info.workflowExecution?.runId ?? null,
    activityId: info.activityId,
    attempt: info.attempt,
    attemptScheduledAtMs: info.currentAttemptScheduledTimestampMs,
    step,
    merchant: checkout.merchant,
    store: checkout.store,
    till: checkout.till,
    currency: checkout.currency,
  };
}

/**
 * The context a checkout step's adapter call needs, from inside the running activity: the vendor
 * sees our checkout reference (or a more specific one, such as checkout:code for a coupon).
 */
export function checkoutStepContext(audit: AuditWriter, ref: CheckoutRef, step: string, reference = checkoutReference(ref)): VendorCallContext {
  return vendorCallContext(audit, currentAuditScope(ref, step), reference);
}

/** A checkout step that finds the customer by `identifier` (CRM.COM identify, Capillary customer/get). */
export function customerStepContext(audit: AuditWriter, ref: CheckoutRef, step: string, identifier: { type: string; value: string }): VendorCallContext {
  const scope = currentAuditScope(ref, step);
  // The audit row names the customer by keyed hash only; the identifier itself is redacted.
  scope.customerRef = audit.customers.refOf(identifier);
  return vendorCallContext(audit, scope, checkoutReference(ref));
}

/** The context an adapter call needs: our reference for the step and the attempt's audit recorder. */
export function vendorCallContext(audit: AuditWriter, scope: AuditScope, reference: string): VendorCallContext {
  return {
    reference,
    store: scope.store,
    till: scope.till,
    attempt: scope.attempt,
    currency: scope.currency,
    recorder: audit.recorderFor(scope),
  };
}
