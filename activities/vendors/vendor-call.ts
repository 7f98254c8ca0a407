import type { VendorCallRecorder } from '../../core/audit/vendor-call-record';
import { RefusalCodes } from '../../workflows/checkout.contract';
import type { StoreProfile } from '../../workflows/store-profile.contract';

// The audit row's shape lives with the audit writer (core/); adapters name it from here.
export type { CallFacts, VendorCallRecord, VendorCallRecorder } from '../../core/audit/vendor-call-record';

/**
 * What every adapter call carries: who it is for (so the audit row can be written) and a
 * deterministic reference derived from the checkout and step (so a retry names the same effect).
 */
export interface VendorCallContext {
  /** Our deterministic reference for this step, e.g. the purchase reference_number or bill number. */
  reference: string;
  /** Where the sale happens, for vendors that attribute calls to a store or till. */
  store: string;
  till: string;
  /**
   * The store's time zone and its identity at each vendor, from the saga's input; absent for sagas
   * started before stores were data (and calls outside a checkout): adapters keep their old values.
   */
  storeProfile?: StoreProfile;
  /** Temporal attempt number, for audit rows only: an activity reset starts it at 1 again. */
  attempt: number;
  /**
   * Records the intent to send `vendor`'s `operation` for this step and reference, before it is sent
   * (core/effects): true when an earlier try (a retry, an activity reset, a re-run) recorded it too,
   * so the effect may have been applied and must be looked up first. Reads never call it.
   */
  effectMayHaveBeenSent(vendor: string, operation: string): Promise<boolean>;
  /**
   * The send this try recorded the intent for is known NOT to have been applied (never written, or
   * answered "not done"): clears the intent so a later try may send again. Never for a lost reply.
   * Absent where no intent is kept (adapter tests, the bench baseline): nothing to clear.
   */
  effectNotApplied?(vendor: string, operation: string): Promise<void>;
  currency: string;
  recorder: VendorCallRecorder;
}

/** An effect found by lookup-before-retry: what an earlier attempt applied. */
export interface RecoveredEffect {
  vendor: string;
  operation: string;
  /** The lookup operation that found it, e.g. `purchases.show`. */
  foundBy: string;
  vendorReference: string | null;
  amountMinor?: number | null;
}

/**
 * Audits an effect that an earlier attempt applied. That attempt may have died (worker SIGKILL)
 * between the vendor's answer and its own audit row: without this row the journal would hold an
 * effect the trail never mentions. When the earlier attempt's row did land, the writer skips this
 * one, so each effect has exactly one successful row and finance never counts it twice.
 */
export function recordRecoveredEffect(ctx: VendorCallContext, effect: RecoveredEffect): Promise<void> {
  return ctx.recorder.record({
    vendor: effect.vendor,
    operation: effect.operation,
    outcome: 'success',
    httpStatus: null,
    latencyMs: 0,
    requestExcerpt: { recovered_by: effect.foundBy, attempt: ctx.attempt },
    responseExcerpt: null,
    vendorReference: effect.vendorReference,
    amountMinor: effect.amountMinor ?? null,
    recoveredBy: effect.foundBy,
  });
}

/** An effect sent at most once whose earlier send may have been applied, and that no documented call can look up. */
export interface UnknownOutcome {
  vendor: string;
  operation: string;
  /** Why it is not sent again and what to check at the vendor: the row's error message. */
  reason: string;
  /** What identifies it without personal data (our reference, the attempt), for the request excerpt. */
  requestExcerpt: Record<string, unknown>;
  vendorReference?: string | null;
  amountMinor?: number | null;
}

/**
 * Audits an effect not sent again because an earlier send may have been applied (no call is made):
 * outcome `unknown`, error code OUTCOME_UNKNOWN, for ops and finance to check at the vendor.
 */
export function recordUnknownOutcome(ctx: VendorCallContext, effect: UnknownOutcome): Promise<void> {
  return ctx.recorder.record({
    vendor: effect.vendor,
    operation: effect.operation,
    outcome: 'unknown',
    httpStatus: null,
    latencyMs: 0,
    requestExcerpt: effect.requestExcerpt,
    responseExcerpt: null,
    vendorReference: effect.vendorReference ?? null,
    amountMinor: effect.amountMinor ?? null,
    errorCode: RefusalCodes.outcomeUnknown,
    errorMessage: effect.reason,
  });
}
