import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CheckoutView } from './checkout.contract';
import type { TillDeadline } from './till-deadline';

/**
 * The POS drives a checkout with these Updates (the first one through Update-with-Start). Each
 * answers with a snapshot of the checkout's view as the phase left it, so the API never needs a
 * query (which would queue behind the workflow's tasks) to answer the till.
 */
export const reserveCheckout = defineUpdate<CheckoutView, [ReserveRequest]>('reserveCheckout');
export const commitCheckout = defineUpdate<CheckoutView, [CommitRequest]>('commitCheckout');

/**
 * `tillDeadline`: when the phase's vendor steps must have answered (the till's time budget,
 * till-deadline.ts). Not part of the phase's arguments for "same call again?" checks: a till's retry
 * carries a later deadline.
 */
/** Sagas recorded before issue 22 received no argument: read it as optional. */
export interface ReserveRequest {
  tillDeadline?: TillDeadline;
}
export interface CommitRequest {
  spendMinor?: number;
  tillDeadline?: TillDeadline;
}
export const completeCheckout = defineUpdate<CheckoutView, [{ paidMinor?: number; method?: string }]>('completeCheckout');
export const cancelCheckout = defineUpdate<CheckoutView>('cancelCheckout');
/**
 * One-shot (`"complete": true`): reserve, commit and complete in one Update, driven by the workflow
 * itself, so a sale the API stopped waiting for (202) still completes, and the till pays one round
 * trip instead of three. Its answer is the final view, like complete's.
 */
export const runOneShotCheckout = defineUpdate<CheckoutView, [OneShotRequest]>('runOneShotCheckout');

export interface OneShotRequest {
  /** The POS request's hash, as in the start memo: another sale reusing the checkout key is refused before any step. */
  requestHash: string;
}
/** Ops: runs the undos that failed again, for a saga waiting in compensation_failed. */
export const retryCompensation = defineUpdate<CheckoutView>('retryCompensation');
export const checkoutView = defineQuery<CheckoutView>('checkoutView');
