import { defineQuery } from '@temporalio/workflow';

/**
 * What the API, the schedule and the product sync workflow share. Products never travel in the
 * input (Temporal caps payload size): they are in Postgres under the sync id.
 */
/** One product as the API takes it and CRM.COM's catalogue receives it. */
export interface CatalogueProduct {
  code: string;
  alternativeCode?: string;
  description?: string;
  familyCode?: string;
  brandCode?: string;
}

/** CRM.COM synchronises at most this many products a call (vendors.md): each sync batch is one call. */
export const CATALOGUE_BATCH_LIMIT = 1000;

/**
 * `completed_unverified`: every batch was sent and accepted, but at least one batch's results are
 * unknown (its asynchronous process could not be read, or monitoring is off): its products are
 * counted `unverified`, neither processed nor unprocessed.
 */
export type ProductSyncStatus = 'running' | 'completed' | 'completed_with_errors' | 'completed_unverified' | 'failed';

/**
 * Where a run that continued as new picks the sync up (productSyncWorkflow): the counts so far (also
 * in Postgres), the first batch not yet counted and, when that batch was sent to an asynchronous
 * vendor, its process and how long it has been waited on.
 */
export interface ProductSyncResume {
  nextBatch: number;
  batchesDone: number;
  batchesUnverified: number;
  processed: number;
  unprocessed: number;
  unverified: number;
  waiting?: { processId: string; waitedMs: number; intervalMs: number };
}

/** Shared by every kind: a run continues as new once its history holds this many events (default PRODUCT_SYNC_EVENT_BUDGET). */
interface HistoryBudget {
  eventBudget?: number;
}

export type ProductSyncInput = HistoryBudget &
  (
    /** A request stored by POST /v1/products/sync; `resume` when an earlier run of the sync continued as new. */
    | { kind: 'request'; merchant: string; syncId: string; batchCount: number; resume?: ProductSyncResume }
    /** The nightly schedule: resend the merchant's latest completed catalogue as a new sync. */
    | { kind: 'nightly'; merchant: string }
  );

/**
 * Temporal warns at 10,240 events and terminates a run at 51,200; a status look costs about 11. A
 * run continues as new (same workflow id, the sync's progress in its input) at this many events, or
 * earlier when the server suggests it (workflowInfo().continueAsNewSuggested).
 */
export const PRODUCT_SYNC_EVENT_BUDGET = 5_000;

export interface ProductSyncProgress {
  /** Null only for a nightly run that found no completed catalogue to resend. */
  syncId: string | null;
  status: ProductSyncStatus | 'nothing_to_sync';
  batchesDone: number;
  batchesTotal: number;
  processed: number;
  unprocessed: number;
  /** Products of batches accepted whose results are unknown (see ProductSyncStatus). */
  unverified: number;
  batchesUnverified: number;
  failureReason?: string;
}

export interface ProductBatchResult {
  processed: number;
  unprocessed: number;
  /**
   * Products of a batch the vendor accepted but whose results cannot be known (its process could not
   * be read, answered a status we do not know, or monitoring is off): their rows say `unverified`.
   */
  unverified?: number;
  /**
   * The vendor processes the batch asynchronously under this id (CRM.COM back-office): the counts
   * above are 0 until checkProductSyncProcess reports the process done.
   */
  processId?: string;
}

/** A batch's vendor process, as checkProductSyncProcess sees it: the counts once it is done. */
export type ProductBatchProcess = { done: false } | ({ done: true } & ProductBatchResult);

export const productSyncProgress = defineQuery<ProductSyncProgress>('productSyncProgress');

export function productSyncWorkflowId(merchant: string, syncId: string): string {
  return `product-sync:${merchant}:${syncId}`;
}
