import type { VendorCallContext, VendorCallRecord } from '../../activities/vendors/vendor-call';

/**
 * The context of one adapter call for `reference` at store S1, till T1, as activity attempt
 * `attempt` would pass it; the audit rows it records are kept in `records`, not in Postgres.
 */
export function callContext(
  reference: string,
  attempt = 1,
  currency = 'EUR',
  intents: Pick<VendorCallContext, 'effectMayHaveBeenSent' | 'effectNotApplied'> = { effectMayHaveBeenSent: intentSeenFrom(attempt) },
): { ctx: VendorCallContext; records: VendorCallRecord[] } {
  const records: VendorCallRecord[] = [];
  const ctx: VendorCallContext = { reference, store: 'S1', till: 'T1', attempt, currency, recorder: { record: async (r) => void records.push(r) }, ...intents };
  return { ctx, records };
}

/**
 * The effect intents of one checkout step across its tries, in memory, as core/effects keeps them in
 * Postgres: an effect is `seen` once a try recorded it, until a try says its send was not applied.
 * Pass the same object to every try's callContext.
 */
export function stepIntents(): Pick<VendorCallContext, 'effectMayHaveBeenSent'> & Required<Pick<VendorCallContext, 'effectNotApplied'>> {
  const recorded = new Set<string>();
  return {
    effectMayHaveBeenSent: async (vendor, operation) => {
      const seen = recorded.has(`${vendor}:${operation}`);
      recorded.add(`${vendor}:${operation}`);
      return seen;
    },
    effectNotApplied: async (vendor, operation) => void recorded.delete(`${vendor}:${operation}`),
  };
}

/**
 * An adapter test's stand-in for the effect intents (activities/activity-scope.ts keeps them in
 * Postgres): attempt `attempt` > 1 plays a try after one that recorded the intent, attempt 1 the first.
 */
export function intentSeenFrom(attempt: number): VendorCallContext['effectMayHaveBeenSent'] {
  return () => Promise.resolve(attempt > 1);
}

/** The operations an attempt recorded; an effect found by lookup reads `<operation> (recovered)`. */
export function recordedCalls(records: VendorCallRecord[]): string[] {
  return records.map((r) => (r.recoveredBy ? `${r.operation} (recovered)` : r.operation));
}

/** What a call failed with, or undefined when it succeeded: for asserting on the whole failure. */
export function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(() => undefined, (e: unknown) => e);
}
