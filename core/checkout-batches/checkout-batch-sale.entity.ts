import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CheckoutInput } from '../../workflows/checkout.contract';

export type BatchSaleDriveOutcome = 'driven' | 'conflict' | 'refused';

/** One sale of a batch: the saga's input as the API mapped it, and whether the batch could drive it. */
@Entity({ name: 'checkout_batch_sales' })
export class CheckoutBatchSale {
  @PrimaryColumn({ type: 'text' })
  merchant: string;

  @PrimaryColumn({ name: 'batch_id', type: 'text' })
  batchId: string;

  /** Index in the upload: the row's identity, so a retried chunk overwrites rather than adds. */
  @PrimaryColumn({ type: 'int' })
  position: number;

  @Column({ name: 'checkout_id', type: 'text' })
  checkoutId: string;

  @Column({ name: 'pos_reference', type: 'text' })
  posReference: string;

  /** The same hash a single POST /v1/checkouts of this sale (one-shot) would carry in its memo. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  @Column({ type: 'jsonb' })
  input: CheckoutInput;

  @Column({ name: 'drive_outcome', type: 'text', nullable: true })
  driveOutcome: BatchSaleDriveOutcome | null;

  @Column({ name: 'drive_reason', type: 'text', nullable: true })
  driveReason: string | null;
}
