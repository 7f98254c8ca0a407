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
}

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
