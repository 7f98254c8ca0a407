import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CatalogueProduct } from '../../workflows/product-sync.contract';

/** One product of a sync request, and what CRM.COM said about it once its batch was sent. */
@Entity({ name: 'product_sync_items' })
export class ProductSyncItem {
  @PrimaryColumn({ name: 'sync_id', type: 'uuid' })
  syncId: string;

  /** Index in the request: the row's identity, so a retried batch overwrites rather than adds. */
  @PrimaryColumn({ type: 'int' })
  position: number;

  @Column({ name: 'batch_number', type: 'int' })
  batchNumber: number;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'jsonb' })
  product: CatalogueProduct;

  @Column({ type: 'text', nullable: true })
  outcome: 'processed' | 'unprocessed' | 'unverified' | null;

  @Column({ name: 'vendor_id', type: 'text', nullable: true })
  vendorId: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_description', type: 'text', nullable: true })
  errorDescription: string | null;
}
