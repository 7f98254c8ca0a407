import type { VendorCallRecord } from '../../activities/vendors/vendor-call';

/** The operations an attempt recorded; an effect found by lookup reads `<operation> (recovered)`. */
export function recordedCalls(records: VendorCallRecord[]): string[] {
  return records.map((r) => (r.recoveredBy ? `${r.operation} (recovered)` : r.operation));
}
