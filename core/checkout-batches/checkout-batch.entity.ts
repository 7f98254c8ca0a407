import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One back-office upload: its id is the client's batchReference or the hash of its sales. */
@Entity({ name: 'checkout_batches' })
export class CheckoutBatch {
  @PrimaryColumn({ type: 'text' })
  merchant: string;

  @PrimaryColumn({ type: 'text' })
  id: string;

  /** sha256 of the validated sales: the same batchReference with other sales is a conflict. */
  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;

  @Column({ name: 'sale_count', type: 'int' })
  saleCount: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
