import type { CheckoutRef } from '../workflows/checkout.contract';
import { currentAuditScope, vendorCallContext } from './activity-scope';
import type { AuditWriter } from './audit/audit-writer';
import type {
  CustomerIdentifier,
  LoyaltyCapability,
  LoyaltyCustomer,
  LoyaltyPurchase,
  LoyaltyPurchaseResult,
} from './vendors/capabilities';

export interface LoyaltyActivityDeps {
  loyalty: LoyaltyCapability;
  audit: AuditWriter;
}

/** Loyalty steps of the checkout saga. Each vendor call writes its own audit row through the recorder. */
export function createLoyaltyActivities({ loyalty, audit }: LoyaltyActivityDeps) {
  return {
    async identifyCustomer(ref: CheckoutRef, identifier: CustomerIdentifier): Promise<LoyaltyCustomer> {
      const ctx = vendorCallContext(audit, currentAuditScope(ref, 'identify'), ref.checkoutId);
      return loyalty.identify(ctx, identifier);
    },

    async submitLoyaltyPurchase(
      ref: CheckoutRef,
      customer: LoyaltyCustomer,
      purchase: LoyaltyPurchase,
    ): Promise<LoyaltyPurchaseResult> {
      const ctx = vendorCallContext(audit, currentAuditScope(ref, 'purchase'), purchaseReference(ref));
      return loyalty.submitPurchase(ctx, customer, purchase);
    },
  };
}

/** CRM.COM reference_number of the checkout's purchase: the checkout id without its prefix. */
export function purchaseReference(ref: CheckoutRef): string {
  return `${ref.merchant}:${ref.store}:${ref.till}:${ref.posReference}`;
}
