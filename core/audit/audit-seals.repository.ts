import type { DataSource, EntityManager } from 'typeorm';
import type { CheckoutHead } from './audit-seal';

/** Namespaces the per-store seal lock (the chain uses another class). */
const SEAL_LOCK_CLASS = 0x7365616c; // 'seal'

/** A seal as stored; `day` as YYYY-MM-DD. */
export interface StoredSeal {
  store: string;
  day: string;
  /** The zone whose calendar day `day` is; null: a UTC day sealed before stores had zones. */
  time_zone: string | null;
  checkout_heads: CheckoutHead[];
  prev_seal_hash: string;
  seal_hash: string;
  /** The chain key id seal_hash was computed with; null: a legacy (plain SHA-256) seal. */
  key_id: string | null;
}

/**
 * The audit_seals table, one named method per query. The sealing methods take the sealer's
 * transaction: a store's day is checked and sealed under the store's lock, which lasts until commit.
 */
export class AuditSealsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Store-days of the merchant that have audit rows and no seal, oldest first, each day a calendar day
   * in the store's zone (`stores.time_zone`; UTC for a store without a row, such as product syncs' `-`),
   * strictly before `today` (a day) or else before the store's own today at `now`. Postgres does the
   * zone arithmetic. The coarse bound on recorded_at (no zone is ahead of UTC by more than 14 h) keeps
   * the scan to rows that can be in a closed day.
   */
  async unsealedStoreDays(merchant: string, closed: { today?: string; now: Date }): Promise<{ store: string; day: string; timeZone: string }[]> {
    return (await this.dataSource.query(
      `SELECT DISTINCT e.store, to_char(d.day, 'YYYY-MM-DD') AS day, z.tz AS "timeZone"
       FROM audit_events e
       LEFT JOIN stores st ON st.merchant = e.merchant AND st.store = e.store
       CROSS JOIN LATERAL (SELECT COALESCE(st.time_zone, 'UTC') AS tz) z
       CROSS JOIN LATERAL (SELECT (e.recorded_at AT TIME ZONE z.tz)::date AS day) d
       WHERE e.merchant = $1
         AND e.recorded_at < COALESCE(($2::date)::timestamp AT TIME ZONE 'UTC' + interval '14 hours', $3::timestamptz)
         AND d.day < COALESCE($2::date, ($3::timestamptz AT TIME ZONE z.tz)::date)
         AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.merchant = e.merchant AND s.store = e.store AND s.day = d.day)
       ORDER BY day, e.store`,
      [merchant, closed.today ?? null, closed.now],
    )) as { store: string; day: string; timeZone: string }[];
  }

  /** The zone a store's days are sealed in: its `stores` row's, else UTC. */
  async storeTimeZone(merchant: string, store: string, tx?: EntityManager): Promise<string> {
    const [row] = (await (tx ?? this.dataSource).query(
      `SELECT COALESCE((SELECT time_zone FROM stores WHERE merchant = $1 AND store = $2), 'UTC') AS tz`,
      [merchant, store],
    )) as { tz: string }[];
    return row.tz;
  }

  /** [start, end) of a calendar day in a zone, as instants computed by Postgres (a DST day is 23 or 25 h long). */
  async dayBounds(day: string, timeZone: string, tx?: EntityManager): Promise<{ start: Date; end: Date }> {
    const [bounds] = (await (tx ?? this.dataSource).query(
      `SELECT ($1::date)::timestamp AT TIME ZONE $2 AS start, ($1::date + 1)::timestamp AT TIME ZONE $2 AS "end"`,
      [day, timeZone],
    )) as { start: Date; end: Date }[];
    return bounds;
  }

  /** Serialises sealing of one store (its seals chain in day order) until `tx` ends. */
  async lockStore(tx: EntityManager, merchant: string, store: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [SEAL_LOCK_CLASS, `${merchant}:${store}`]);
  }

  async isSealed(tx: EntityManager, merchant: string, store: string, day: string): Promise<boolean> {
    const [existing] = (await tx.query(`SELECT 1 FROM audit_seals WHERE merchant = $1 AND store = $2 AND day = $3`, [merchant, store, day])) as unknown[];
    return Boolean(existing);
  }

  /** The seal_hash of the store's last seal before `day`; undefined before its first. */
  async previousSealHash(tx: EntityManager, merchant: string, store: string, day: string): Promise<string | undefined> {
    const [previous] = (await tx.query(
      `SELECT seal_hash FROM audit_seals WHERE merchant = $1 AND store = $2 AND day < $3 ORDER BY day DESC LIMIT 1`,
      [merchant, store, day],
    )) as { seal_hash: string }[];
    return previous?.seal_hash;
  }

  async insert(tx: EntityManager, merchant: string, seal: StoredSeal): Promise<void> {
    await tx.query(
      `INSERT INTO audit_seals (merchant, store, day, checkout_heads, prev_seal_hash, seal_hash, time_zone, key_id) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)`,
      [merchant, seal.store, seal.day, JSON.stringify(seal.checkout_heads), seal.prev_seal_hash, seal.seal_hash, seal.time_zone, seal.key_id],
    );
  }

  /** The merchant's seals of the days from `from` to `to` (both inclusive), of one store or all, in day order. */
  async sealsBetween(merchant: string, from: string, to: string, store?: string): Promise<StoredSeal[]> {
    return (await this.dataSource.query(
      `SELECT store, to_char(day, 'YYYY-MM-DD') AS day, time_zone, checkout_heads, prev_seal_hash, seal_hash, key_id FROM audit_seals
       WHERE merchant = $1 AND day >= $2 AND day <= $3 AND ($4::text IS NULL OR store = $4) ORDER BY day, store`,
      [merchant, from, to, store ?? null],
    )) as StoredSeal[];
  }

  /** Each store's last seal_hash before `day`, by store. */
  async lastSealHashesBefore(merchant: string, day: string, store?: string): Promise<Map<string, string>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (store) store, seal_hash FROM audit_seals
       WHERE merchant = $1 AND day < $2 AND ($3::text IS NULL OR store = $3) ORDER BY store, day DESC`,
      [merchant, day, store ?? null],
    )) as { store: string; seal_hash: string }[];
    return new Map(rows.map((s) => [s.store, s.seal_hash]));
  }
}
