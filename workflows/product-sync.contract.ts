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

export type ProductSyncStatus = 'running' | 'completed' | 'completed_with_errors' | 'failed';

export type ProductSyncInput =
  /** A request stored by POST /v1/products/sync. */
  | { kind: 'request'; merchant: string; syncId: string; batchCount: number }
  /** The nightly schedule: resend the merchant's latest completed catalogue as a new sync. */
  | { kind: 'nightly'; merchant: string };

export interface ProductSyncProgress {
  /** Null only for a nightly run that found no completed catalogue to resend. */
  syncId: string | null;
  status: ProductSyncStatus | 'nothing_to_sync';
  batchesDone: number;
  batchesTotal: number;
  processed: number;
  unprocessed: number;
  failureReason?: string;
}

export interface ProductBatchResult {
  processed: number;
  unprocessed: number;
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
