/**
 * What the API and the worker agree on: the workflow id, its input and result, the states and the
 * failure types. Deterministic and import-free of Node, because workflow code imports it too.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CHECKOUT_STATES = [
  'reserved',
  'committed',
  'completed',
  'cancelled',
  'expired',
  'compensating',
  'compensated',
  'compensation_failed',
  'voided',
  'partially_returned',
] as const;
export type CheckoutState = (typeof CHECKOUT_STATES)[number];

/** States a checkout never leaves (except completed -> voided, which is a saga of its own). */
export const FINAL_STATES: readonly CheckoutState[] = [
  'completed',
  'cancelled',
  'expired',
  'voided',
  'compensated',
  'compensation_failed',
];

export const CUSTOMER_IDENTIFIER_TYPES = ['code', 'number', 'phone', 'email', 'externalId'] as const;
export type CustomerIdentifierType = (typeof CUSTOMER_IDENTIFIER_TYPES)[number];

export interface CheckoutKey {
  merchant: string;
  store: string;
  till: string;
  posReference: string;
}

/** No personal data goes in the id: only the merchant, store, till and the POS's own reference. */
export function checkoutWorkflowId(key: CheckoutKey): string {
  return `checkout:${key.merchant}:${key.store}:${key.till}:${key.posReference}`;
}

export interface CheckoutLine {
  sku: string;
  description?: string;
  quantity: number;
  totalMinor: number;
  netMinor: number;
  vatMinor: number;
}

/** What every activity needs to know about its checkout: the key, the id and the currency. */
export interface CheckoutRef extends CheckoutKey {
  checkoutId: string;
  currency: string;
}

export interface CheckoutInput extends CheckoutRef {
  /** ISO 8601 instant the sale happened at the till. */
  performedOn: string;
  customer: { provider: 'crmcom'; identifier: { type: CustomerIdentifierType; value: string } };
  lines: CheckoutLine[];
  totalMinor: number;
}

export interface CheckoutReceipt {
  currency: string;
  totalMinor: number;
  awardedMinor: number;
  walletBalanceBeforeMinor: number;
  walletBalanceAfterMinor: number;
  references: { crmcomPurchaseNumber: string };
}

/** A business refusal, in words a cashier can show, with the vendor's own code for support. */
export interface CheckoutRejection {
  step: string;
  vendor: string;
  code: string;
  reason: string;
}

/** A state change as the transition activity records it (audit row + projection). */
export interface CheckoutTransition {
  state: CheckoutState;
  step: string;
  totalMinor: number;
  receipt?: CheckoutReceipt;
  rejection?: CheckoutRejection;
  failureReason?: string;
}

export interface CheckoutResult {
  checkoutId: string;
  state: CheckoutState;
  receipt?: CheckoutReceipt;
  rejection?: CheckoutRejection;
}

/** ApplicationFailure types thrown by activities; the workflow's retry policy keys off them. */
export const FailureTypes = {
  /** The vendor said no (unknown customer, coupon used): never retried. */
  vendorRejection: 'VendorRejection',
  /** Network fault, timeout, 429 or 5xx: retried with backoff. */
  vendorUnavailable: 'VendorUnavailable',
} as const;

export const SearchAttributes = {
  state: defineSearchAttributeKey('CheckoutState', SearchAttributeType.KEYWORD),
  store: defineSearchAttributeKey('CheckoutStore', SearchAttributeType.KEYWORD),
  till: defineSearchAttributeKey('CheckoutTill', SearchAttributeType.KEYWORD),
  merchant: defineSearchAttributeKey('CheckoutMerchant', SearchAttributeType.KEYWORD),
  vendors: defineSearchAttributeKey('CheckoutVendors', SearchAttributeType.KEYWORD_LIST),
} as const;
