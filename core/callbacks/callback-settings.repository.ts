import type { DataSource } from 'typeorm';
import { returnedRows } from '../database/returned-rows';
import type { SealedCallbackSecret } from './callback-secret-box';

/** A merchant's callback settings as the admin API shows them (never the secret). */
export interface MerchantCallbackRow {
  url: string | null;
  allCheckouts: boolean;
  secretId: string | null;
  updatedAt: string;
}

export interface StoreCallbackRow {
  store: string;
  url: string;
  updatedAt: string;
}

const UPDATED_AT = `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;

/** merchant_callbacks and store_callbacks, one named method per query. */
export class CallbackSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async merchant(merchant: string): Promise<MerchantCallbackRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT url, all_checkouts AS "allCheckouts", secret_id AS "secretId", ${UPDATED_AT} FROM merchant_callbacks WHERE merchant = $1`,
      [merchant],
    )) as MerchantCallbackRow[];
    return rows[0];
  }

  async putMerchant(merchant: string, url: string | null, allCheckouts: boolean): Promise<MerchantCallbackRow> {
    await this.dataSource.query(
      `INSERT INTO merchant_callbacks (merchant, url, all_checkouts) VALUES ($1, $2, $3)
       ON CONFLICT (merchant) DO UPDATE SET url = EXCLUDED.url, all_checkouts = EXCLUDED.all_checkouts, updated_at = now()`,
      [merchant, url, allCheckouts],
    );
    return (await this.merchant(merchant)) as MerchantCallbackRow;
  }

  /** Replaces the merchant's secret: the next attempt of every event signs with it. */
  async putSecret(merchant: string, secret: SealedCallbackSecret): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO merchant_callbacks (merchant, secret_id, secret_sealed, secret_sealed_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant) DO UPDATE SET secret_id = EXCLUDED.secret_id, secret_sealed = EXCLUDED.secret_sealed,
         secret_sealed_by = EXCLUDED.secret_sealed_by, updated_at = now()`,
      [merchant, secret.id, secret.sealed, secret.sealedBy],
    );
  }

  async stores(merchant: string): Promise<StoreCallbackRow[]> {
    return (await this.dataSource.query(`SELECT store, url, ${UPDATED_AT} FROM store_callbacks WHERE merchant = $1 ORDER BY store`, [merchant])) as StoreCallbackRow[];
  }

  async putStore(merchant: string, store: string, url: string): Promise<StoreCallbackRow> {
    const rows = (await this.dataSource.query(
      `INSERT INTO store_callbacks (merchant, store, url) VALUES ($1, $2, $3)
       ON CONFLICT (merchant, store) DO UPDATE SET url = EXCLUDED.url, updated_at = now()
       RETURNING store, url, ${UPDATED_AT}`,
      [merchant, store, url],
    )) as StoreCallbackRow[];
    return rows[0];
  }

  /** false when the store had no URL of its own. */
  async removeStore(merchant: string, store: string): Promise<boolean> {
    const deleted = returnedRows(await this.dataSource.query(`DELETE FROM store_callbacks WHERE merchant = $1 AND store = $2 RETURNING store`, [merchant, store]));
    return deleted.length > 0;
  }
}
