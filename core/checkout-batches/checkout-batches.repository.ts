import type { DataSource } from 'typeorm';
import type { CheckoutInput, CheckoutReceipt, CheckoutState, Refusal } from '../../workflows/checkout.contract';
import type { BatchSaleDriveOutcome } from './checkout-batch-sale.entity';

/** One validated sale of an upload, as stored: the one-shot saga's input and its request hash. */
export interface NewBatchSale {
  position: number;
  input: CheckoutInput;
  requestHash: string;
}

/** An upload as stored: its id, the hash of its sales (to recognise it again) and the sales. */
export interface NewCheckoutBatch {
  batchId: string;
  contentHash: string;
  sales: NewBatchSale[];
}

/** A sale as its row keeps it: the input sealed by the payload codec (sealValue), never in clear. */
export interface SealedBatchSale {
  position: number;
  checkoutId: string;
  posReference: string;
  currency: string;
  requestHash: string;
  sealedInput: Buffer;
}

/** One sale's row joined with its checkout's projection (null columns: the saga has not written yet). */
export interface BatchSaleRow {
  position: number;
  checkoutId: string;
  posReference: string;
  currency: string;
  driveOutcome: BatchSaleDriveOutcome | null;
  driveReason: string | null;
  state: CheckoutState | null;
  rejection: (Refusal & { step: string }) | null;
  failureReason: string | null;
  receipt: CheckoutReceipt | null;
}

/** The checkout_batches and checkout_batch_sales tables (a batch and its sales), one named method per query. */
export class CheckoutBatchesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the batch and its sales (sealed) in one transaction, once: `stored`, or `exists` when the batch id
   * is already stored with the same sales, `conflict` when with other sales (nothing is written then).
   */
  async storeOnce(merchant: string, batch: { batchId: string; contentHash: string; sales: SealedBatchSale[] }): Promise<'stored' | 'exists' | 'conflict'> {
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
        return existing?.content_hash === batch.contentHash ? 'exists' : 'conflict';
      }
      const column = <K extends keyof SealedBatchSale>(key: K) => batch.sales.map((s) => s[key]);
      await tx.query(
        `INSERT INTO checkout_batch_sales (merchant, batch_id, position, checkout_id, pos_reference, currency, request_hash, sealed_input)
         SELECT $1, $2, s.position, s.checkout_id, s.pos_reference, s.currency, s.request_hash, s.sealed_input
           FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[])
             AS s (position, checkout_id, pos_reference, currency, request_hash, sealed_input)`,
        [merchant, batch.batchId, column('position'), column('checkoutId'), column('posReference'), column('currency'), column('requestHash'), column('sealedInput')],
      );
      return 'stored';
    });
  }

  /** The batch's size and upload time; undefined when the merchant has no such batch. */
  async findBatch(merchant: string, batchId: string): Promise<{ saleCount: number; createdAt: Date } | undefined> {
    const [batch] = (await this.dataSource.query(`SELECT sale_count, created_at FROM checkout_batches WHERE merchant = $1 AND id = $2`, [
      merchant,
      batchId,
    ])) as Array<{ sale_count: number; created_at: Date }>;
    return batch && { saleCount: batch.sale_count, createdAt: batch.created_at };
  }

  /** The batch's sales in upload order, each with its checkout's state, rejection and receipt from the projection. */
  async salesWithCheckouts(merchant: string, batchId: string): Promise<BatchSaleRow[]> {
    return (await this.dataSource.query(
      `SELECT s.position, s.checkout_id AS "checkoutId", s.pos_reference AS "posReference", s.currency,
              s.drive_outcome AS "driveOutcome", s.drive_reason AS "driveReason", c.state, c.view->'rejection' AS rejection,
              c.failure_reason AS "failureReason", c.receipt
         FROM checkout_batch_sales s LEFT JOIN checkouts c ON c.id = s.checkout_id
        WHERE s.merchant = $1 AND s.batch_id = $2
        ORDER BY s.position`,
      [merchant, batchId],
    )) as BatchSaleRow[];
  }
}
