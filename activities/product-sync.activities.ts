import { Context } from '@temporalio/activity';
import type { DataSource, EntityManager } from 'typeorm';
import { ProductSyncItem } from '../core/products/product-sync-item.entity';
import type { ProductBatchProcess, ProductBatchResult, ProductSyncStatus } from '../workflows/product-sync.contract';
import { productSyncWorkflowId } from '../workflows/product-sync.contract';
import type { AuditWriter } from '../core/audit/audit-writer';
import type { CatalogueCapability, CatalogueProcessStatus, CatalogueSyncResult } from './vendors/capabilities';
import type { VendorCallContext } from './vendors/vendor-call';
import { isRejection, rejectionDetails } from './vendors/vendor-errors';

interface ItemResult {
  position: number;
  outcome: 'processed' | 'unprocessed' | 'unverified';
  vendor_id: string | null;
  error_code: string | null;
  error_description: string | null;
}

/** A product the vendor's answer does not mention: we cannot call it processed. */
const NOT_REPORTED = { errorCode: 'NotReported', errorDescription: 'CRM.COM returned no result for this product' };

/**
 * Product synchronisation: one activity per batch sends the stored products to the catalogue
 * capability and writes each product's result onto its own row, so a retried batch (a lost reply)
 * overwrites results instead of duplicating them. Counts are recomputed from the rows.
 */
export function createProductSyncActivities({ dataSource, catalogue, audit }: { dataSource: DataSource; catalogue: CatalogueCapability; audit: AuditWriter }) {
  return {
    async synchroniseProductBatch({ merchant, syncId, batch }: { merchant: string; syncId: string; batch: number }): Promise<ProductBatchResult> {
      const items = await batchItems(dataSource, syncId, batch);
      let results: ItemResult[];
      try {
        const answer = await catalogue.synchroniseProducts(vendorContext(audit, merchant, syncId, batch), items.map((i) => i.product));
        // Accepted for asynchronous processing: nothing is known of its products yet but the process id.
        if (answer.processId !== undefined) {
          await keepProcessId(dataSource, syncId, batch, answer.processId);
          if (catalogue.syncProcess) return { processed: 0, unprocessed: 0, processId: answer.processId };
          // Monitoring off (CRMCOM_SYNC_MONITORING): accepted, and nothing more will be known.
          return recordUnverified(dataSource, syncId, batch, items, `CRM.COM accepted the batch as process ${answer.processId}; monitoring is off (CRMCOM_SYNC_MONITORING)`);
        }
        results = matchResults(items, answer);
      } catch (err) {
        // CRM.COM refused the batch as a whole: every product in it is unprocessed, with the reason.
        if (!isRejection(err)) throw err;
        const details = rejectionDetails(err);
        results = items.map((i) => unprocessed(i.position, details?.code ?? 'Rejected', details?.reason ?? err.message));
      }
      return recordResults(dataSource, syncId, batch, results);
    },

    /**
     * One look at a batch's asynchronous process (the workflow waits between looks on a durable
     * timer): still running, or done, with each product's result written onto its row like a
     * synchronous batch's. A read: a retry simply looks again. The monitoring call is our reading (the
     * guide names none): when CRM.COM refuses it (a 404, any 4xx) or answers a status we do not know,
     * the batch, which CRM.COM did accept, is done with its products `unverified`, and the sync goes on.
     */
    async checkProductSyncProcess({ merchant, syncId, batch, processId }: { merchant: string; syncId: string; batch: number; processId: string }): Promise<ProductBatchProcess> {
      if (!catalogue.syncProcess) throw new Error(`${catalogue.vendor} has no asynchronous synchronisation to follow`);
      let status: CatalogueProcessStatus;
      try {
        status = await catalogue.syncProcess(vendorContext(audit, merchant, syncId, batch, 'status'), processId);
      } catch (err) {
        if (!isRejection(err)) throw err;
        const details = rejectionDetails(err);
        status = { done: 'unknown', reason: `CRM.COM refused the status read of process ${processId} (${details?.httpStatus ? `HTTP ${details.httpStatus}, ` : ''}${details?.code ?? 'refused'})` };
      }
      if (status.done === false) return { done: false };
      const items = await batchItems(dataSource, syncId, batch);
      if (status.done === 'unknown') return { done: true, processId, ...(await recordUnverified(dataSource, syncId, batch, items, status.reason)) };
      return { done: true, processId, ...(await recordResults(dataSource, syncId, batch, matchResults(items, status))) };
    },

    /**
     * The nightly run's sync: a copy of the merchant's latest completed catalogue under a new id
     * (chosen by the workflow, so a retried attempt finds the copy it already made).
     */
    async prepareNightlyProductSync({ merchant, syncId }: { merchant: string; syncId: string }): Promise<{ syncId: string; batchCount: number } | null> {
      return dataSource.transaction(async (tx) => {
        const [existing] = (await tx.query(`SELECT batch_count FROM product_syncs WHERE id = $1`, [syncId])) as Array<{ batch_count: number }>;
        if (existing) return { syncId, batchCount: existing.batch_count };
        const [latest] = (await tx.query(
          `SELECT id, product_count, batch_count FROM product_syncs
            WHERE merchant = $1 AND source = 'api' AND status IN ('completed', 'completed_with_errors', 'completed_unverified')
            ORDER BY created_at DESC LIMIT 1`,
          [merchant],
        )) as Array<{ id: string; product_count: number; batch_count: number }>;
        if (!latest) return null;
        await tx.query(
          `INSERT INTO product_syncs (id, merchant, status, source, copied_from, product_count, batch_count)
           VALUES ($1, $2, 'running', 'nightly', $3, $4, $5)`,
          [syncId, merchant, latest.id, latest.product_count, latest.batch_count],
        );
        await tx.query(
          `INSERT INTO product_sync_items (sync_id, position, batch_number, code, product)
           SELECT $1, position, batch_number, code, product FROM product_sync_items WHERE sync_id = $2`,
          [syncId, latest.id],
        );
        return { syncId, batchCount: latest.batch_count };
      });
    },

    async finishProductSync({ syncId, status, failureReason }: { syncId: string; status: ProductSyncStatus; failureReason: string | null }): Promise<void> {
      await dataSource.query(`UPDATE product_syncs SET status = $2, failure_reason = $3, updated_at = now() WHERE id = $1`, [syncId, status, failureReason]);
    },
  };
}

function batchItems(dataSource: DataSource, syncId: string, batch: number): Promise<ProductSyncItem[]> {
  return dataSource.getRepository(ProductSyncItem).find({ where: { syncId, batchNumber: batch }, order: { position: 'ASC' } });
}

/** Each product's result onto its own row, and the sync's counts recomputed, in one transaction. */
async function recordResults(dataSource: DataSource, syncId: string, batch: number, results: ItemResult[]): Promise<ProductBatchResult> {
  await dataSource.transaction(async (tx) => {
    await tx.query(
      `UPDATE product_sync_items AS i
          SET outcome = r.outcome, vendor_id = r.vendor_id, error_code = r.error_code, error_description = r.error_description
         FROM jsonb_to_recordset($2::jsonb) AS r(position int, outcome text, vendor_id text, error_code text, error_description text)
        WHERE i.sync_id = $1 AND i.position = r.position`,
      [syncId, JSON.stringify(results)],
    );
    await refreshCounts(tx, syncId, batch + 1);
  });
  const failed = results.filter((r) => r.outcome === 'unprocessed').length;
  const processed = results.filter((r) => r.outcome === 'processed').length;
  return { processed, unprocessed: failed };
}

/**
 * A batch accepted whose results are unknown: each product `unverified` (its earlier outcome, if a
 * retry finds one, overwritten), the reason kept on the sync by batch number, the counts recomputed.
 */
async function recordUnverified(dataSource: DataSource, syncId: string, batch: number, items: ProductSyncItem[], reason: string): Promise<ProductBatchResult> {
  const results: ItemResult[] = items.map((i) => ({ position: i.position, outcome: 'unverified', vendor_id: null, error_code: null, error_description: null }));
  await dataSource.query(
    `UPDATE product_syncs SET unverified_batches = unverified_batches || jsonb_build_object($2::text, $3::text), updated_at = now() WHERE id = $1`,
    [syncId, String(batch + 1), reason],
  );
  await recordResults(dataSource, syncId, batch, results);
  return { processed: 0, unprocessed: 0, unverified: items.length };
}

/** The batch's vendor process id on its sync (batch numbers 1-based, as ops and the audit step name them). */
async function keepProcessId(dataSource: DataSource, syncId: string, batch: number, processId: string): Promise<void> {
  await dataSource.query(
    `UPDATE product_syncs SET vendor_process_ids = vendor_process_ids || jsonb_build_object($2::text, $3::text), updated_at = now() WHERE id = $1`,
    [syncId, String(batch + 1), processId],
  );
}

/** Results are keyed by product code; a code the answer does not mention is unprocessed. */
function matchResults(items: ProductSyncItem[], answer: Pick<CatalogueSyncResult, 'processed' | 'unprocessed'>): ItemResult[] {
  const processed = new Map(answer.processed.map((p) => [p.code, p.vendorId ?? null]));
  const refused = new Map(answer.unprocessed.map((p) => [p.code, p]));
  return items.map((item) => {
    const refusal = refused.get(item.code);
    if (refusal) return unprocessed(item.position, refusal.errorCode, refusal.errorDescription);
    if (processed.has(item.code)) {
      return { position: item.position, outcome: 'processed', vendor_id: processed.get(item.code) ?? null, error_code: null, error_description: null };
    }
    return unprocessed(item.position, NOT_REPORTED.errorCode, NOT_REPORTED.errorDescription);
  });
}

function unprocessed(position: number, code: string, description: string): ItemResult {
  return { position, outcome: 'unprocessed', vendor_id: null, error_code: code, error_description: description };
}

/** Counts come from the rows (never incremented), so a retried batch cannot count twice. */
async function refreshCounts(tx: EntityManager, syncId: string, batchesDone: number): Promise<void> {
  await tx.query(
    `UPDATE product_syncs AS s
        SET processed_count = c.processed, unprocessed_count = c.unprocessed, unverified_count = c.unverified,
            batches_done = GREATEST(s.batches_done, $2), updated_at = now()
       FROM (SELECT count(*) FILTER (WHERE outcome = 'processed')::int AS processed,
                    count(*) FILTER (WHERE outcome = 'unprocessed')::int AS unprocessed,
                    count(*) FILTER (WHERE outcome = 'unverified')::int AS unverified
               FROM product_sync_items WHERE sync_id = $1) AS c
      WHERE s.id = $1`,
    [syncId, batchesDone],
  );
}

/** Each attempt's vendor calls are audited like a checkout step's, under the sync's workflow id. */
function vendorContext(audit: AuditWriter, merchant: string, syncId: string, batch: number, what?: 'status'): VendorCallContext {
  const info = Context.current().info;
  const scope = {
    checkoutId: info.workflowExecution?.workflowId ?? productSyncWorkflowId(merchant, syncId),
    runId: info.workflowExecution?.runId ?? null,
    activityId: info.activityId,
    attempt: info.attempt,
    step: `product sync batch ${batch + 1}${what ? ` ${what}` : ''}`,
    merchant,
    store: '-',
    till: '-',
    // No money moves: ISO 4217's "no currency".
    currency: 'XXX',
  };
  return {
    reference: `${productSyncWorkflowId(merchant, syncId)}:batch:${batch + 1}`,
    store: scope.store,
    till: scope.till,
    attempt: scope.attempt,
    currency: scope.currency,
    recorder: audit.recorderFor(scope),
    // Synchronise is an upsert by product code: nothing is looked up, so no intent is kept.
    effectMayHaveBeenSent: () => Promise.resolve(true),
  };
}
