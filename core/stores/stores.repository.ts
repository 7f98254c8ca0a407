import type { DataSource } from 'typeorm';

/** Where a store's finance day is: its `stores` row, or UTC (and the report says so) when it has none. */
export interface StoreTimeZone {
  timeZone: string;
  source: 'store' | 'default';
}

export const DEFAULT_TIME_ZONE = 'UTC';

/** The stores table (each store's time zone), one named method per query. */
export class StoresRepository {
  constructor(private readonly dataSource: DataSource) {}

  async timeZoneOf(merchant: string, store: string): Promise<StoreTimeZone> {
    const rows: Array<{ time_zone: string }> = await this.dataSource.query(`SELECT time_zone FROM stores WHERE merchant = $1 AND store = $2`, [merchant, store]);
    return rows[0] ? { timeZone: rows[0].time_zone, source: 'store' } : { timeZone: DEFAULT_TIME_ZONE, source: 'default' };
  }
}
