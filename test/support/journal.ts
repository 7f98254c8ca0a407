import request from 'supertest';
import { checkoutReference } from '../../workflows/checkout.contract';

export interface JournalEntry {
  vendor: string;
  effect: string;
  reference: string;
  vendorReference: string;
  amount?: string;
}

/** The sandbox's record of applied effects whose reference starts with `reference`. */
export async function journalOf(sandboxUrl: string, reference: string): Promise<JournalEntry[]> {
  const res = await request(sandboxUrl).get('/_sandbox/journal').query({ reference }).expect(200);
  return res.body.entries as JournalEntry[];
}

/** Effect name -> how many times it was applied, for "once" and "undone once" assertions. */
export function countEffects(entries: JournalEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[`${e.vendor}:${e.effect}`] = (counts[`${e.vendor}:${e.effect}`] ?? 0) + 1;
  return counts;
}

/** How often each effect was applied for one checkout of the test stacks' merchant, store and till. */
export async function checkoutEffects(sandboxUrl: string, posReference: string): Promise<Record<string, number>> {
  const reference = checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference });
  return countEffects(await journalOf(sandboxUrl, reference));
}

export async function injectFault(sandboxUrl: string, fault: Record<string, unknown>): Promise<void> {
  await request(sandboxUrl).post('/_sandbox/faults').send(fault).expect(201);
}
