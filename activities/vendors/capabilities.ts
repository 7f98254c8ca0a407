import type { CheckoutLine, CustomerIdentifierType } from '../../workflows/checkout.contract';
import type { VendorCallContext } from './vendor-call';

/**
 * Sagas speak to capabilities, never to vendors by name; an adapter implements the ones its vendor
 * has (design §3). Amounts are minor units of `ctx.currency`.
 */

export interface CustomerIdentifier {
  type: CustomerIdentifierType;
  value: string;
}

export interface LoyaltyCustomer {
  /** The vendor's account key for later calls (CRM.COM accounts receivable number). */
  accountNumber: string;
  walletBalanceMinor: number;
}

export interface LoyaltyPurchase {
  performedOn: string;
  /** Which till sent it, for the vendor's own records (CRM.COM external_system). */
  externalSystem: string;
  lines: CheckoutLine[];
}

export interface LoyaltyPurchaseResult {
  purchaseNumber: string;
  awardedMinor: number;
  /** Spend the vendor applied automatically with the purchase (instant + automatic + additional). */
  automaticSpendMinor: number;
}

export interface LoyaltyCapability {
  readonly vendor: string;
  identify(ctx: VendorCallContext, identifier: CustomerIdentifier): Promise<LoyaltyCustomer>;
  /** Idempotent by ctx.reference: a retry finds the first attempt's purchase instead of adding one. */
  submitPurchase(ctx: VendorCallContext, customer: LoyaltyCustomer, purchase: LoyaltyPurchase): Promise<LoyaltyPurchaseResult>;
}
