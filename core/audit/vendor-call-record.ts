/** One vendor call as its audit row records it: written by the audit writer, produced by every adapter. */
export interface VendorCallRecord {
  vendor: string;
  operation: string;
  /** `unknown`: not a call but an effect not sent again, whose earlier send may have been applied (see VendorCallOutcome). */
  outcome: 'success' | 'rejected' | 'failed' | 'unknown';
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

