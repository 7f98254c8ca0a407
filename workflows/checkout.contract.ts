/**
 * What the API and the worker agree on: the workflow id, its input, the phases' answers, the states
 * and the failure types. Deterministic and free of Node, because workflow code imports it too.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { StoreProfile } from './store-profile.contract';

export const CHECKOUT_STATES = [
  'pending',
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
  /** Every unit of money of the sale returned by partial returns (returns workflow). */
  'returned',
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

export function isFinalState(state: CheckoutState): boolean {
  return FINAL_STATES.includes(state);
}

/**
 * `card` / `cardExternalId`: a Capillary card's number or external id (customer/get `card_number`,
 * `card_external_id`); CRM.COM's cards are `code` (access tokens).
 */
export const CUSTOMER_IDENTIFIER_TYPES = ['code', 'number', 'phone', 'email', 'externalId', 'card', 'cardExternalId'] as const;
export type CustomerIdentifierType = (typeof CUSTOMER_IDENTIFIER_TYPES)[number];

export const LOYALTY_PROVIDERS = ['crmcom'] as const;
export const POINTS_PROVIDERS = ['capillary'] as const;
export const COUPON_PROVIDERS = ['coupontools', 'capillary'] as const;
export const POST_TENDER_PROVIDERS = ['cmc'] as const;
export type CouponProvider = (typeof COUPON_PROVIDERS)[number];

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

/** The reference every vendor sees for this checkout (CRM.COM reference_number, CMC transactionId). */
export function checkoutReference(key: CheckoutKey): string {
  return `${key.merchant}:${key.store}:${key.till}:${key.posReference}`;
}

/**
 * The checkout's Capillary bill number: the one the API chose at reserve and the saga carries
 * (core/checkouts/capillary-bill-number.ts), or, for a saga started before it did, the checkout
 * reference those sagas billed under.
 */
export function capillaryBillNumberOf(ref: CheckoutRef): string {
  return ref.capillaryBillNumber ?? checkoutReference(ref);
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
  /**
   * The Capillary bill number (at most 50 characters, in the org's format), chosen once by the API at
   * reserve for a checkout billed at Capillary and carried in its input; its bill, points and coupon
   * redemptions, void and returns all use it. Read it with capillaryBillNumberOf.
   */
  capillaryBillNumber?: string;
  /**
   * checkoutWorkflowV2: the first run id of the saga's execution chain (kept through resets). Part of
   * every step's arguments, so a step's remembered result (activities/remembered-steps.ts) belongs to
   * this sale: a reset finds it, a later sale reusing the key after Temporal's retention does not.
   */
  saleChain?: string;
  /**
   * The store's time zone and vendor mapping (workflows/store-profile.contract.ts), resolved by the
   * API at reserve; absent on sagas started before stores were data.
   */
  storeProfile?: StoreProfile;
  /**
   * The fingerprint of the request that started the sale (src/checkouts/checkout-request-hash.ts), set
   * by the saga client at start. The first transition keeps it in the `checkouts` row, so the checkout
   * key stays taken after Temporal's retention: a replay gets the stored answer, another body 409
   * (core/checkouts/stored-checkout-answers.ts). Data only: absent on sagas started before it.
   */
  requestHash?: string;
}

export interface CustomerRef {
  type: CustomerIdentifierType;
  value: string;
}

export interface CheckoutInput extends CheckoutRef {
  /** ISO 8601 instant the sale happened at the till. */
  performedOn: string;
  lines: CheckoutLine[];
  totalMinor: number;
  /** The CRM.COM customer: award and spend. */
  customer?: { provider: 'crmcom'; identifier: CustomerRef };
  /**
   * Wallet amount the customer asks to spend at CRM.COM (the vendor may approve less). CRM.COM
   * back-office only: `otp`, the one-time spend token the contact got in the CRM.COM app, and
   * `passCode`, the contact's pass code; both secrets, sent with the purchase (never audited or logged).
   */
  spend?: { amountMinor: number; otp?: string; passCode?: string };
  /**
   * CRM.COM back-office only: who redeems the spend, decided once by the API from CRMCOM_REDUCTION
   * when the sale starts, so a configuration change while the sale runs cannot change it (the preview
   * and the purchase both read it here). On `back_end` the purchase is posted in the complete phase,
   * after the customer paid (CRM.COM pays the spend out on submit). Absent on sagas started before it
   * (and on the legacy API): the adapter's configured method, as then; their commands are unchanged.
   */
  crmcomReduction?: LoyaltyReductionMethod;
  /**
   * Capillary points to redeem, for the Capillary customer (phone, email or externalId). Redeemed
   * after the bill (the POS guide's order) unless `redeemBeforePayment`: at commit, undone by a
   * reversal, for an org configured to allow it (CAPILLARY_POINTS_REDEMPTION=before_payment).
   */
  points?: {
    provider: 'capillary';
    points: number;
    customer: CustomerRef;
    redeemBeforePayment?: true;
    /**
     * The customer's validation code (OTP) for an org that requires validation: checked with the points
     * at reserve and sent with the redemption. Personal data: only in encrypted payloads, never in audit rows.
     */
    validationCode?: string;
    /**
     * The customer's details, for enrolment (`customer/add`) when Capillary does not know the customer;
     * without them an unknown customer refuses the points, as before. Personal data (encrypted payloads).
     */
    enrol?: { firstName?: string; lastName?: string; email?: string; mobile?: string };
  };
  /** `validationCode`: a Capillary coupon's OTP, sent with its redemption (as points.validationCode). */
  coupons: Array<{ provider: CouponProvider; code: string; validationCode?: string }>;
  postTender?: PostTenderInput;
  /** How long reserved or committed effects are held without a next call before they are released. */
  holdTimeoutMs: number;
  /**
   * CRM.COM reclaim codes, printed for a sale without a CRM.COM customer, or whose CRM.COM was left
   * out (unavailable): the customer scans one later in the CRM.COM app to be awarded. Never printed
   * when the sale was awarded at the till.
   */
  reclaimCodes?: { qr: string; barcode: string };
  /**
   * Back-office batch uploads only: bill the sale at Capillary even when it uses no Capillary points
   * or coupons, with this Capillary customer, or as `not_interested` when there is none.
   */
  capillaryBill?: { customer?: CustomerRef };
  /**
   * checkoutWorkflowV2: the saga was started for a one-shot, so it drives reserve, commit and complete
   * itself from its start, not from the Update (which only waits for the answer). A workflow task
   * that is lost (a worker killed, or a completion refused because an operator's cancel arrived)
   * loses the Update with it; the re-run still drives the sale to where the lost run took it.
   */
  oneShot?: true;
  /** A one-shot's till deadline (till-deadline.ts): its reserve and commit each take a share of it. */
  tillDeadline?: { stepsBy: number };
}

/**
 * CMC (ClearLine) post-tender: the people the till names on the sale, sent on the transaction as
 * vendor-docs/cmc-post-tender.txt shapes them (customer block, salesPerson block, cardNumber): what
 * lets CMC tie the sale to a person. Personal data: carried only in the (codec-encrypted) input,
 * redacted from audit excerpts and logs (activities/vendors/redact.ts).
 */
export interface PostTenderInput {
  provider: 'cmc';
  customer?: PostTenderCustomer;
  salesPerson?: PostTenderSalesPerson;
  /** The customer's loyalty card number. */
  cardNumber?: string;
}

export interface PostTenderCustomer {
  /** The customer's id in the POS. */
  id?: string;
  firstName?: string;
  lastName?: string;
  /** YYYY-MM-DD. */
  birthDate?: string;
  email?: string;
  phone?: string;
}

export interface PostTenderSalesPerson {
  /** The sales person's id in the POS. */
  id: string;
  firstName?: string;
  lastName?: string;
}

/** The vendors a checkout touches, sorted: the CheckoutVendors search attribute ops filter on. */
export function vendorsOf(input: CheckoutInput): string[] {
  const names = new Set<string>();
  if (input.customer) names.add(input.customer.provider);
  if (input.points) names.add(input.points.provider);
  for (const c of input.coupons) names.add(c.provider);
  if (input.postTender) names.add(input.postTender.provider);
  return [...names].sort();
}

/**
 * What an after-sale workflow (void, returns) knows of the sale beyond its view, from the checkout's
 * own input (its workflow history). Built in one place (core/checkouts/after-sale.ts) for both.
 */
export interface OriginalSale {
  performedOn: string;
  lines: CheckoutLine[];
  /** The Capillary customer of the bill and the points redemption: the points' customer, else a batch bill's. */
  capillaryCustomer?: CustomerRef;
  /** The CRM.COM customer of the purchase. */
  crmcomCustomer?: CustomerRef;
}

/** A vendor's refusal of one part of the checkout, in words a cashier can show. */
export interface Refusal {
  vendor: string;
  code: string;
  reason: string;
}

/** Refusal codes the sagas write and the API reads back (the reconciliation report). */
export const RefusalCodes = {
  /** On a void's exceptions: an effect the vendor has no undo for (a validated Coupontools coupon). */
  nonCompensable: 'NON_COMPENSABLE',
  /** An effect without a lookup (CMC) that may have reached the vendor on an earlier try: not sent again, for finance to check. */
  outcomeUnknown: 'OUTCOME_UNKNOWN',
  /**
   * On a void's exceptions: a CRM.COM back-end purchase whose spend CRM.COM paid out to the customer.
   * Its cancel gives the spend back to the wallet; the payout may not be reversed: finance claws it back.
   */
  backEndPayoutNotReversed: 'BACK_END_PAYOUT_NOT_REVERSED',
} as const;

export interface CouponQuote {
  provider: CouponProvider;
  code: string;
  accepted: boolean;
  valueMinor?: number;
  refusal?: Refusal;
}

/**
 * Who redeems the CRM.COM wallet spend (the preview's reduction_method): `front_end`, the till
 * deducts it from the amount due; `back_end`, the customer pays in full and CRM.COM pays the spend
 * back itself (a payout), so the till gives no spend discount and sends no spend request.
 */
export type LoyaltyReductionMethod = 'front_end' | 'back_end';

/** The reserve phase's answer: what the vendors will give, before anything is spent. */
export interface CheckoutQuote {
  checkoutId: string;
  state: CheckoutState;
  currency: string;
  totalMinor: number;
  loyalty?: {
    walletBalanceMinor: number;
    expectedAwardMinor: number;
    automaticSpendMinor: number;
    maxSpendMinor: number;
    requestedSpendMinor: number;
    /** Absent on sagas reserved before CRM.COM's reduction method was read (they discounted at the till). */
    reductionMethod?: LoyaltyReductionMethod;
  };
  points?: { points: number; valueMinor: number; accepted: boolean; refusal?: Refusal };
  coupons: CouponQuote[];
  holdExpiresAt: string;
  /** Vendors that did not answer within the till's time budget: left out of this sale (README "A till's time budget"). */
  unavailable?: string[];
}

/** The commit phase's answer: the discounts the POS applies before taking payment. */
export interface CheckoutCommitment {
  checkoutId: string;
  state: CheckoutState;
  currency: string;
  totalMinor: number;
  discounts: {
    spendMinor: number;
    automaticSpendMinor: number;
    pointsMinor: number;
    couponsMinor: number;
  };
  amountDueMinor: number;
  refusals: Refusal[];
  holdExpiresAt: string;
  /**
   * Who redeems the CRM.COM spend. `backEndSpendMinor`: the spend CRM.COM made by itself with the
   * purchase on a back-end account (paid back to the customer by CRM.COM, not part of `discounts`).
   */
  loyalty?: { reductionMethod: LoyaltyReductionMethod; backEndSpendMinor: number };
  /** Vendors left out of the sale so far: did not answer within the till's time budget (at reserve or here). */
  unavailable?: string[];
}

/** The receipt block the POS prints. */
export interface CheckoutReceipt {
  currency: string;
  totalMinor: number;
  amountDueMinor: number;
  paidMinor: number;
  /** How the customer paid, as the POS said (card, cash…). */
  paymentMethod?: string;
  awardedMinor: number;
  spentMinor: number;
  walletBalanceBeforeMinor?: number;
  walletBalanceAfterMinor?: number;
  pointsRedeemed: number;
  pointsValueMinor: number;
  /** `redemptionId`: the vendor's id of the redemption (Capillary), which a void reactivates. */
  coupons: Array<{ provider: CouponProvider; code: string; valueMinor?: number; redemptionId?: string }>;
  postTender?: { qrCodeLinkUrl?: string; shortLinkUrl?: string; cfsCarouselUrl?: string };
  /** CRM.COM reclaim QR and barcode strings (semicolon formats of the CRM.COM POS guide). */
  crmcomReclaim?: { qr: string; barcode: string };
  /**
   * Back-end reduction: the wallet spend CRM.COM made with the purchase and pays back to the customer
   * itself (a payout to their card, PayPal or wallet). The customer paid in full: it is in `spentMinor`
   * and the wallet balance, never in `amountDueMinor`. Finance settles nothing for it with the till.
   */
  crmcomPaidOut?: { spendMinor: number };
  references: {
    crmcomPurchaseNumber?: string;
    crmcomSpendNumber?: string;
    capillaryBillNumber?: string;
    capillaryTransactionId?: string;
    pointsRedemptionId?: string;
    cmcTransactionId?: string;
  };
  /** Effects a vendor refused after payment: recorded for finance, the sale stands. */
  exceptions: Refusal[];
  /** Vendors left out of the sale (did not answer within the till's time budget): finance sees why nothing was awarded or redeemed there. */
  unavailable?: string[];
}

/** The whole checkout as the API shows it (query `checkoutView`). */
export interface CheckoutView {
  checkoutId: string;
  state: CheckoutState;
  quote?: CheckoutQuote;
  commitment?: CheckoutCommitment;
  receipt?: CheckoutReceipt;
  rejection?: Refusal & { step: string };
  failureReason?: string;
  compensations: Array<{ step: string; outcome: 'done' | 'failed'; reason?: string }>;
  /** The void of a completed checkout (voidCheckoutWorkflow): what it could not undo, and its references. */
  void?: { exceptions: Refusal[]; nonCompensable: Array<{ vendor: string; code: string }>; references: Record<string, string> };
  /** Partial returns of a completed checkout (checkoutReturnsWorkflow). */
  returns?: CheckoutReturns;
  /**
   * checkoutWorkflowV2's one-shot Update answer only (not in the view the saga records in the
   * projection, and removed by the API before the POS sees it): the saga's start memo, naming the API
   * request that started it, so the API tells a replay or another sale reusing the key without
   * describing the workflow.
   */
  startedBy?: { requestId: string; requestHash: string };
}

/** A state change as the transition activity records it (audit row + projection). */
export interface CheckoutTransition {
  /** Orders late writes to the projection; each saga has its band (checkout-transitions.contract.ts). */
  seq: number;
  state: CheckoutState;
  step: string;
  totalMinor: number;
  view: CheckoutView;
  /** Names the occurrence of a state entered more than once (each partial return): keeps its audit row distinct. */
  distinctBy?: string;
}

/** One partial return of a completed checkout (the returns workflow records it on the view). */
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

/** What an `invalidState` failure carries: the state, and `busy` when another step runs (retry shortly). */
export interface InvalidStateDetails {
  state: string;
  busy?: boolean;
}

/** The `state` an invalidState failure names while another step runs (workers before `busy` sent only this). */
export const BUSY_STATE = 'busy with another step';

/** ApplicationFailure types thrown by activities and update handlers. */
export const FailureTypes = {
  /** The vendor said no (unknown customer, coupon used): never retried. */
  vendorRejection: 'VendorRejection',
  /** Network fault, timeout, 429 or 5xx: retried with backoff. */
  vendorUnavailable: 'VendorUnavailable',
  /** An update refused the whole checkout (the customer is unknown); details carry the Refusal. */
  checkoutRejected: 'CheckoutRejected',
  /** An update arrived in a state that does not allow it (commit after cancel). */
  invalidState: 'InvalidCheckoutState',
  /** A phase called again with other arguments than its first call (a different spend). */
  phaseConflict: 'CheckoutPhaseConflict',
  /** A phase failed and its effects were unwound; the view's failureReason says why. */
  checkoutFailed: 'CheckoutFailed',
} as const;

export const SearchAttributes = {
  state: defineSearchAttributeKey('CheckoutState', SearchAttributeType.KEYWORD),
  store: defineSearchAttributeKey('CheckoutStore', SearchAttributeType.KEYWORD),
  till: defineSearchAttributeKey('CheckoutTill', SearchAttributeType.KEYWORD),
  merchant: defineSearchAttributeKey('CheckoutMerchant', SearchAttributeType.KEYWORD),
  vendors: defineSearchAttributeKey('CheckoutVendors', SearchAttributeType.KEYWORD_LIST),
  /** The phase or undo that failed the saga (e.g. `commit`, `void CRM.COM purchase`); cleared when ops recover it. */
  failingStep: defineSearchAttributeKey('CheckoutFailingStep', SearchAttributeType.KEYWORD),
} as const;
