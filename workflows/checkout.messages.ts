import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CheckoutCommitment, CheckoutQuote, CheckoutReceipt, CheckoutView } from './checkout.contract';

/** The POS drives a checkout with these Updates (the first one through Update-with-Start). */
export const reserveCheckout = defineUpdate<CheckoutQuote>('reserveCheckout');
export const commitCheckout = defineUpdate<CheckoutCommitment, [{ spendMinor?: number }]>('commitCheckout');
export const completeCheckout = defineUpdate<CheckoutReceipt, [{ paidMinor?: number; method?: string }]>('completeCheckout');
export const cancelCheckout = defineUpdate<CheckoutView>('cancelCheckout');
export const checkoutView = defineQuery<CheckoutView>('checkoutView');
