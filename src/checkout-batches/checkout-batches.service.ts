import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { checkoutBatchWorkflowId } from '../../workflows/checkout-batch.contract';
import { checkoutBatchWorkflow } from '../../workflows/checkout-batch.workflow';
import { toApiMoney } from '../common/money-view';
import { ProblemException } from '../common/problem';
import { maySeeCheckout, outsideKeyScope, type Principal } from '../access/principal';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { batchSaleResult, countOutcomes, type BatchSaleRow } from './checkout-batch-results';
import { toBatchSales, type MappedBatch } from './checkout-batch-sales.mapper';
import type { CreateCheckoutBatchDto } from './dto/create-checkout-batch.dto';

export interface BatchAccepted {
  batchId: string;
  sales: number;
  /** True when this batch had been uploaded before: nothing new was started. */
  replayed: boolean;
}

/**
 * Durability before the 202: the batch and its sales are committed to Postgres, then the batch
 * workflow is started with the batch id. If the API dies between the two, the client got no 202 and
 * uploads again: same batch id, rows already there, the workflow is started then. (A workflow input
 * with all sales would make Temporal the only copy, but 500 sales can exceed its payload limit.)
 */
@Injectable()
export class CheckoutBatchesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Client) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(dto: CreateCheckoutBatchDto, caller: Principal): Promise<BatchAccepted> {
    assertSalesInScope(dto, caller);
    const merchant = caller.merchant;
    const batch = toBatchSales(dto, {
      merchant,
      holdTimeoutMs: this.config.CHECKOUT_HOLD_TIMEOUT_MS,
      crmcomMerchantNumber: this.config.CRMCOM_MERCHANT_NUMBER,
    });
    const created = await this.store(merchant, batch);
    try {
      await this.temporal.workflow.start(checkoutBatchWorkflow, {
        workflowId: checkoutBatchWorkflowId(merchant, batch.batchId),
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [{ merchant, batchId: batch.batchId, saleCount: batch.sales.length }],
        // Running: it is this batch. Closed: it ran; only a failed run may be run again (its sales are idempotent).
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { batchId: batch.batchId, sales: batch.sales.length, replayed: !created };
  }

  /** Stores the batch once; false when it was already stored (the same upload again). */
  private async store(merchant: string, batch: MappedBatch): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO checkout_batches (merchant, id, content_hash, sale_count) VALUES ($1, $2, $3, $4)
         ON CONFLICT (merchant, id) DO NOTHING RETURNING id`,
        [merchant, batch.batchId, batch.contentHash, batch.sales.length],
      );
      if (inserted.length === 0) {
        const [existing] = (await tx.query(`SELECT content_hash FROM checkout_batches WHERE merchant = $1 AND id = $2`, [merchant, batch.batchId])) as Array<{
          content_hash: string;
        }>;
        if (existing?.content_hash !== batch.contentHash) {
          throw new ProblemException({
            type: '/problems/idempotency-conflict',
            title: 'This batchReference was already used for other sales',
            status: 409,
            detail: `batch ${batch.batchId} was uploaded with other sales`,
            batchId: batch.batchId,
          });
        }
        return false;
      }
      await tx.query(
        `INSERT INTO checkout_batch_sales (merchant, batch_id, position, checkout_id, pos_reference, request_hash, input)
         SELECT $1, $2, (s->>'position')::int, s->'input'->>'checkoutId', s->'input'->>'posReference', s->>'requestHash', s->'input'
           FROM jsonb_array_elements($3::jsonb) AS s`,
        [merchant, batch.batchId, JSON.stringify(batch.sales)],
      );
      return true;
    });
  }

  /** Progress and per-sale results, read from the batch's rows and the checkouts projection. */
  async findOne(batchId: string, caller: Principal) {
    const merchant = caller.merchant;
    const [batch] = (await this.dataSource.query(`SELECT sale_count, created_at FROM checkout_batches WHERE merchant = $1 AND id = $2`, [
      merchant,
      batchId,
    ])) as Array<{ sale_count: number; created_at: Date }>;
    if (!batch) throw new ProblemException({ type: '/problems/not-found', title: 'No such batch', status: 404, detail: `batch ${batchId} does not exist` });
    const rows = (await this.dataSource.query(
      `SELECT s.position, s.checkout_id AS "checkoutId", s.pos_reference AS "posReference", s.input->>'currency' AS currency,
              s.drive_outcome AS "driveOutcome", s.drive_reason AS "driveReason", c.state, c.view->'rejection' AS rejection,
              c.failure_reason AS "failureReason", c.receipt
         FROM checkout_batch_sales s LEFT JOIN checkouts c ON c.id = s.checkout_id
        WHERE s.merchant = $1 AND s.batch_id = $2
        ORDER BY s.position`,
      [merchant, batchId],
    )) as BatchSaleRow[];
    // A store- or till-scoped key sees a batch only when every sale lies in its scope.
    if (rows.some((r) => !maySeeCheckout(caller, r.checkoutId))) {
      throw new ProblemException({ type: '/problems/not-found', title: 'No such batch', status: 404, detail: `batch ${batchId} does not exist` });
    }
    const results = rows.map(batchSaleResult);
    const counts = countOutcomes(results);
    return {
      batchId,
      status: counts.pending > 0 ? 'running' : 'completed',
      counts,
      createdAt: new Date(batch.created_at).toISOString(),
      results: results.map((r, i) => toApiMoney(r, rows[i].currency)),
    };
  }
}

/** Every sale must lie in the uploading key's scope: 403 naming the first sale outside it. */
function assertSalesInScope(dto: CreateCheckoutBatchDto, caller: Principal): void {
  const errors: Array<{ field: string; message: string }> = [];
  (dto.sales ?? []).forEach((sale, i) => {
    if (caller.store !== null && sale.store !== caller.store) errors.push({ field: `sales[${i}].store`, message: `is outside this API key's scope (store ${caller.store})` });
    else if (caller.till !== null && sale.till !== caller.till) errors.push({ field: `sales[${i}].till`, message: `is outside this API key's scope (till ${caller.till})` });
  });
  if (errors.length) throw outsideKeyScope(errors);
}
