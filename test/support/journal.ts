import request from 'supertest';
import type { FaultSpec } from '../../src/sandbox/sandbox-faults';
import { checkoutReference } from '../../workflows/checkout.contract';

export interface JournalEntry {
  vendor: string;
  effect: string;
  reference: string;
  vendorReference: string;
  amount?: string;
  /** What the vendor did with the send (src/sandbox/sandbox-journal.ts): only `applied` moved anything. */
  outcome: 'applied' | 'refused-duplicate';
}

/**
 * The sandbox's record of effect sends whose reference starts with `reference` (of one vendor, if
 * named): every send, applied or refused as a duplicate, so a second send shows.
 */
export async function journalOf(sandboxUrl: string, reference: string, vendor?: string): Promise<JournalEntry[]> {
  const res = await request(sandboxUrl).get('/_sandbox/journal').query({ reference, ...(vendor && { vendor }) }).expect(200);
  return res.body.entries as JournalEntry[];
}

/** The entries the vendor applied: what totals and undo counts are made of. */
export function appliedOnly(entries: JournalEntry[]): JournalEntry[] {
  return entries.filter((e) => e.outcome === 'applied');
}

/** Effect name -> how many times it was sent (any outcome), for "once" and "undone once" assertions. */
export function countEffects(entries: JournalEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[`${e.vendor}:${e.effect}`] = (counts[`${e.vendor}:${e.effect}`] ?? 0) + 1;
  return counts;
}

/**
 * The reference checkout's journal (referenceCheckoutBody) once committed and then undone, by a
 * cancel, an expiry or a retried compensation alike: each effect applied once and undone once.
 * Capillary is not there: its points are redeemed after payment, after the bill (the default
 * CAPILLARY_POINTS_REDEMPTION=after_bill), so a checkout undone before payment never touched them.
 */
export const REFERENCE_COMMITTED_THEN_UNDONE: Readonly<Record<string, number>> = {
  'coupontools:coupon.lock': 1,
  'coupontools:coupon.unlock': 1,
  'crmcom:purchase.create': 1,
  'crmcom:spend.create': 1,
  'crmcom:spend.cancel': 1,
  'crmcom:purchase.cancel': 1,
};

/** How often each effect was sent (any outcome) for one checkout of the test stacks' merchant, store and till. */
export async function checkoutEffects(sandboxUrl: string, posReference: string): Promise<Record<string, number>> {
  const reference = checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference });
  return countEffects(await journalOf(sandboxUrl, reference));
}

/** Adds a fault to the sandbox (see src/sandbox/sandbox-faults.ts); a reset clears it. */
export async function injectFault(sandboxUrl: string, fault: FaultSpec): Promise<void> {
  await request(sandboxUrl).post('/_sandbox/faults').send(fault).expect(201);
}
