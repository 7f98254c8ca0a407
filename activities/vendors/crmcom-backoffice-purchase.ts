import { toVendorNumber } from '../../core/money/money';
import type { LoyaltyReductionMethod } from '../../workflows/checkout.contract';
import type { LoyaltyCustomer, LoyaltyPurchase } from './capabilities';
import { CRMCOM_INVALID_VALUE, epochSeconds, type CrmError } from './crmcom-backoffice-envelope';
import type { VendorCallContext } from './vendor-call';

/**
 * The back-office `POST /purchases` body (vendor-docs/crmcom-v2-pos-ecommerce.txt; field names as
 * vendors.md §1.2 reads them) with the reduction method the merchant submits for and the spend's
 * secrets where CRMCOM_OTP_FIELD / CRMCOM_PASS_CODE_FIELD put them.
 */

/** Where the OTP spend token and the pass code go in the body: dotted paths (config). */
export interface SpendSecretFields {
  otp: string;
  passCode: string;
}

export const DEFAULT_SPEND_SECRET_FIELDS: SpendSecretFields = { otp: 'spend_request.otp', passCode: 'spend_request.pass_code' };

/** Ours, not CRM.COM's: the purchase was posted without its spend because CRM.COM refused the spend's OTP or pass code. */
export const SPEND_SECRET_REFUSED = 'SPEND_SECRET_REFUSED';

/**
 * The method spelled as the back-office API spells it (vendors.md §1.2: "Reduction methods in the new
 * API: `FRONT_END` / `BACK_END`"); the field name `reduction_method` is from CRM.COM's own app (C12).
 */
const REDUCTION_METHOD: Record<LoyaltyReductionMethod, string> = { front_end: 'FRONT_END', back_end: 'BACK_END' };

export function purchaseBody(
  ctx: VendorCallContext,
  request: { id: string; customer: LoyaltyCustomer; purchase: LoyaltyPurchase; spendMinor?: number },
  reduction: LoyaltyReductionMethod,
  fields: SpendSecretFields,
  { withSpend = true }: { withSpend?: boolean } = {},
): Record<string, unknown> {
  const { id, customer, purchase, spendMinor } = request;
  const body: Record<string, unknown> = {
    id,
    contact_id: customer.accountNumber,
    reference_number: ctx.reference,
    // An epoch is an instant: no zone to get wrong, so the store's time zone does not enter here.
    performed_on: epochSeconds(purchase.performedOn),
    ...outletOf(ctx),
    currency_code: ctx.currency,
    reduction_method: REDUCTION_METHOD[reduction],
    products: purchase.lines.map((line) => ({
      product_sku: line.sku,
      quantity: line.quantity,
      net_amount: toVendorNumber(line.netMinor, ctx.currency),
      tax_amount: toVendorNumber(line.vatMinor, ctx.currency),
      total_amount: toVendorNumber(line.totalMinor, ctx.currency),
    })),
  };
  if (!withSpend || spendMinor === undefined || spendMinor <= 0) return body;
  body.spend_request = { amount: toVendorNumber(spendMinor, ctx.currency) };
  // A token or pass code authorises a spend: without a spend request there is nothing to send them with.
  if (purchase.spendOtp !== undefined) placeAt(body, fields.otp, purchase.spendOtp);
  if (purchase.spendPassCode !== undefined) placeAt(body, fields.passCode, purchase.spendPassCode);
  return body;
}

/** Whether the purchase carried a secret for its spend (so a refusal naming it is the spend's, not the sale's). */
export function carriesSpendSecret(purchase: LoyaltyPurchase, spendMinor?: number): boolean {
  return spendMinor !== undefined && spendMinor > 0 && (purchase.spendOtp !== undefined || purchase.spendPassCode !== undefined);
}

/**
 * A refusal of the spend's OTP or pass code: the documented invalid-value error whose `parameters`
 * name the field it was sent in (the document's 4xx shape: "Parameters are used for programmatic
 * consumption"). Any other refusal is the purchase's.
 */
export function refusedSpendSecret(error: CrmError, fields: SpendSecretFields): 'otp' | 'passCode' | undefined {
  if (error.error !== CRMCOM_INVALID_VALUE) return undefined;
  const named = error.parameters?.[0];
  if (named === fields.otp) return 'otp';
  if (named === fields.passCode) return 'passCode';
  return undefined;
}

function placeAt(body: Record<string, unknown>, path: string, value: string): void {
  const [head, leaf] = path.split('.');
  if (leaf === undefined) {
    body[head] = value;
    return;
  }
  const parent = (body[head] ?? {}) as Record<string, unknown>;
  body[head] = { ...parent, [leaf]: value };
}

/**
 * The store's outlet. The guide names no field (crmcom-v2-pos-ecommerce.txt is silent); vendors.md §1.2
 * gives `merchant_tap` / `outlet_tap` as "semi-optional objects" without their shape, and the simplest
 * working form CRM.COM's own POS app sends, `"organisation_id": "<outlet GUID>"` [code C12], which is
 * what we send. A store without an outlet sends none, as before.
 */
export function outletOf(ctx: VendorCallContext): { organisation_id?: string } {
  return ctx.storeProfile?.crmcomOutlet ? { organisation_id: ctx.storeProfile.crmcomOutlet } : {};
}
