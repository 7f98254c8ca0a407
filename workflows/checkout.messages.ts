import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CheckoutView } from './checkout.contract';

/**
 * The POS drives a checkout with these Updates (the first one through Update-with-Start). Each
 * answers with a snapshot of the checkout's view as the phase left it, so the API never needs a
 * query (which would queue behind the workflow's tasks) to answer the till.
 */
export const reserveCheckout = defineUpdate<CheckoutView>('reserveCheckout');
export const commitCheckout = defineUpdate<CheckoutView, [{ spendMinor?: number }]>('commitCheckout');
export const completeCheckout = defineUpdate<CheckoutView, [{ paidMinor?: number; method?: string }]>('completeCheckout');
export const cancelCheckout = defineUpdate<CheckoutView>('cancelCheckout');
/** Ops: runs the undos that failed again, for a saga waiting in compensation_failed. */
export const retryCompensation = defineUpdate<CheckoutView>('retryCompensation');
export const checkoutView = defineQuery<CheckoutView>('checkoutView');
