import type { DataSource } from 'typeorm';
import type { CustomerRefHasher } from '../src/audit/customer-ref';
import { createAuditSealActivities } from './audit-seal.activities';
import { AuditWriter } from './audit/audit-writer';
import { createCheckoutBatchActivities } from './checkout-batch.activities';
import { createCouponActivities } from './checkout-coupons.activities';
import { createLoyaltyActivities } from './checkout-loyalty.activities';
import { createPointsActivities } from './checkout-points.activities';
import { createSaleActivities } from './checkout-sale.activities';
import { createReturnActivities } from './checkout-return.activities';
import { createTransitionActivities } from './checkout-transition.activities';
import { createVoidActivities } from './checkout-void.activities';
import { createProductSyncActivities } from './product-sync.activities';
import type { VendorRegistry } from './vendors/vendor-registry';

export interface ActivityDeps {
  dataSource: DataSource;
  vendors: VendorRegistry;
  /** Keyed hashes of customer identifiers for audit rows (AUDIT_HMAC_KEY). */
  customers: CustomerRefHasher;
}

/** The checkout saga's activities: what its workflow proxies and its tests mock. */
export function createCheckoutActivities({ dataSource, vendors, customers }: ActivityDeps, audit = new AuditWriter(dataSource, customers)) {
  return {
    ...createLoyaltyActivities({ loyalty: vendors.loyalty, audit }),
    ...createPointsActivities({ points: vendors.points, audit }),
    ...createCouponActivities({ coupons: vendors.coupons, audit }),
    ...createSaleActivities({ transactions: vendors.transactions, postTender: vendors.postTender, audit }),
    ...createTransitionActivities({ dataSource, audit }),
  };
}

/** Every activity the worker runs, wired to its dependencies; workflows import these as types only. */
export function createActivities(deps: ActivityDeps) {
  const audit = new AuditWriter(deps.dataSource, deps.customers);
  return {
    ...createCheckoutActivities(deps, audit),
    ...createAuditSealActivities({ dataSource: deps.dataSource }),
    ...createProductSyncActivities({ dataSource: deps.dataSource, catalogue: deps.vendors.catalogue, audit }),
    ...createVoidActivities({ ...deps.vendors, audit }),
    ...createReturnActivities({ ...deps.vendors, audit }),
    ...createCheckoutBatchActivities({ dataSource: deps.dataSource }),
  };
}
