import { isDatabaseUnavailable } from '../database/database-unavailable';
import type { StoreRow, StoresRepository } from './stores.repository';

/**
 * How long an API process trusts a store row it read: reserve needs the store's profile on every
 * checkout, and a Postgres round trip per checkout on the hot path is what this saves. A changed or
 * removed store is seen by every API process within this window (at once by the one that changed it);
 * a store not found is not cached, so a new store is accepted at once.
 */
export const STORE_CACHE_MS = 10_000;

/**
 * How long a store row read lately is still used while Postgres cannot be asked (as API keys are,
 * STALE_IF_UNAVAILABLE_MS): tills keep selling through a database blip; a store not seen lately
 * gets the database's own answer (503).
 */
export const STORE_STALE_IF_UNAVAILABLE_MS = 5 * 60_000;

/** The stores table through a small per-process cache (like VALID_KEY_CACHE_MS for API keys). */
export class StoreDirectory {
  private readonly cache = new Map<string, { row: StoreRow; readAt: number }>();

  /** `now` is injectable so tests can pass the cache's window without waiting it out. */
  constructor(
    private readonly stores: StoresRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** The merchant's rows for these stores (undefined for a store it has not), from the cache when fresh. */
  async lookUp(merchant: string, stores: string[]): Promise<Map<string, StoreRow>> {
    const found = new Map<string, StoreRow>();
    const missing: string[] = [];
    for (const store of new Set(stores)) {
      const cached = this.cache.get(key(merchant, store));
      if (cached && this.now() - cached.readAt < STORE_CACHE_MS) found.set(store, cached.row);
      else missing.push(store);
    }
    if (!missing.length) return found;
    const readAt = this.now();
    let rows: StoreRow[];
    try {
      rows = await this.stores.findMany(merchant, missing);
    } catch (err) {
      const stale = missing.map((store) => this.cache.get(key(merchant, store)));
      if (!isDatabaseUnavailable(err) || stale.some((c) => !c || readAt - c.readAt > STORE_STALE_IF_UNAVAILABLE_MS)) throw err;
      for (const c of stale) if (c) found.set(c.row.store, c.row);
      return found;
    }
    for (const store of missing) this.cache.delete(key(merchant, store));
    for (const row of rows) {
      this.cache.set(key(merchant, row.store), { row, readAt });
      found.set(row.store, row);
    }
    return found;
  }

  /** After a change made through this process: its next read goes to Postgres. */
  forget(merchant: string, store: string): void {
    this.cache.delete(key(merchant, store));
  }
}

function key(merchant: string, store: string): string {
  return `${merchant}\u0000${store}`;
}
