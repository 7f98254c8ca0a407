import { addCheckoutEvent, addReturn, COMPENSATION_STEPS, emptyFigures, sumFigures } from './reconciliation-figures';
import { exceptionsOf } from './reconciliation-exceptions';
import type { ReconciliationFacts, ReconciliationReport, TillFigures, VendorCallGroup, VendorCallPurpose, VendorFigures } from './reconciliation.types';

/** The one builder of the reconciliation report: JSON and CSV both render what it returns. */
export function buildReconciliation(facts: ReconciliationFacts): ReconciliationReport {
  const tills = new Map<string, TillFigures>();
  const tillOf = (till: string, currency: string) => {
    const key = `${till}\u0000${currency}`;
    let f = tills.get(key);
    if (!f) tills.set(key, (f = emptyFigures(till, currency)));
    return f;
  };
  for (const e of facts.checkoutEvents) addCheckoutEvent(tillOf(e.till, e.currency), e);
  for (const r of facts.returns) addReturn(tillOf(r.till, r.currency), r);
  const tillFigures = [...tills.values()].sort((a, b) => compare(a.till ?? '', b.till ?? '') || compare(a.currency, b.currency));
  const currencies = [...new Set(tillFigures.map((t) => t.currency))].sort();
  return {
    merchant: facts.merchant,
    store: facts.store,
    date: facts.date,
    timeZone: facts.timeZone,
    timeZoneSource: facts.timeZoneSource,
    from: facts.from,
    to: facts.to,
    generatedAt: facts.generatedAt,
    totals: currencies.map((c) => sumFigures(tillFigures, c)),
    tills: tillFigures,
    vendors: vendorFigures(facts.vendorCalls),
    exceptions: facts.checkoutEvents.flatMap(exceptionsOf),
  };
}

export function purposeOf(step: string): VendorCallPurpose {
  if (step.startsWith('void:')) return 'void';
  if (step.startsWith('return')) return 'return';
  return COMPENSATION_STEPS.includes(step) ? 'compensation' : 'sale';
}

function vendorFigures(groups: VendorCallGroup[]): VendorFigures[] {
  const byKey = new Map<string, VendorFigures>();
  for (const g of groups) {
    const purpose = purposeOf(g.step);
    const key = [g.till, g.vendor, purpose, g.operation, g.currency].join('\u0000');
    let v = byKey.get(key);
    if (!v) byKey.set(key, (v = { till: g.till, vendor: g.vendor, purpose, operation: g.operation, currency: g.currency, succeeded: 0, rejected: 0, failed: 0, unknown: 0, amountMinor: 0 }));
    if (g.outcome === 'success') {
      v.succeeded += g.count;
      v.amountMinor += g.amountMinor;
    } else if (g.outcome === 'rejected') v.rejected += g.count;
    else if (g.outcome === 'unknown') v.unknown += g.count;
    else v.failed += g.count;
  }
  return [...byKey.values()].sort(
    (a, b) => compare(a.till, b.till) || compare(a.vendor, b.vendor) || compare(a.purpose, b.purpose) || compare(a.operation, b.operation) || compare(a.currency, b.currency),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
