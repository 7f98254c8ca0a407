import { DataSource, type DataSourceOptions } from 'typeorm';
import { ApiKey } from '../access/api-key.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { CheckoutBatchSale } from '../checkout-batches/checkout-batch-sale.entity';
import { CheckoutBatch } from '../checkout-batches/checkout-batch.entity';
import { Checkout } from '../checkouts/checkout.entity';
import { ProductSyncItem } from '../products/product-sync-item.entity';
import { ProductSync } from '../products/product-sync.entity';
import { CreateAuditAndCheckouts1763769600000 } from '../../migrations/1763769600000-CreateAuditAndCheckouts';
import { AddCheckoutView1763856000000 } from '../../migrations/1763856000000-AddCheckoutView';
import { AddCheckoutTransitionSeq1763942400000 } from '../../migrations/1763942400000-AddCheckoutTransitionSeq';
import { CreateProductSyncs1764028800000 } from '../../migrations/1764028800000-CreateProductSyncs';
import { CreateCheckoutBatches1764201600000 } from '../../migrations/1764201600000-CreateCheckoutBatches';
import { CreateApiKeys1764288000000 } from '../../migrations/1764288000000-CreateApiKeys';
import { AddAuditChainAndSeals1764374400000 } from '../../migrations/1764374400000-AddAuditChainAndSeals';
import { CreateStoresAndFinanceIndexes1764460800000 } from '../../migrations/1764460800000-CreateStoresAndFinanceIndexes';
import { AddOpsActionAudit1764547200000 } from '../../migrations/1764547200000-AddOpsActionAudit';

/** Explicit lists, so the API, the worker and the migration runner see exactly the same schema. */
export const ENTITIES = [AuditEvent, Checkout, ProductSync, ProductSyncItem, CheckoutBatch, CheckoutBatchSale, ApiKey];
export const MIGRATIONS = [
  CreateAuditAndCheckouts1763769600000,
  AddCheckoutView1763856000000,
  AddCheckoutTransitionSeq1763942400000,
  CreateProductSyncs1764028800000,
  CreateCheckoutBatches1764201600000,
  CreateApiKeys1764288000000,
  AddAuditChainAndSeals1764374400000,
  CreateStoresAndFinanceIndexes1764460800000,
  AddOpsActionAudit1764547200000,
];

export function dataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, application_name: 'checkout-saga' },
  };
}

export function createDataSource(databaseUrl: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl, poolSize));
}
