import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CheckoutInput } from '../../workflows/checkout.contract';

export type BatchSaleDriveOutcome = 'driven' | 'conflict' | 'refused';

/**
 * One sale of a batch: the saga's input as the API mapped it (sealed, and purged once driven: it
 * holds customer identifiers), and whether the batch could drive it.
 */
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

  /** A sale stored before its input was sealed (migration 1765411200000), until it is driven; null otherwise. */
  @Column({ type: 'jsonb', nullable: true })
  input: CheckoutInput | null;

  /** The saga's input sealed by the payload codec (core/temporal/sealed-value.ts); null once the sale's outcome is recorded. */
  @Column({ name: 'sealed_input', type: 'bytea', nullable: true })
  sealedInput: Buffer | null;

  @Column({ type: 'text' })
  currency: string;

  @Column({ name: 'drive_outcome', type: 'text', nullable: true })
  driveOutcome: BatchSaleDriveOutcome | null;

  @Column({ name: 'drive_reason', type: 'text', nullable: true })
  driveReason: string | null;
}
