import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ProductSyncStatus } from '../../workflows/product-sync.contract';

/** One product synchronisation request (API or nightly) and its stored progress. */
@Entity({ name: 'product_syncs' })
export class ProductSync {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  merchant: string;

  @Column({ type: 'text' })
  status: ProductSyncStatus;

  /** `api` (POST /v1/products/sync) or `nightly` (a copy of the latest completed catalogue). */
  @Column({ type: 'text' })
  source: 'api' | 'nightly';

  @Column({ name: 'copied_from', type: 'uuid', nullable: true })
  copiedFrom: string | null;

  @Column({ name: 'product_count', type: 'int' })
  productCount: number;

  @Column({ name: 'batch_count', type: 'int' })
  batchCount: number;

  @Column({ name: 'batches_done', type: 'int', default: 0 })
  batchesDone: number;

  @Column({ name: 'processed_count', type: 'int', default: 0 })
  processedCount: number;

  @Column({ name: 'unprocessed_count', type: 'int', default: 0 })
  unprocessedCount: number;

  /** Products of batches accepted whose results are unknown (`unverified` rows). */
  @Column({ name: 'unverified_count', type: 'int', default: 0 })
  unverifiedCount: number;

  /** Each batch counted unverified, by batch number (1-based): why its results are unknown. */
  @Column({ name: 'unverified_batches', type: 'jsonb' })
  unverifiedBatches: Record<string, string>;

  /** CRM.COM back-office: each batch's synchronisation process id, by batch number (1-based). */
  @Column({ name: 'vendor_process_ids', type: 'jsonb' })
  vendorProcessIds: Record<string, string>;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
