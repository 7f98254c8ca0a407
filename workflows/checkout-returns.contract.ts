/**
 * Partial returns of a completed checkout: the returns workflow's id, input, update and answer,
 * shared by the API and the worker. Deterministic and free of Node (workflow code imports it).
 */
import { defineUpdate } from '@temporalio/workflow';
import type { CheckoutLine, CheckoutRef, CheckoutState, CheckoutView, CustomerRef, Refusal } from './checkout.contract';

/** One returns workflow per checkout serialises its returns: no two can both pass the total. */
export function returnsWorkflowId(checkoutId: string): string {
  return `returns:${checkoutId}`;
}

/** Update id of one return: the POS's reference plus the body's hash, so a retry is deduplicated by Temporal and another body reaches the workflow (409). */
export function returnUpdateId(returnReference: string, requestHash: string): string {
  return `return:${returnReference}:${requestHash.slice(0, 16)}`;
}

/** Transition seqs of returns: after the checkout's own (< 100), before a void's (1000). */
export const RETURN_TRANSITION_SEQ_BASE = 100;
/** Returns per checkout, so their seqs stay below the void's. */
export const MAX_RETURNS_PER_CHECKOUT = 500;

export interface ReturnRequest {
  returnReference: string;
  /** Hash of the request body: the same reference with another body is a conflict. */
  requestHash: string;
  /** Exactly one of the two. */
  amountMinor?: number;
  lines?: Array<{ sku: string; quantity: number; totalMinor: number }>;
}

export interface CheckoutReturn {
  returnReference: string;
  requestHash: string;
  kind: 'lines' | 'amount';
  /** When the return was accepted (workflow time): the day finance counts it on. */
  returnedAt: string;
  /** The goods' value returned, in the sale's (gross) terms. */
  amountMinor: number;
  lines?: Array<{ sku: string; quantity: number; totalMinor: number }>;
  /** The share of what the customer paid: what the POS refunds. */
  refundMinor: number;
  /** The pro-rata shares reversed (points given back) or recorded (coupons: not reversed, see nonCompensable). */
  reversed: { awardedMinor: number; spentMinor: number; pointsRedeemed: number; pointsValueMinor: number; couponsMinor: number };
  /** The checkout's state once this return was made, and what is left to return. */
  state: CheckoutState;
  returnableMinor: number;
  references: Record<string, string>;
  /** What a vendor refused or cannot reverse: for finance. */
  exceptions: Refusal[];
  /** Coupon discount shares that stay with the customer (a coupon is used whole; Coupontools has no undo). */
  nonCompensable: Array<{ vendor: string; code: string; shareMinor: number }>;
}

/** The returns block of the checkout view. */
export interface CheckoutReturns {
  returnedMinor: number;
  returnableMinor: number;
  items: CheckoutReturn[];
}

export interface CheckoutReturnsInput {
  ref: CheckoutRef;
  /** The checkout's view from the projection (with the returns made so far, if a previous run ended). */
  view: CheckoutView;
  /** From the checkout's own input (its workflow history); absent when that history is gone. */
  original?: {
    performedOn: string;
    lines: CheckoutLine[];
    capillaryCustomer?: CustomerRef;
    crmcomCustomer?: CustomerRef;
  };
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
