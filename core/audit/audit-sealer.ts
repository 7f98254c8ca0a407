import type { DataSource } from 'typeorm';
import { CHAIN_GENESIS } from './audit-chain';
import { AuditEventsRepository } from './audit-events.repository';
import { sealHash } from './audit-seal';
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

  /**
   * Seals every unsealed store-day of the merchant that has closed: each store's days in its own zone,
   * strictly before `today` when given (YYYY-MM-DD, the same date for every store), else before the
   * store's own today at `now`.
   */
  async sealClosedDays(merchant: string, closed: { today?: string; now: Date }): Promise<{ sealed: number }> {
    const pending = await this.seals.unsealedStoreDays(merchant, closed);
    let sealed = 0;
    for (const { store, day, timeZone } of pending) if (await this.sealDay(merchant, store, day, timeZone)) sealed++;
    return { sealed };
  }

  /** Seals one store-day, a calendar day in `timeZone` (default: the store's); false when it was sealed already. */
  async sealDay(merchant: string, store: string, day: string, zone?: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      await this.seals.lockStore(tx, merchant, store);
      if (await this.seals.isSealed(tx, merchant, store, day)) return false;
      const timeZone = zone ?? (await this.seals.storeTimeZone(merchant, store, tx));
      const previous = await this.seals.previousSealHash(tx, merchant, store, day);
      const heads = await this.events.checkoutHeads(merchant, store, await this.seals.dayBounds(day, timeZone, tx), tx);
      const prevSealHash = previous ?? CHAIN_GENESIS;
      const seal = {
        store,
        day,
        time_zone: timeZone,
        checkout_heads: heads,
        prev_seal_hash: prevSealHash,
        seal_hash: sealHash(prevSealHash, { merchant, store, day, heads, timeZone }),
      };
      await this.seals.insert(tx, merchant, seal);
      return true;
    });
  }
}
