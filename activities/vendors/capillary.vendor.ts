import type { AppConfig } from '../../core/config/app-config';
import type { VendorCircuits } from './vendor-circuits';
import type {
  CouponCapability,
  CouponLookup,
  CouponRedemption,
  CouponSale,
  CustomerIdentifier,
  EnrolmentDetails,
  PointsCapability,
  PointsCheck,
  PointsCustomer,
  PointsRedemption,
  SaleReturn,
  SaleTransaction,
  TransactionCapability,
  RetroTaggingCapability,
  ValidationCodeCapability,
} from './capabilities';
import { CapillaryClient, type CapillaryOptions } from './capillary-client';
import { CapillaryCoupons } from './capillary-coupons';
import { CapillaryCustomers } from './capillary-customers';
import { VENDOR } from './capillary-envelope';
import { CapillaryPoints } from './capillary-points';
import { CapillaryRetroTagging } from './capillary-retro';
import { CapillaryTransactions } from './capillary-transactions';
import { CapillaryValidationCodes } from './capillary-validation-codes';
import type { VendorCallContext } from './vendor-call';

// Callers configure the adapter from here; the options belong to the client that uses them.
export type { CapillaryOptions } from './capillary-client';

/**
 * Capillary InTouch (v1.1 + v2) for points, coupons and bills: vendor-docs/capillary-pos-integration.md
 * for the flow, vendors.md §2 for fields and codes. Server-to-server OAuth, every call attributed to the
 * till. Capillary has no idempotency keys: the bill number (ctx.reference) is the only shared key, so
 * retries look the effect up by it.
 *
 * This class is the capabilities' face only; each capability lives in a capillary-* sibling, and all
 * of them share one client (one OAuth token).
 */
export class CapillaryVendor implements PointsCapability, CouponCapability, TransactionCapability, ValidationCodeCapability, RetroTaggingCapability {
  readonly vendor = VENDOR;
  private readonly customers: CapillaryCustomers;
  private readonly points: CapillaryPoints;
  private readonly coupons: CapillaryCoupons;
  private readonly transactions: CapillaryTransactions;
  private readonly validationCodes: CapillaryValidationCodes;
  private readonly retro: CapillaryRetroTagging;

  constructor(options: CapillaryOptions) {
    const client = new CapillaryClient(options);
    this.customers = new CapillaryCustomers(client);
    this.points = new CapillaryPoints(client, this.customers);
    this.coupons = new CapillaryCoupons(client, this.customers);
    this.transactions = new CapillaryTransactions(client, this.customers);
    this.validationCodes = new CapillaryValidationCodes(client, this.customers);
    this.retro = new CapillaryRetroTagging(client, this.customers, this.transactions);
  }

  // ── points ────────────────────────────────────────────────────────────────────────────────────

  findCustomer(ctx: VendorCallContext, identifier: CustomerIdentifier, options: { enrol?: boolean | EnrolmentDetails } = {}): Promise<PointsCustomer> {
    return this.customers.find(ctx, identifier, options);
  }

  checkPoints(ctx: VendorCallContext, customer: PointsCustomer, points: number, validationCode?: string): Promise<PointsCheck> {
    return this.points.checkPoints(ctx, customer, points, validationCode);
  }

  redeemPoints(ctx: VendorCallContext, customer: PointsCustomer, points: number, validationCode?: string): Promise<PointsRedemption> {
    return this.points.redeemPoints(ctx, customer, points, validationCode);
  }

  findRedemption(ctx: VendorCallContext, customer: PointsCustomer, points: number): Promise<PointsRedemption | undefined> {
    return this.points.findRedemption(ctx, customer, points);
  }

  reversePoints(ctx: VendorCallContext, customer: PointsCustomer, redemption: PointsRedemption): Promise<{ alreadyReversed: boolean }> {
    return this.points.reversePoints(ctx, customer, redemption);
  }

  pointsReversed(ctx: VendorCallContext, customer: PointsCustomer, redemptionId: string): Promise<number> {
    return this.points.pointsReversed(ctx, customer, redemptionId);
  }

  requestValidationCode(ctx: VendorCallContext, identifier: CustomerIdentifier, points: number): Promise<{ sent: true }> {
    return this.validationCodes.request(ctx, identifier, points);
  }

  // ── coupons ───────────────────────────────────────────────────────────────────────────────────

  lookUp(ctx: VendorCallContext, code: string, customer?: CustomerIdentifier, billAmountMinor?: number): Promise<CouponLookup> {
    return this.coupons.lookUp(ctx, code, customer, billAmountMinor);
  }

  hold(ctx: VendorCallContext, code: string): Promise<{ held: boolean }> {
    return this.coupons.hold(ctx, code);
  }

  release(ctx: VendorCallContext, code: string): Promise<void> {
    return this.coupons.release(ctx, code);
  }

  redeem(ctx: VendorCallContext, code: string, sale: CouponSale): Promise<CouponRedemption> {
    return this.coupons.redeem(ctx, code, sale);
  }

  reinstate(ctx: VendorCallContext, redemption: CouponRedemption): Promise<{ alreadyReinstated: boolean }> {
    return this.coupons.reinstate(ctx, redemption);
  }

  // ── transactions ──────────────────────────────────────────────────────────────────────────────

  addTransaction(ctx: VendorCallContext, sale: SaleTransaction): Promise<{ transactionId: string; duplicate: boolean }> {
    return this.transactions.addTransaction(ctx, sale);
  }

  tagBill(ctx: VendorCallContext, bill: { number: string; transactionId: string }, customer: CustomerIdentifier): Promise<{ transactionId: string; alreadyTagged: boolean }> {
    return this.retro.tagBill(ctx, bill, customer);
  }

  returnTransaction(ctx: VendorCallContext, sale: SaleReturn): Promise<{ transactionId: string | null; alreadyReturned: boolean }> {
    return this.transactions.returnTransaction(ctx, sale);
  }
}

export function createCapillaryVendor(config: AppConfig, circuits?: VendorCircuits): CapillaryVendor {
  return new CapillaryVendor({
    baseUrl: config.capillaryBaseUrl,
    oauthKey: config.CAPILLARY_OAUTH_KEY,
    oauthSecret: config.CAPILLARY_OAUTH_SECRET,
    timeoutMs: config.VENDOR_TIMEOUT_MS,
    circuit: circuits?.of(VENDOR),
  });
}
