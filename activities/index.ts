import type { DataSource } from 'typeorm';
import { AuditWriter } from './audit/audit-writer';
import { createCouponActivities } from './checkout-coupons.activities';
import { createLoyaltyActivities } from './checkout-loyalty.activities';
import { createPointsActivities } from './checkout-points.activities';
import { createSaleActivities } from './checkout-sale.activities';
import { createTransitionActivities } from './checkout-transition.activities';
import type { VendorRegistry } from './vendors/vendor-registry';

export interface ActivityDeps {
  dataSource: DataSource;
  vendors: VendorRegistry;
}

/** All activities, wired to their dependencies; workflows import this file as a type only. */
export function createActivities({ dataSource, vendors }: ActivityDeps) {
  const audit = new AuditWriter(dataSource);
  return {
    ...createLoyaltyActivities({ loyalty: vendors.loyalty, audit }),
    ...createPointsActivities({ points: vendors.points, audit }),
    ...createCouponActivities({ coupons: vendors.coupons, audit }),
    ...createSaleActivities({ transactions: vendors.transactions, postTender: vendors.postTender, audit }),
    ...createTransitionActivities({ dataSource }),
  };
}
