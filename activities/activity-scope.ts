import { Context } from '@temporalio/activity';
import { checkoutReference, type CheckoutKey, type CheckoutRef } from '../workflows/checkout.contract';
import type { AuditScope, AuditWriter } from '../core/audit/audit-writer';
import type { EffectIntentsRepository } from '../core/effects/effect-intents.repository';
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
export function checkoutStepContext(deps: StepDeps, ref: CheckoutRef, step: string, reference = checkoutReference(ref)): VendorCallContext {
  return withStoreProfile(vendorCallContext(deps, currentAuditScope(ref, step), reference), ref);
}

/** A checkout step that finds the customer by `identifier` (CRM.COM identify, Capillary customer/get). */
export function customerStepContext(deps: StepDeps, ref: CheckoutRef, step: string, identifier: { type: string; value: string }): VendorCallContext {
  const scope = currentAuditScope(ref, step);
  // The audit row names the customer by keyed hash only; the identifier itself is redacted.
  scope.customerRef = deps.audit.customers.refOf(identifier);
  return withStoreProfile(vendorCallContext(deps, scope, checkoutReference(ref)), ref);
}

/** The store profile the saga carries, for the adapters' local times and vendor ids. */
function withStoreProfile(ctx: VendorCallContext, ref: CheckoutRef): VendorCallContext {
  return ref.storeProfile ? { ...ctx, storeProfile: ref.storeProfile } : ctx;
}

/** What a checkout step's context is built from: the audit writer and the effect intents. */
export interface StepDeps {
  audit: AuditWriter;
  intents: EffectIntentsRepository;
}

/**
 * The context an adapter call needs: our reference for the step, the attempt's audit recorder, and
 * the effect intent (keyed by checkout, step, vendor operation and reference; never the attempt).
 */
export function vendorCallContext({ audit, intents }: StepDeps, scope: AuditScope, reference: string): VendorCallContext {
  return {
    reference,
    store: scope.store,
    till: scope.till,
    attempt: scope.attempt,
    currency: scope.currency,
    recorder: audit.recorderFor(scope),
    effectMayHaveBeenSent: async (vendor, operation) =>
      (await intents.record({ checkoutId: scope.checkoutId, step: scope.step, vendor, operation, reference })) === 'seen',
    effectNotApplied: (vendor, operation) => intents.forget({ checkoutId: scope.checkoutId, step: scope.step, vendor, operation, reference }),
  };
}
