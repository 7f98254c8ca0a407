/**
 * What the API and the batch workflow share. Sales never travel in the input (Temporal caps payload
 * size and 500 sales of up to 500 lines each would not fit): they are in Postgres under the batch id.
 */

/** The most sales one upload may carry. */
export const BATCH_SALE_LIMIT = 500;

/**
 * The most lines one upload may carry in all. Each sale may have as many lines as a checkout (500),
 * but 500 such sales would be 250,000 lines held in memory, validated and stored in one request: a
 * day's upload of 500 sales averages far below 20 lines a sale.
 */
export const BATCH_LINE_LIMIT = 10_000;

/**
 * Sales per activity: each chunk is one activity, so a 500-sale batch is 10 activities (~40 history
 * events; no continue-as-new needed at this limit). A retried chunk re-drives its sales, which is
 * harmless: each sale's workflow id is its checkout key and its phases are idempotent updates.
 */
export const BATCH_CHUNK_SIZE = 50;
/** Chunks driven at once by the workflow; sales at once within a chunk is BATCH_SALES_PER_CHUNK_AT_ONCE. */
export const BATCH_PARALLEL_CHUNKS = 4;
export const BATCH_SALES_PER_CHUNK_AT_ONCE = 6;

export interface CheckoutBatchInput {
  merchant: string;
  batchId: string;
  saleCount: number;
}

export interface CheckoutBatchChunk {
  merchant: string;
  batchId: string;
  /** Positions [from, to) of the upload. */
  from: number;
  to: number;
}

export interface CheckoutBatchSummary {
  batchId: string;
  chunks: number;
  /** Sales the batch drove to their end (or left running in a complete phase retried forward). */
  driven: number;
  /** Sales whose key was already used for another sale, or whose saga refused to be driven. */
  notDriven: number;
}

export function checkoutBatchWorkflowId(merchant: string, batchId: string): string {
  return `batch:${merchant}:${batchId}`;
}
