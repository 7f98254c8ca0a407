/**
 * Every side effect a sandbox vendor applies, with the reference it was applied under. Tests and the
 * benchmark count effects here to prove "at most once" and "undone exactly once".
 */
export interface JournalEntry {
  seq: number;
  vendor: string;
  effect: string;
  reference: string;
  vendorReference: string;
  amount?: string;
  at: string;
}

export class SandboxJournal {
  private entries: JournalEntry[] = [];

  add(entry: Omit<JournalEntry, 'seq' | 'at'>): JournalEntry {
    const full = { ...entry, seq: this.entries.length + 1, at: new Date().toISOString() };
    this.entries.push(full);
    return full;
  }

  list(filter: { vendor?: string; reference?: string } = {}): JournalEntry[] {
    return this.entries.filter(
      (e) => (!filter.vendor || e.vendor === filter.vendor) && (!filter.reference || e.reference.startsWith(filter.reference)),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
