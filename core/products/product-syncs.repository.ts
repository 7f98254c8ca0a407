import type { DataSource } from 'typeorm';
import { CATALOGUE_BATCH_LIMIT, type CatalogueProduct } from '../../workflows/product-sync.contract';
import { ProductSyncItem } from './product-sync-item.entity';
import { ProductSync } from './product-sync.entity';

/** Rows per INSERT when storing a request: one jsonb parameter each, far below Postgres' limits. */
const INSERT_CHUNK = 10_000;

/** The product_syncs and product_sync_items tables (a sync and its products), one named method per query. */
export class ProductSyncsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a POST /v1/products/sync request in one transaction: the sync (running) and its products
   * in request order, numbered into batches of CATALOGUE_BATCH_LIMIT.
   */
  async createApiSync(sync: { id: string; merchant: string; batchCount: number }, products: CatalogueProduct[]): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.insert(ProductSync, { ...sync, status: 'running', source: 'api', productCount: products.length });
      for (let start = 0; start < products.length; start += INSERT_CHUNK) {
        await tx.query(
          `INSERT INTO product_sync_items (sync_id, position, batch_number, code, product)
           SELECT $1, $2 + r.ord - 1, ($2 + r.ord - 1) / $3, r.product->>'code', r.product
             FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS r(product, ord)`,
          [sync.id, start, CATALOGUE_BATCH_LIMIT, JSON.stringify(products.slice(start, start + INSERT_CHUNK))],
        );
      }
    });
  }

  async markFailed(id: string, failureReason: string): Promise<void> {
    await this.dataSource.getRepository(ProductSync).update(id, { status: 'failed', failureReason });
  }

  /** The merchant's sync; null when it has none of that id (`id` must be a UUID: the column's type). */
  async findOfMerchant(id: string, merchant: string): Promise<ProductSync | null> {
    return this.dataSource.getRepository(ProductSync).findOneBy({ id, merchant });
  }

  /** A page of the sync's products CRM.COM did not process, in request order. */
  async unprocessedItems(syncId: string, page: { offset: number; limit: number }): Promise<ProductSyncItem[]> {
    return this.dataSource.getRepository(ProductSyncItem).find({
      where: { syncId, outcome: 'unprocessed' },
      order: { position: 'ASC' },
      skip: page.offset,
      take: page.limit,
    });
  }
}
