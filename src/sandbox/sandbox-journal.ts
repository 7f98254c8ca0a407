/**
 * Every send of an effect that reached a sandbox vendor, with the reference it was sent under and
 * what the vendor did with it. Tests and the benchmark count sends here to prove "at most once" and
 * "undone exactly once": a second send is visible even when the vendor refused it, so an adapter
 * that re-sends after a lost reply cannot hide behind a vendor's duplicate check.
 */

/**
 * `applied`: the vendor did it (count these for totals and for what must be undone).
 * `refused-duplicate`: the vendor refused it as a repeat of an effect already applied (Capillary 604,
 * Coupontools re-lock / re-validate); nothing changed, but it was a second send of the effect.
 */
export type JournalOutcome = 'applied' | 'refused-duplicate';

export interface JournalEntry {
  seq: number;
  vendor: string;
  effect: string;
  reference: string;
  vendorReference: string;
  amount?: string;
  outcome: JournalOutcome;
  at: string;
  /**
   * What the vendor was told about where and when, as received (CRM.COM `performed_on` and unit or
   * outlet, Capillary `billing_time`, CMC `transactionDate`, location and terminal): how a test reads
   * the local time and store identity a sale was sent with. Never personal data.
   */
  details?: Record<string, unknown>;
}

export class SandboxJournal {
  private entries: JournalEntry[] = [];

  /** Records a send; without `outcome` it is an applied effect. */
  add(entry: Omit<JournalEntry, 'seq' | 'at' | 'outcome'> & { outcome?: JournalOutcome }): JournalEntry {
    const full = { ...entry, outcome: entry.outcome ?? 'applied', seq: this.entries.length + 1, at: new Date().toISOString() };
    this.entries.push(full);
    return full;
  }

  list(filter: { vendor?: string; reference?: string; outcome?: string } = {}): JournalEntry[] {
    return this.entries.filter(
      (e) =>
        (!filter.vendor || e.vendor === filter.vendor) &&
        (!filter.reference || e.reference.startsWith(filter.reference)) &&
        (!filter.outcome || e.outcome === filter.outcome),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
