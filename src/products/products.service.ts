import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { CATALOGUE_BATCH_LIMIT } from '../../workflows/product-sync.contract';
import { productSyncWorkflowId } from '../../workflows/product-sync.contract';
import { productSyncWorkflow } from '../../workflows/product-sync.workflow';
import { ProblemException } from '../common/problem';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { ProductSyncResultsQueryDto, SyncProductsDto } from './dto/sync-products.dto';
import { ProductSyncsRepository } from '../../core/products/product-syncs.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ProductsService {
  constructor(
    @Inject(ProductSyncsRepository) private readonly syncs: ProductSyncsRepository,
    @Inject(Client) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Stores the request, then starts its workflow with the sync id only (products stay in Postgres). */
  async startSync(dto: SyncProductsDto, merchant: string): Promise<{ syncId: string; status: string; batches: number; products: number }> {
    const syncId = randomUUID();
    const batchCount = Math.ceil(dto.products.length / CATALOGUE_BATCH_LIMIT);
    await this.syncs.createApiSync({ id: syncId, merchant, batchCount }, dto.products);
    try {
      await this.temporal.workflow.start(productSyncWorkflow, {
        workflowId: productSyncWorkflowId(merchant, syncId),
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [{ kind: 'request', merchant, syncId, batchCount }],
      });
    } catch (err) {
      // Nothing will send it: the stored request says so, and the caller (503) sends it again.
      await this.syncs.markFailed(syncId, 'the workflow could not be started');
      throw err;
    }
    return { syncId, status: 'running', batches: batchCount, products: dto.products.length };
  }

  /** The stored progress and one page of unprocessed results, in request order. */
  async findSync(id: string, query: ProductSyncResultsQueryDto, merchant: string) {
    const sync = UUID.test(id) ? await this.syncs.findOfMerchant(id, merchant) : null;
    if (!sync) throw new ProblemException({ type: '/problems/not-found', title: 'No such product sync', status: 404, detail: `product sync ${id} does not exist` });
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    const items = await this.syncs.unprocessedItems(id, { offset, limit });
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
        // Products of batches CRM.COM accepted whose results are unknown (status completed_unverified).
        unverified: sync.unverifiedCount,
        batchesUnverified: Object.keys(sync.unverifiedBatches ?? {}).length,
      },
      // Why each unverified batch's results are unknown, by batch number (1-based).
      ...(Object.keys(sync.unverifiedBatches ?? {}).length > 0 && { unverifiedBatches: sync.unverifiedBatches }),
      // CRM.COM back-office: the process id of each batch (1-based), to follow it at CRM.COM.
      ...(Object.keys(sync.vendorProcessIds ?? {}).length > 0 && { vendorProcessIds: sync.vendorProcessIds }),
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
