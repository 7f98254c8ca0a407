import { Context } from '@temporalio/activity';
import { ApplicationFailure, type PayloadCodec } from '@temporalio/common';
import { Between, type DataSource } from 'typeorm';
import { CheckoutBatchSale } from '../core/checkout-batches/checkout-batch-sale.entity';
import { CheckoutSagaClient } from '../core/checkouts/checkout-saga.client';
import { StoredCheckoutAnswers } from '../core/checkouts/stored-checkout-answers';
import type { TextSealer } from '../core/temporal/encryption-codec';
import { openValue } from '../core/temporal/sealed-value';
import type { CheckoutInput } from '../workflows/checkout.contract';
import { BATCH_SALES_PER_CHUNK_AT_ONCE, type CheckoutBatchChunk } from '../workflows/checkout-batch.contract';
import { driveOneShotSale, SALE_PHASE_WAIT_MS } from './batch-sale-driver';

/** Heartbeat at least this often while a slow sale is waited for (the workflow's timeout is 30 s). */
const HEARTBEAT_EVERY_MS = 5_000;

/**
 * The back-office batch: drives a chunk of stored sales through their one-shot sagas with the
 * worker's own Temporal client, a few at a time, and records on each sale's row whether it could be
 * driven, emptying its sealed input in the same write. A retried chunk skips the sales it already recorded.
 */
export function createCheckoutBatchActivities({ dataSource, codec }: { dataSource: DataSource; codec: PayloadCodec & TextSealer }) {
  return {
    async driveCheckoutBatchChunk(chunk: CheckoutBatchChunk): Promise<{ driven: number; notDriven: number }> {
      const ctx = Context.current();
      const sagas = new CheckoutSagaClient(ctx.client, {
        taskQueue: ctx.info.taskQueue,
        answerTimeoutMs: SALE_PHASE_WAIT_MS,
        endedCheckouts: new StoredCheckoutAnswers(dataSource, codec),
      });
      const repo = dataSource.getRepository(CheckoutBatchSale);
      const sales = await repo.find({
        where: { merchant: chunk.merchant, batchId: chunk.batchId, position: Between(chunk.from, chunk.to - 1) },
        order: { position: 'ASC' },
      });
      const heartbeat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        await eachAtMost(BATCH_SALES_PER_CHUNK_AT_ONCE, sales, async (sale) => {
          if (sale.driveOutcome) return;
          const input = sale.sealedInput ? await openValue<CheckoutInput>(codec, sale.sealedInput) : sale.input;
          if (!input) throw ApplicationFailure.nonRetryable(`batch ${chunk.batchId} sale ${sale.position}: no input stored and no outcome recorded`);
          const result = await driveOneShotSale(sagas, input, {
            requestHash: sale.requestHash,
            requestId: `batch:${chunk.batchId}:${sale.position}`,
            batchId: chunk.batchId,
          });
          sale.driveOutcome = result.outcome;
          sale.driveReason = result.outcome === 'driven' ? null : result.reason;
          await repo.update(
            { merchant: sale.merchant, batchId: sale.batchId, position: sale.position },
            // The outcome is the sale's result (with its saga's projection): the input is not needed again, and it names the customer.
            { driveOutcome: sale.driveOutcome, driveReason: sale.driveReason, input: null, sealedInput: null },
          );
          ctx.heartbeat();
        });
      } finally {
        clearInterval(heartbeat);
      }
      const driven = sales.filter((s) => s.driveOutcome === 'driven').length;
      return { driven, notDriven: sales.length - driven };
    },
  };
}

/**
 * Runs `work` over `items`, at most `limit` at once; every item gets its turn even when one fails,
 * then the first failure is thrown (so the activity is retried for the ones that did not finish).
 */
async function eachAtMost<T>(limit: number, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch((err: unknown) => failures.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failures.length) throw failures[0];
}
