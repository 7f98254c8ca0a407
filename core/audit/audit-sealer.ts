import type { DataSource } from 'typeorm';
import { CHAIN_GENESIS } from './audit-chain';
import { AuditEventsRepository } from './audit-events.repository';
import type { AuditChainKeys } from './audit-keys';
import { AuditSealsRepository, type StoredSeal } from './audit-seals.repository';
import type { ExternalSealLine, ExternalSealStore } from './external-seal-store';

/** How far back each nightly run makes sure every keyed seal is written outside Postgres too. */
export const EXTERNAL_CATCH_UP_DAYS = 35;

/**
 * Writes the daily seals (audit_seals, append-only), each keyed with the current chain key, and a
 * copy of each outside Postgres (ExternalSealStore) once the seal's transaction has committed. Only
 * closed days are sealed: the nightly schedule (audit-seal.schedule.ts) seals every store-day before
 * today that has rows and no seal, oldest first, so each store's seals chain in day order. Sealing is
 * idempotent: a sealed day is never sealed again, and its external line is written once (a run that
 * stopped between the commit and the append is caught up by the next, for the last
 * EXTERNAL_CATCH_UP_DAYS days; verify reports any keyed seal still missing outside).
 */
export class AuditSealer {
  private readonly events: AuditEventsRepository;
  private readonly seals: AuditSealsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: AuditChainKeys,
    private readonly external: ExternalSealStore,
  ) {
    this.events = new AuditEventsRepository(dataSource);
    this.seals = new AuditSealsRepository(dataSource);
  }

  /**
   * Seals every unsealed store-day of the merchant that has closed: each store's days in its own zone,
   * strictly before `today` when given (YYYY-MM-DD, the same date for every store), else before the
   * store's own today at `now`. Then writes outside Postgres any recent seal not written there yet.
   */
  async sealClosedDays(merchant: string, closed: { today?: string; now: Date }): Promise<{ sealed: number }> {
    const pending = await this.seals.unsealedStoreDays(merchant, closed);
    let sealed = 0;
    // Every day into Postgres first, then one write outside: a store the external copy cannot be
    // written to (a full disk, a permission) fails this run after the seals, not before the next day's.
    for (const { store, day, timeZone } of pending) if (await this.sealInPostgres(merchant, store, day, timeZone)) sealed++;
    const today = closed.today ?? closed.now.toISOString().slice(0, 10);
    const since = new Date(Date.parse(`${today}T00:00:00Z`) - EXTERNAL_CATCH_UP_DAYS * 86_400_000).toISOString().slice(0, 10);
    await this.publish(merchant, since, today);
    return { sealed };
  }

  /**
   * Seals one store-day, a calendar day in `timeZone` (default: the store's), then writes its
   * external line (also when the day was sealed before); false when it was sealed already.
   */
  async sealDay(merchant: string, store: string, day: string, zone?: string): Promise<boolean> {
    const sealed = await this.sealInPostgres(merchant, store, day, zone);
    // After the commit: a line outside never names a seal Postgres does not have.
    await this.publish(merchant, day, day, store);
    return sealed;
  }

  /** The seal row of one store-day, in its own transaction; false when the day was sealed already. */
  private async sealInPostgres(merchant: string, store: string, day: string, zone?: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      await this.seals.lockStore(tx, merchant, store);
      if (await this.seals.isSealed(tx, merchant, store, day)) return false;
      const timeZone = zone ?? (await this.seals.storeTimeZone(merchant, store, tx));
      const previous = await this.seals.previousSealHash(tx, merchant, store, day);
      const heads = await this.events.checkoutHeads(merchant, store, await this.seals.dayBounds(day, timeZone, tx), tx);
      const prevSealHash = previous ?? CHAIN_GENESIS;
      const keyId = this.keys.currentId;
      const seal: StoredSeal = {
        store,
        day,
        time_zone: timeZone,
        checkout_heads: heads,
        prev_seal_hash: prevSealHash,
        seal_hash: this.keys.sealHash(keyId, prevSealHash, { merchant, store, day, heads, timeZone }),
        key_id: keyId,
      };
      await this.seals.insert(tx, merchant, seal);
      return true;
    });
  }

  /** Writes the keyed seals of the days (of one store or all) that the external store lacks. */
  private async publish(merchant: string, from: string, to: string, store?: string): Promise<void> {
    const seals = (await this.seals.sealsBetween(merchant, from, to, store)).filter((s) => s.key_id !== null);
    if (seals.length) await this.external.appendMissing(merchant, seals.map((s) => externalSealLine(merchant, s)));
  }
}

/** The external copy of a keyed seal row. */
export function externalSealLine(merchant: string, seal: StoredSeal): ExternalSealLine {
  return {
    merchant,
    store: seal.store,
    day: seal.day,
    timeZone: seal.time_zone,
    keyId: seal.key_id as string,
    prevSealHash: seal.prev_seal_hash,
    sealHash: seal.seal_hash,
    heads: seal.checkout_heads,
  };
}
