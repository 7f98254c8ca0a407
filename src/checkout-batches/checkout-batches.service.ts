import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { checkoutBatchWorkflowId } from '../../workflows/checkout-batch.contract';
import { checkoutBatchWorkflow } from '../../workflows/checkout-batch.workflow';
import { toApiMoney } from '../common/money-view';
import { ProblemException } from '../common/problem';
import { maySeeCheckout, outsideKeyScope, type Principal } from '../access/principal';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CheckoutBatchesRepository } from '../../core/checkout-batches/checkout-batches.repository';
import { StoreDirectory } from '../../core/stores/store-directory';
import { encryptionCodecFor, type EncryptionCodec } from '../../core/temporal/encryption-codec';
import { sealValue } from '../../core/temporal/sealed-value';
import { batchSaleResult, countOutcomes } from './checkout-batch-results';
import { openProjectionCodes } from '../../core/checkouts/projection-codes';
import { toBatchSales } from './checkout-batch-sales.mapper';
import type { CreateCheckoutBatchDto } from './dto/create-checkout-batch.dto';

export interface BatchAccepted {
  batchId: string;
  sales: number;
  /** True when this batch had been uploaded before: nothing new was started. */
  replayed: boolean;
}

/**
 * Durability before the 202: the batch and its sales (each input sealed) are committed to Postgres, then the batch
 * workflow is started with the batch id. If the API dies between the two, the client got no 202 and
 * uploads again: same batch id, rows already there, the workflow is started then. (A workflow input
 * with all sales would make Temporal the only copy, but 500 sales can exceed its payload limit.)
 */
@Injectable()
export class CheckoutBatchesService {
  constructor(
    @Inject(CheckoutBatchesRepository) private readonly batches: CheckoutBatchesRepository,
    @Inject(Client) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(StoreDirectory) private readonly stores: StoreDirectory,
  ) {
    this.codec = encryptionCodecFor(config);
  }

  private readonly codec: EncryptionCodec;

  async upload(dto: CreateCheckoutBatchDto, caller: Principal): Promise<BatchAccepted> {
    assertSalesInScope(dto, caller);
    const merchant = caller.merchant;
    const stores = await this.stores.lookUp(merchant, (dto.sales ?? []).map((s) => s.store));
    const batch = toBatchSales(dto, merchant, this.config, stores);
    // The inputs name customers (phones, e-mails, card codes): stored sealed by the payload codec, purged once driven.
    const sales = await Promise.all(
      batch.sales.map(async (s) => ({
        position: s.position,
        checkoutId: s.input.checkoutId,
        posReference: s.input.posReference,
        currency: s.input.currency,
        requestHash: s.requestHash,
        sealedInput: await sealValue(this.codec, s.input),
      })),
    );
    const stored = await this.batches.storeOnce(merchant, { batchId: batch.batchId, contentHash: batch.contentHash, sales });
    if (stored === 'conflict') {
      throw new ProblemException({
        type: '/problems/idempotency-conflict',
        title: 'This batchReference was already used for other sales',
        status: 409,
        detail: `batch ${batch.batchId} was uploaded with other sales`,
        batchId: batch.batchId,
      });
    }
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
    return { batchId: batch.batchId, sales: batch.sales.length, replayed: stored === 'exists' };
  }

  /** Progress and per-sale results, read from the batch's rows and the checkouts projection. */
  async findOne(batchId: string, caller: Principal) {
    const merchant = caller.merchant;
    const batch = await this.batches.findBatch(merchant, batchId);
    if (!batch) throw batchNotFound(batchId);
    const rows = await this.batches.salesWithCheckouts(merchant, batchId);
    // A store- or till-scoped key sees a batch only when every sale lies in its scope.
    if (rows.some((r) => !maySeeCheckout(caller, r.checkoutId))) throw batchNotFound(batchId);
    // Receipts and refusals as the projection keeps them, coupon codes sealed: the back office gets them opened.
    const results = rows.map((row) => batchSaleResult(openProjectionCodes(row, this.codec)));
    const counts = countOutcomes(results);
    return {
      batchId,
      status: counts.pending > 0 ? 'running' : 'completed',
      counts,
      createdAt: new Date(batch.createdAt).toISOString(),
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

function batchNotFound(batchId: string): ProblemException {
  return new ProblemException({ type: '/problems/not-found', title: 'No such batch', status: 404, detail: `batch ${batchId} does not exist` });
}
