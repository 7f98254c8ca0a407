/**
 * Partial returns of a completed checkout: the returns workflow's id, input, update and answer,
 * shared by the API and the worker. Deterministic and free of Node (workflow code imports it).
 */
import { defineUpdate } from '@temporalio/workflow';
import type { CheckoutRef, CheckoutReturn, CheckoutView, OriginalSale } from './checkout.contract';

// Part of the checkout's view, so declared with it; named here too for the returns workflow and API.
export type { CheckoutReturn, CheckoutReturns } from './checkout.contract';

/** One returns workflow per checkout serialises its returns: no two can both pass the total. */
export function returnsWorkflowId(checkoutId: string): string {
  return `returns:${checkoutId}`;
}

/** Update id of one return: the POS's reference plus the body's hash, so a retry is deduplicated by Temporal and another body reaches the workflow (409). */
export function returnUpdateId(returnReference: string, requestHash: string): string {
  return `return:${returnReference}:${requestHash.slice(0, 16)}`;
}

export interface ReturnRequest {
  returnReference: string;
  /** Hash of the request body: the same reference with another body is a conflict. */
  requestHash: string;
  /** Exactly one of the two. */
  amountMinor?: number;
  lines?: Array<{ sku: string; quantity: number; totalMinor: number }>;
}

export interface CheckoutReturnsInput {
  ref: CheckoutRef;
  /** The checkout's view from the projection (with the returns made so far, if a previous run ended). */
  view: CheckoutView;
  /** From the checkout's own input (its workflow history); absent when that history is gone. */
  original?: OriginalSale;
}

/** Answer of one return: the return's record and the checkout it belongs to. */
export interface ReturnAnswer {
  checkoutId: string;
  return: CheckoutReturn;
}

/** Failure types of the return update. */
export const ReturnFailureTypes = {
  /** The return does not fit what is left (beyond the total, a line not sold…): details name the fields. 422. */
  refused: 'ReturnRefused',
  /** The reference was used for another return body. 409. */
  conflict: 'ReturnConflict',
  /** The checkout cannot be returned (voided, not completed). 409. */
  invalidState: 'ReturnInvalidState',
} as const;

export const returnCheckout = defineUpdate<ReturnAnswer, [ReturnRequest]>('return');
