import { ApiKey } from '../access/api-key.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { CheckoutBatchSale } from '../checkout-batches/checkout-batch-sale.entity';
import { CheckoutBatch } from '../checkout-batches/checkout-batch.entity';
import { EffectIntent } from '../effects/effect-intent.entity';
import { Checkout } from '../checkouts/checkout.entity';
import { ProductSyncItem } from '../products/product-sync-item.entity';
import { ProductSync } from '../products/product-sync.entity';

/** Every entity, one explicit list: the API, the worker and the migration runner map the same tables. */
export const ENTITIES = [AuditEvent, Checkout, ProductSync, ProductSyncItem, CheckoutBatch, CheckoutBatchSale, ApiKey, EffectIntent];
