import type { DataSource } from 'typeorm';

/** Where a store's finance day is: its `stores` row, or UTC (and the report says so) when it has none. */
export interface StoreTimeZone {
  timeZone: string;
  source: 'store' | 'default';
}

export const DEFAULT_TIME_ZONE = 'UTC';

/** A store as stored: its time zone and who it is at each vendor (NULL: the fallback the column names). */
export interface StoreRow {
  merchant: string;
  store: string;
  timeZone: string;
  crmcomUnit: string | null;
  crmcomOutlet: string | null;
  cmcLocation: string | null;
  /** ClearLine terminal per till; a till not listed is its own terminal. */
  cmcTerminals: Record<string, string>;
  updatedAt: string;
}

/** What an upsert sets: every column but the key and updated_at. */
export type StoreFields = Omit<StoreRow, 'merchant' | 'store' | 'updatedAt'>;

const COLUMNS = `merchant, store, time_zone AS "timeZone", crmcom_unit AS "crmcomUnit", crmcom_outlet AS "crmcomOutlet",
  cmc_location AS "cmcLocation", cmc_terminals AS "cmcTerminals", to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;

/** The stores table, one named method per query. */
export class StoresRepository {
  constructor(private readonly dataSource: DataSource) {}

  async timeZoneOf(merchant: string, store: string): Promise<StoreTimeZone> {
    const rows: Array<{ time_zone: string }> = await this.dataSource.query(`SELECT time_zone FROM stores WHERE merchant = $1 AND store = $2`, [merchant, store]);
    return rows[0] ? { timeZone: rows[0].time_zone, source: 'store' } : { timeZone: DEFAULT_TIME_ZONE, source: 'default' };
  }

  async find(merchant: string, store: string): Promise<StoreRow | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM stores WHERE merchant = $1 AND store = $2`, [merchant, store])) as StoreRow[];
    return rows[0];
  }

  /** The merchant's stores among `stores` (one round trip for a batch upload's stores). */
  async findMany(merchant: string, stores: string[]): Promise<StoreRow[]> {
    return (await this.dataSource.query(`SELECT ${COLUMNS} FROM stores WHERE merchant = $1 AND store = ANY($2)`, [merchant, stores])) as StoreRow[];
  }

  async list(merchant?: string): Promise<StoreRow[]> {
    return (await this.dataSource.query(`SELECT ${COLUMNS} FROM stores WHERE ($1::text IS NULL OR merchant = $1) ORDER BY merchant, store`, [merchant ?? null])) as StoreRow[];
  }

  /** Creates or replaces the store's row; `created` tells which. The database refuses an unknown zone (is_time_zone). */
  async upsert(merchant: string, store: string, fields: StoreFields): Promise<{ row: StoreRow; created: boolean }> {
    const rows = (await this.dataSource.query(
      `INSERT INTO stores AS s (merchant, store, time_zone, crmcom_unit, crmcom_outlet, cmc_location, cmc_terminals)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (merchant, store) DO UPDATE SET time_zone = EXCLUDED.time_zone, crmcom_unit = EXCLUDED.crmcom_unit,
         crmcom_outlet = EXCLUDED.crmcom_outlet, cmc_location = EXCLUDED.cmc_location, cmc_terminals = EXCLUDED.cmc_terminals, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [merchant, store, fields.timeZone, fields.crmcomUnit, fields.crmcomOutlet, fields.cmcLocation, JSON.stringify(fields.cmcTerminals)],
    )) as Array<{ created: boolean }>;
    return { row: (await this.find(merchant, store)) as StoreRow, created: rows[0].created };
  }

  /**
   * Whether the store has a sealed audit day (its seals cover calendar days in its zone, so that zone
   * cannot change without leaving hours in no seal or in two) or any checkout (its sales' later voids,
   * returns, replays and seals need its row).
   */
  async isInUse(merchant: string, store: string): Promise<{ sealed: boolean; sold: boolean }> {
    const [row] = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM audit_seals WHERE merchant = $1 AND store = $2) AS sealed,
              EXISTS (SELECT 1 FROM checkouts WHERE merchant = $1 AND store = $2) AS sold`,
      [merchant, store],
    )) as Array<{ sealed: boolean; sold: boolean }>;
    return row;
  }

  /** false when there was no such store. */
  async remove(merchant: string, store: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`DELETE FROM stores WHERE merchant = $1 AND store = $2 RETURNING store`, [merchant, store])) as unknown[];
    // TypeORM answers a DELETE ... RETURNING as [rows, count] on pg.
    const deleted = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
    return deleted > 0;
  }
}
