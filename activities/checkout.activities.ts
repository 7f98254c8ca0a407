import type { DataSource } from 'typeorm';
import type { AuditWriter } from '../core/audit/audit-writer';
import type { CustomerRefHasher } from '../core/audit/customer-ref';
import { effectReferenceKeyer, EffectIntentsRepository } from '../core/effects/effect-intents.repository';
import type { TextSealer } from '../core/temporal/encryption-codec';
import { createCouponActivities } from './checkout-coupons.activities';
import { createLoyaltyActivities } from './checkout-loyalty.activities';
import { createPointsActivities } from './checkout-points.activities';
import { createSaleActivities } from './checkout-sale.activities';
import { createTransitionActivities } from './checkout-transition.activities';
import type { VendorRegistry } from './vendors/vendor-registry';

export interface ActivityDeps {
  dataSource: DataSource;
  vendors: VendorRegistry;
  /** Keyed hashes of customer identifiers for audit rows (AUDIT_HMAC_KEY). */
  customers: CustomerRefHasher;
  /** Seals coupon codes in the checkouts projection (the payload codec: core/checkouts/projection-codes.ts). */
  projectionCodes: TextSealer;
}

/**
 * The checkout saga's activities: what its workflow proxies (as a type, from this leaf file, never
 * from the activities barrel) and its tests mock.
 */
export function createCheckoutActivities(
  { dataSource, vendors, customers, projectionCodes }: ActivityDeps,
  audit: AuditWriter,
  intents = new EffectIntentsRepository(dataSource, undefined, effectReferenceKeyer(customers)),
) {
  return {
    ...createLoyaltyActivities({ loyalty: vendors.loyalty, audit, intents }),
    ...createPointsActivities({ points: vendors.points, audit, intents }),
    ...createCouponActivities({ coupons: vendors.coupons, audit, intents }),
    ...createSaleActivities({ transactions: vendors.transactions, postTender: vendors.postTender, audit, intents }),
    ...createTransitionActivities({ dataSource, audit, codes: projectionCodes }),
  };
}
