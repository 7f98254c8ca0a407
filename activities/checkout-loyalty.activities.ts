import type { CheckoutRef } from '../workflows/checkout.contract';
import { checkoutStepContext, customerStepContext, type StepDeps } from './activity-scope';
import type {
  CustomerIdentifier,
  LoyaltyCapability,
  LoyaltyCustomer,
  LoyaltyPreview,
  LoyaltyPurchase,
  LoyaltyPurchaseResult,
} from './vendors/capabilities';

/** CRM.COM steps of the checkout saga; each vendor call writes its own audit row. */
export function createLoyaltyActivities({ loyalty, ...deps }: { loyalty: LoyaltyCapability } & StepDeps) {
  const ctx = (ref: CheckoutRef, step: string) => checkoutStepContext(deps, ref, step);
  return {
    async identifyCustomer(ref: CheckoutRef, identifier: CustomerIdentifier): Promise<LoyaltyCustomer> {
      return loyalty.identify(customerStepContext(deps, ref, 'identify', identifier), identifier);
    },

    async previewLoyalty(ref: CheckoutRef, customer: LoyaltyCustomer, purchase: LoyaltyPurchase): Promise<LoyaltyPreview> {
      return loyalty.preview(ctx(ref, 'preview'), customer, purchase);
    },

    async submitLoyaltyPurchase(
      ref: CheckoutRef,
      customer: LoyaltyCustomer,
      purchase: LoyaltyPurchase,
      spendMinor?: number,
    ): Promise<LoyaltyPurchaseResult> {
      return loyalty.submitPurchase(ctx(ref, 'purchase'), customer, purchase, spendMinor);
    },

    /**
     * Undo of the purchase. When the purchase's reply never arrived its number is unknown: the
     * adapter looks it up by our reference first, and "never posted" counts as voided.
     */
    async voidLoyaltyPurchase(
      ref: CheckoutRef,
      purchase: { purchaseNumber?: string; spendNumber?: string | null },
    ): Promise<{ alreadyVoided: boolean }> {
      const call = ctx(ref, 'void purchase');
      const known = purchase.purchaseNumber ? { purchaseNumber: purchase.purchaseNumber, spendNumber: purchase.spendNumber ?? null } : await loyalty.findPurchase(call);
      if (!known) return { alreadyVoided: true };
      return loyalty.voidPurchase(call, known);
    },
  };
}

