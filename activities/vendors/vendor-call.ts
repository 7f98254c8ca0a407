/**
 * What every adapter call carries: who it is for (so the audit row can be written) and a
 * deterministic reference derived from the checkout and step (so a retry names the same effect).
 */
export interface VendorCallRecord {
  vendor: string;
  operation: string;
  outcome: 'success' | 'rejected' | 'failed';
  httpStatus: number | null;
  latencyMs: number;
  requestExcerpt: unknown;
  responseExcerpt: unknown;
  vendorReference?: string | null;
  amountMinor?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  /**
   * Set when this row is not a call but an effect an earlier attempt applied, found now by the named
   * lookup: the writer adds it only when no successful row of the operation exists for the step.
   */
  recoveredBy?: string;
}

/**
 * What the audit row records of an answer: the vendor's id for the effect and the amount it moved,
 * and `recoveredBy` when the answer is the vendor saying an earlier attempt already applied it (a
 * duplicate key answer on a retry), so the row counts as the effect only when no earlier row does.
 */
export type CallFacts = Pick<VendorCallRecord, 'vendorReference' | 'amountMinor' | 'recoveredBy'>;

export interface VendorCallRecorder {
  record(call: VendorCallRecord): Promise<void>;
}

export interface VendorCallContext {
  /** Our deterministic reference for this step, e.g. the purchase reference_number or bill number. */
  reference: string;
  /** Where the sale happens, for vendors that attribute calls to a store or till. */
  store: string;
  till: string;
  /** Temporal attempt number: > 1 means an earlier attempt may have applied the effect. */
  attempt: number;
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
