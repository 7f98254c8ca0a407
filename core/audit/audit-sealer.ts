import type { DataSource } from 'typeorm';
import { CHAIN_GENESIS } from './audit-chain';
import { CHECKOUT_HEADS_SQL, sealHash, utcDayBounds, type CheckoutHead } from './audit-seal';

/** Namespaces the per-store seal lock (the chain uses another class). */
const SEAL_LOCK_CLASS = 0x7365616c; // 'seal'

/**
 * Writes the daily seals (audit_seals, append-only). Only closed days are sealed: the nightly
 * schedule (audit-seal.schedule.ts) seals every store-day before today that has rows and no seal,
 * oldest first, so each store's seals chain in day order. Sealing is idempotent: a sealed day is
 * never sealed again.
 */
export class AuditSealer {
  constructor(private readonly dataSource: DataSource) {}

  /** Seals every unsealed store-day of the merchant strictly before `today` (YYYY-MM-DD, UTC). */
  async sealClosedDays(merchant: string, today: string): Promise<{ sealed: number }> {
    const pending = (await this.dataSource.query(
      `SELECT DISTINCT e.store, to_char((e.recorded_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day
       FROM audit_events e
       WHERE e.merchant = $1 AND e.recorded_at < $2
         AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.merchant = e.merchant AND s.store = e.store
                         AND s.day = (e.recorded_at AT TIME ZONE 'UTC')::date)
       ORDER BY day, e.store`,
      [merchant, utcDayBounds(today).start],
    )) as { store: string; day: string }[];
    let sealed = 0;
    for (const { store, day } of pending) if (await this.sealDay(merchant, store, day)) sealed++;
    return { sealed };
  }

  /** Seals one store-day; false when it was sealed already. */
  async sealDay(merchant: string, store: string, day: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [SEAL_LOCK_CLASS, `${merchant}:${store}`]);
      const [existing] = (await tx.query(`SELECT 1 FROM audit_seals WHERE merchant = $1 AND store = $2 AND day = $3`, [merchant, store, day])) as unknown[];
      if (existing) return false;
      const [previous] = (await tx.query(
        `SELECT seal_hash FROM audit_seals WHERE merchant = $1 AND store = $2 AND day < $3 ORDER BY day DESC LIMIT 1`,
        [merchant, store, day],
      )) as { seal_hash: string }[];
      const { start, end } = utcDayBounds(day);
      const heads = (await tx.query(CHECKOUT_HEADS_SQL, [merchant, store, start, end])) as CheckoutHead[];
      const prevSealHash = previous?.seal_hash ?? CHAIN_GENESIS;
      await tx.query(
        `INSERT INTO audit_seals (merchant, store, day, checkout_heads, prev_seal_hash, seal_hash) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
        [merchant, store, day, JSON.stringify(heads), prevSealHash, sealHash(prevSealHash, { merchant, store, day, heads })],
      );
      return true;
    });
  }
}
