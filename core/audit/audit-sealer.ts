import type { DataSource } from 'typeorm';
import { CHAIN_GENESIS } from './audit-chain';
import { AuditEventsRepository } from './audit-events.repository';
import { sealHash, utcDayBounds } from './audit-seal';
import { AuditSealsRepository } from './audit-seals.repository';

/**
 * Writes the daily seals (audit_seals, append-only). Only closed days are sealed: the nightly
 * schedule (audit-seal.schedule.ts) seals every store-day before today that has rows and no seal,
 * oldest first, so each store's seals chain in day order. Sealing is idempotent: a sealed day is
 * never sealed again.
 */
export class AuditSealer {
  private readonly events: AuditEventsRepository;
  private readonly seals: AuditSealsRepository;

  constructor(private readonly dataSource: DataSource) {
    this.events = new AuditEventsRepository(dataSource);
    this.seals = new AuditSealsRepository(dataSource);
  }

  /** Seals every unsealed store-day of the merchant strictly before `today` (YYYY-MM-DD, UTC). */
  async sealClosedDays(merchant: string, today: string): Promise<{ sealed: number }> {
    const pending = await this.seals.unsealedStoreDays(merchant, utcDayBounds(today).start);
    let sealed = 0;
    for (const { store, day } of pending) if (await this.sealDay(merchant, store, day)) sealed++;
    return { sealed };
  }

  /** Seals one store-day; false when it was sealed already. */
  async sealDay(merchant: string, store: string, day: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      await this.seals.lockStore(tx, merchant, store);
      if (await this.seals.isSealed(tx, merchant, store, day)) return false;
      const previous = await this.seals.previousSealHash(tx, merchant, store, day);
      const heads = await this.events.checkoutHeads(merchant, store, utcDayBounds(day), tx);
      const prevSealHash = previous ?? CHAIN_GENESIS;
      const seal = { store, day, checkout_heads: heads, prev_seal_hash: prevSealHash, seal_hash: sealHash(prevSealHash, { merchant, store, day, heads }) };
      await this.seals.insert(tx, merchant, seal);
      return true;
    });
  }
}
