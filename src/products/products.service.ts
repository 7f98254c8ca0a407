import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { CATALOGUE_BATCH_LIMIT } from '../../workflows/product-sync.contract';
import { productSyncWorkflowId } from '../../workflows/product-sync.contract';
import { productSyncWorkflow } from '../../workflows/product-sync.workflow';
import { ProblemException } from '../common/problem';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { ProductSyncResultsQueryDto, SyncProductsDto } from './dto/sync-products.dto';
import { ProductSyncItem } from '../../core/products/product-sync-item.entity';
import { ProductSync } from '../../core/products/product-sync.entity';

/** Rows per INSERT when storing a request: one jsonb parameter each, far below Postgres' limits. */
const INSERT_CHUNK = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ProductsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Client) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Stores the request, then starts its workflow with the sync id only (products stay in Postgres). */
  async startSync(dto: SyncProductsDto, merchant: string): Promise<{ syncId: string; status: string; batches: number; products: number }> {
    const syncId = randomUUID();
    const batchCount = Math.ceil(dto.products.length / CATALOGUE_BATCH_LIMIT);
    await this.dataSource.transaction(async (tx) => {
      await tx.insert(ProductSync, { id: syncId, merchant, status: 'running', source: 'api', productCount: dto.products.length, batchCount });
      for (let start = 0; start < dto.products.length; start += INSERT_CHUNK) {
        await tx.query(
          `INSERT INTO product_sync_items (sync_id, position, batch_number, code, product)
           SELECT $1, $2 + r.ord - 1, ($2 + r.ord - 1) / $3, r.product->>'code', r.product
             FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS r(product, ord)`,
          [syncId, start, CATALOGUE_BATCH_LIMIT, JSON.stringify(dto.products.slice(start, start + INSERT_CHUNK))],
        );
      }
    });
    try {
      await this.temporal.workflow.start(productSyncWorkflow, {
        workflowId: productSyncWorkflowId(merchant, syncId),
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [{ kind: 'request', merchant, syncId, batchCount }],
      });
    } catch (err) {
      // Nothing will send it: the stored request says so, and the caller (503) sends it again.
      await this.dataSource.getRepository(ProductSync).update(syncId, { status: 'failed', failureReason: 'the workflow could not be started' });
      throw err;
    }
    return { syncId, status: 'running', batches: batchCount, products: dto.products.length };
  }

  /** The stored progress and one page of unprocessed results, in request order. */
  async findSync(id: string, query: ProductSyncResultsQueryDto, merchant: string) {
    const sync = UUID.test(id) ? await this.dataSource.getRepository(ProductSync).findOneBy({ id, merchant }) : null;
    if (!sync) throw new ProblemException({ type: '/problems/not-found', title: 'No such product sync', status: 404, detail: `product sync ${id} does not exist` });
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    const items = await this.dataSource.getRepository(ProductSyncItem).find({
      where: { syncId: id, outcome: 'unprocessed' },
      order: { position: 'ASC' },
      skip: offset,
      take: limit,
    });
    return {
      syncId: sync.id,
      status: sync.status,
      source: sync.source,
      ...(sync.copiedFrom && { copiedFrom: sync.copiedFrom }),
      ...(sync.failureReason && { failureReason: sync.failureReason }),
      progress: {
        batchesDone: sync.batchesDone,
        batchesTotal: sync.batchCount,
        products: sync.productCount,
        processed: sync.processedCount,
        unprocessed: sync.unprocessedCount,
      },
      unprocessed: {
        total: sync.unprocessedCount,
        offset,
        limit,
        items: items.map((i) => ({ position: i.position, code: i.code, errorCode: i.errorCode, errorDescription: i.errorDescription })),
      },
      createdAt: sync.createdAt.toISOString(),
      updatedAt: sync.updatedAt.toISOString(),
    };
  }
}
