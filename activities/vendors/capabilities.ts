import type {
  CheckoutLine,
  CustomerIdentifierType,
  LoyaltyReductionMethod,
  PostTenderCustomer,
  PostTenderSalesPerson,
} from '../../workflows/checkout.contract';
import type { VendorCallContext } from './vendor-call';
import type { CatalogueProduct } from '../../workflows/product-sync.contract';
export { CATALOGUE_BATCH_LIMIT, type CatalogueProduct } from '../../workflows/product-sync.contract';

/**
 * Sagas speak to capabilities, never to vendors by name; an adapter implements the ones its vendor
 * has (design §3). Amounts are minor units of `ctx.currency`. Every method that has a side effect
 * is idempotent by `ctx.reference` (the vendor's idempotency, or a lookup before sending when
 * `ctx.effectMayHaveBeenSent` finds an earlier try's intent), and every undo treats "already undone" as success.
 * A business refusal is thrown as `vendorRejection(...)`, a transient fault as `vendorUnavailable(...)`
 * (activities/vendors/vendor-errors.ts), unless the method's result type carries the refusal.
 */

export interface CustomerIdentifier {
  type: CustomerIdentifierType;
  value: string;
}

/** A vendor's "no" that the saga reports instead of failing (a refused coupon, a smaller spend). */
export interface Refusal {
  code: string;
  /** Words a cashier can show. */
  reason: string;
}

// ── loyalty: CRM.COM (legacy token API and back-office api_key API) ─────────────────────────────

export interface LoyaltyCustomer {
  /** The vendor's key for later calls: legacy accounts receivable number, back-office contact id. */
  accountNumber: string;
  walletBalanceMinor: number;
}

export interface LoyaltyPurchase {
  performedOn: string;
  /** Which till sent it, for the vendor's own records (CRM.COM external_system). */
  externalSystem: string;
  lines: CheckoutLine[];
  /** The spend's secrets the customer keyed in (CRM.COM back-office): never audited or logged. */
  spendOtp?: string;
  spendPassCode?: string;
  /** CRM.COM back-office: the reduction method the sale was started with (CheckoutInput.crmcomReduction). */
  reductionMethod?: LoyaltyReductionMethod;
}

export interface LoyaltyPreview {
  awardMinor: number;
  /** instant + automatic spend the vendor will apply by itself. */
  automaticSpendMinor: number;
  /** The most the customer may additionally ask to spend on this sale (total_additional_spend_amount). */
  maxAdditionalSpendMinor: number;
  /**
   * Who redeems (reduction_method): on `back_end` CRM.COM takes the spend itself and pays it back to
   * the customer, so the till must neither deduct it nor send a spend request. Absent: front_end.
   */
  reductionMethod?: LoyaltyReductionMethod;
  /**
   * On `back_end`: the vendor takes a spend request with the purchase all the same and pays the
   * approved spend out itself (CRM.COM back-office); absent, a back-end account takes none (legacy).
   */
  spendRequestOnBackEnd?: true;
}

export interface LoyaltySpendResult {
  /** The vendor's spend reference (legacy spend request number); null where the spend lives in the purchase. */
  spendNumber: string | null;
  requestedMinor: number;
  /** What the vendor actually approved: the POS deducts this, never the requested amount. */
  approvedMinor: number;
  refusal?: Refusal;
}

export interface LoyaltyPurchaseResult {
  /** Legacy purchase number, or the back-office purchase id (our own GUID). */
  purchaseNumber: string;
  awardedMinor: number;
  /** Spend the vendor applied automatically with the purchase (instant + automatic). */
  automaticSpendMinor: number;
  spend?: LoyaltySpendResult;
}

export interface LoyaltyCapability {
  readonly vendor: string;
  identify(ctx: VendorCallContext, identifier: CustomerIdentifier): Promise<LoyaltyCustomer>;
  preview(ctx: VendorCallContext, customer: LoyaltyCustomer, purchase: LoyaltyPurchase): Promise<LoyaltyPreview>;
  /**
   * Posts the purchase (award) and, when `spendMinor` is given, the spend against it: one spend
   * request after the purchase on the legacy API, the purchase's own spend_request on the back-office
   * API. A refused spend does not fail the purchase: it comes back with approvedMinor 0 and a refusal.
   */
  submitPurchase(
    ctx: VendorCallContext,
    customer: LoyaltyCustomer,
    purchase: LoyaltyPurchase,
    spendMinor?: number,
  ): Promise<LoyaltyPurchaseResult>;
  /**
   * The purchase (and its spend) posted under ctx.reference, if any: how an undo resolves a
   * purchase whose reply was lost (the lookup of lookup-before-retry, made public). undefined only
   * when it was certainly never posted; a non-retryable failure when no documented call can tell
   * (CRM.COM legacy: the saga then ends compensation_failed for ops).
   */
  findPurchase(ctx: VendorCallContext): Promise<{ purchaseNumber: string; spendNumber: string | null } | undefined>;
  /** Undo of submitPurchase: spend cancelled first, then the purchase. Unknown or already cancelled = done. */
  voidPurchase(ctx: VendorCallContext, purchase: { purchaseNumber: string; spendNumber?: string | null }): Promise<{ alreadyVoided: boolean }>;
  /**
   * Return of goods for part of a sale (a partial return), idempotent by ctx.reference; throws a
   * rejection where the API has no such call (CRM.COM legacy).
   */
  returnGoods(ctx: VendorCallContext, goods: LoyaltyGoodsReturn): Promise<{ returnNumber: string; alreadyReturned: boolean }>;
}

export interface LoyaltyGoodsReturn {
  /** The customer's vendor key (identify's accountNumber); absent when the sale had no customer at the till. */
  accountNumber?: string;
  amountMinor: number;
  performedOn: string;
  /** The returned lines, when the return is by line. */
  lines?: CheckoutLine[];
  /** Our purchase the goods came from, when it was posted by us. */
  originalPurchaseNumber?: string;
}

// ── catalogue: CRM.COM product synchronisation ─────────────────────────────────────────────────

export interface CatalogueSyncResult {
  processed: Array<{ code: string; vendorId?: string }>;
  unprocessed: Array<{ code: string; errorCode: string; errorDescription: string }>;
  /**
   * An asynchronous vendor (CRM.COM back-office) accepted the batch as this process: its products'
   * results are not known yet (processed and unprocessed are empty) and come from syncProcess.
   */
  processId?: string;
}

/**
 * A synchronisation process of an asynchronous vendor: running, done with each product's result, or
 * `unknown`: it answered a status we cannot read as either (the reason names it).
 */
export type CatalogueProcessStatus =
  | { done: false }
  | ({ done: true } & Pick<CatalogueSyncResult, 'processed' | 'unprocessed'>)
  | { done: 'unknown'; reason: string };

export interface CatalogueCapability {
  readonly vendor: string;
  /** At most CATALOGUE_BATCH_LIMIT products a call; partial success is a result, not an error. */
  synchroniseProducts(ctx: VendorCallContext, products: CatalogueProduct[]): Promise<CatalogueSyncResult>;
  /** Where synchroniseProducts answers a processId: that process's progress (a read, retried freely). */
  syncProcess?(ctx: VendorCallContext, processId: string): Promise<CatalogueProcessStatus>;
}

// ── points: Capillary ──────────────────────────────────────────────────────────────────────────

/**
 * What the till knows of a customer it enrols (Capillary `customer/add`: "insert the primary identifier
 * of the customer … along with demographic details"). Personal data: encrypted payloads only.
 */
export interface EnrolmentDetails {
  firstName?: string;
  lastName?: string;
  email?: string;
  mobile?: string;
}

export interface PointsCustomer {
  identifier: CustomerIdentifier;
  /** Vendor's customer id when known (Capillary user_id). */
  vendorCustomerId?: string;
  pointsBalance?: number;
}

export interface PointsCheck {
  redeemable: boolean;
  points: number;
  /** What the points are worth in money at this store. */
  valueMinor: number;
  refusal?: Refusal;
}

export interface PointsRedemption {
  redemptionId: string;
  points: number;
  valueMinor: number;
  balanceAfter?: number;
}

export interface PointsCapability {
  readonly vendor: string;
  /**
   * Fetches the customer, enrolling them when the vendor does not know them yet and `enrol` is set
   * (`true`: the identifier alone; details: with them). Enrolment has no undo (vendors.md §2: "Customer
   * add: no undo (and none needed)"): a checkout cancelled later leaves the customer enrolled.
   */
  findCustomer(ctx: VendorCallContext, identifier: CustomerIdentifier, options?: { enrol?: boolean | EnrolmentDetails }): Promise<PointsCustomer>;
  /** `validationCode`: the customer's OTP, checked with the points so a wrong one refuses them before any discount. */
  checkPoints(ctx: VendorCallContext, customer: PointsCustomer, points: number, validationCode?: string): Promise<PointsCheck>;
  /** Idempotent by ctx.reference (the bill number): a retry finds the earlier redemption. */
  redeemPoints(ctx: VendorCallContext, customer: PointsCustomer, points: number, validationCode?: string): Promise<PointsRedemption>;
  /** The redemption made under ctx.reference (the bill number), if any: resolves a lost reply before an undo. */
  findRedemption(ctx: VendorCallContext, customer: PointsCustomer, points: number): Promise<PointsRedemption | undefined>;
  /** Undo of redeemPoints; "already reversed" (3802, 812) = done. */
  reversePoints(ctx: VendorCallContext, customer: PointsCustomer, redemption: PointsRedemption): Promise<{ alreadyReversed: boolean }>;
  /** How many points of a redemption were reversed so far: how a retried partial reversal finds its lost reply. */
  pointsReversed(ctx: VendorCallContext, customer: PointsCustomer, redemptionId: string): Promise<number>;
}

/**
 * Sends the customer a validation code (OTP) for a redemption, for an org that requires one
 * (Capillary `points/validationcode`). An unknown customer is a rejection with the vendor's
 * not-found code, and nothing is sent.
 */
export interface ValidationCodeCapability {
  readonly vendor: string;
  requestValidationCode(ctx: VendorCallContext, identifier: CustomerIdentifier, points: number): Promise<{ sent: true }>;
}

/**
 * Tags a bill made without a customer (Capillary `not_interested`) with the customer who identified
 * later ("retro"). Found-before-sent: a bill already tagged with this customer is `alreadyTagged`.
 */
export interface RetroTaggingCapability {
  readonly vendor: string;
  tagBill(ctx: VendorCallContext, bill: { number: string; transactionId: string }, customer: CustomerIdentifier): Promise<{ transactionId: string; alreadyTagged: boolean }>;
}

// ── coupons: Coupontools sessions, Capillary coupons ───────────────────────────────────────────

export interface CouponLookup {
  code: string;
  redeemable: boolean;
  /**
   * The discount the coupon is worth, when it can be known (Coupontools `value` or the account's
   * custom field; Capillary's absolute coupon_value, or its percentage of the bill).
   */
  valueMinor?: number;
  expiresAt?: string;
  refusal?: Refusal;
}

export interface CouponRedemption {
  code: string;
  /** The id that undoes it (Capillary redemptionId); Coupontools validation has none. */
  redemptionId?: string;
  /** False where the vendor has no undo: finance sees it as a non-compensable effect. */
  compensable: boolean;
}

/**
 * The sale a coupon is used on. `validationCode`: the customer's OTP for a Capillary org that requires
 * validation (vendors.md §2 coupon/redeem `"validation_code"?`).
 */
export interface CouponSale {
  billAmountMinor: number;
  customer?: CustomerIdentifier;
  validationCode?: string;
}

export interface CouponCapability {
  readonly vendor: string;
  /** `billAmountMinor`: the bill a percentage coupon takes its share of (Capillary). */
  lookUp(ctx: VendorCallContext, code: string, customer?: CustomerIdentifier, billAmountMinor?: number): Promise<CouponLookup>;
  /** Reserve it for this checkout (Coupontools lock); a no-op where the vendor has no hold. */
  hold(ctx: VendorCallContext, code: string): Promise<{ held: boolean }>;
  /** Undo of hold (unlock); releasing what is not held = done. */
  release(ctx: VendorCallContext, code: string): Promise<void>;
  /** Use it (Coupontools validate with money spent, Capillary redeem against the bill). */
  redeem(
    ctx: VendorCallContext,
    code: string,
    sale: CouponSale,
  ): Promise<CouponRedemption>;
  /** Undo of redeem where the vendor has one (Capillary reactivate); throws where it has none. */
  reinstate(ctx: VendorCallContext, redemption: CouponRedemption): Promise<{ alreadyReinstated: boolean }>;
}

// ── transactions: Capillary bills ──────────────────────────────────────────────────────────────

export interface SaleTransaction {
  /** Our bill number: ctx.reference. */
  billingTime: string;
  amountMinor: number;
  grossAmountMinor: number;
  discountMinor: number;
  lines: CheckoutLine[];
  /** Absent: the sale goes to the vendor as `not_interested`. */
  customer?: CustomerIdentifier;
  pointsRedemptionIds?: string[];
  couponRedemptionIds?: string[];
}

export interface SaleReturn {
  originalBillNumber: string;
  originalBillingTime: string;
  billingTime: string;
  returnType: 'FULL' | 'LINE_ITEM' | 'AMOUNT';
  amountMinor: number;
  lines?: CheckoutLine[];
  customer?: CustomerIdentifier;
}

export interface TransactionCapability {
  readonly vendor: string;
  /** Idempotent by bill number: the vendor's "duplicate bill" (604) on a retry is our earlier add. */
  addTransaction(ctx: VendorCallContext, sale: SaleTransaction): Promise<{ transactionId: string; duplicate: boolean }>;
  /** Return (RETURN with FULL, LINE_ITEM or AMOUNT); "already returned" = done. */
  returnTransaction(ctx: VendorCallContext, sale: SaleReturn): Promise<{ transactionId: string | null; alreadyReturned: boolean }>;
}

// ── post-tender: CMC (ClearLine) ───────────────────────────────────────────────────────────────

export interface PostTenderTransaction {
  /** Our stable transaction id: ctx.reference (refunds reference it). */
  terminalId: string;
  posLocationId: string;
  amountMinor: number;
  transactionDate: string;
  lines: CheckoutLine[];
  /** Pseudonymous customer id only (a keyed hash), never raw personal data. */
  customerId?: string;
  /** The customer, sales person and loyalty card the till named (personal data: redacted in audit rows). */
  customer?: PostTenderCustomer;
  salesPerson?: PostTenderSalesPerson;
  cardNumber?: string;
}

export interface PostTenderReceipt {
  vendorTransactionId: string;
  sessionId: string;
  qrCodeWidget?: { shortLinkUrl?: string; qrCodeLinkUrl?: string; qrCodeHtmlLinkUrl?: string; qrCodePreviewLinkUrl?: string };
  cfsTemplate?: { accountTemplateId?: string; cfsCarouselUrl?: string };
}

export interface PostTenderCapability {
  readonly vendor: string;
  /** startInteraction, then transaction when posStatus is Accepted; otherwise a rejection. */
  sendTransaction(ctx: VendorCallContext, tx: PostTenderTransaction): Promise<PostTenderReceipt>;
  /** A negative transaction referencing the original id (ClearLine has no cancel). */
  sendRefund(ctx: VendorCallContext, tx: PostTenderTransaction & { originalTransactionId: string }): Promise<PostTenderReceipt>;
}
