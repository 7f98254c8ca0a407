import { fromVendorAmount, toVendorNumber } from '../../core/money/money';
import type { CheckoutLine } from '../../workflows/checkout.contract';
import type {
  CatalogueProduct,
  CatalogueSyncResult,
  CustomerIdentifier,
  LoyaltyPurchaseResult,
  LoyaltySpendResult,
} from './capabilities';
import { vendorRejection, vendorUnavailable } from './vendor-errors';
import type { VendorResponse } from './vendor-http';
import { localDateTimeNoZone } from '../../core/stores/local-time';

/**
 * The legacy Web API's wire shapes and their mapping to our capabilities
 * (vendor-docs/crmcom-v1-pos-integration.txt), kept apart from the call sequencing in crmcom-legacy.vendor.ts.
 */

export const CRMCOM_VENDOR = 'crmcom';

/** `status.code` is "OK" on success, an exception name otherwise. */
export interface Envelope<T> {
  data: T | null;
  status: { code: string; message: string | null; description: string | null };
}

/** CRM.COM sends amounts as JSON numbers, the wallet balance as a decimal string. */
type Amount = number | string;

export interface ShowParticipantData {
  wallet?: { number?: string; balance?: Amount };
  accounts_receivable?: { number?: string; life_cycle_state?: string };
}

export interface PurchaseData {
  number: string;
  reference_number?: string;
  life_cycle_state?: string;
  total_awarded_amount?: Amount;
  total_spend_amount?: Amount;
}

export interface PreviewData {
  total_award_amount?: Amount;
  total_instant_spend_amount?: Amount;
  total_automatic_spend_amount?: Amount;
  total_additional_spend_amount?: Amount;
  reduction_method?: string;
}

export interface SpendRequestData {
  number: string;
  spend_amount?: Amount;
  life_cycle_state?: string;
  reduction_method?: string;
  external_system_reference_number?: string | null;
  spend_reward_transaction?: {
    number?: string;
    total_amount?: Amount;
    /** The document's sample response spells total_amount so; its prose says total_amount. */
    total_number?: Amount;
    life_cycle_state?: string;
  };
}

export interface SynchroniseData {
  processed_products_set?: Array<{ code?: string; request_code?: string; id?: string }>;
  unprocessed_products_set?: Array<{ request_code?: string; error_code?: string; error_description?: string }>;
}

/** An answer the caller chose to accept instead of throwing (an undo that is already done). */
export type Answer<T> = { ok: true; data: T } | { ok: false; code: string };

export const TOKEN_ERROR_CODES: ReadonlySet<string> = new Set(['InvalidTokenException', 'ExpiredTokenException']);

/** OK with data, a tolerated code, or a thrown rejection (any other code) / unavailable (no envelope). */
export function readEnvelope<T>(res: VendorResponse<Envelope<T>>, operation: string, tolerated: ReadonlySet<string>): Answer<T> {
  const status = res.body?.status;
  if (status?.code === 'OK' && res.body.data !== null && res.body.data !== undefined) return { ok: true, data: res.body.data };
  if (status?.code === 'OK') {
    // OK without data: CRM.COM did it, we cannot read what. Not a refusal (that would clear the
    // effect intent and, for a spend, give no discount for money taken): retry, and let the intent decide.
    throw vendorUnavailable(CRMCOM_VENDOR, `${operation}: OK without data`, { response: res.body });
  }
  if (!status) {
    throw vendorUnavailable(CRMCOM_VENDOR, `${operation}: HTTP ${res.status} without a CRM.COM envelope`, {
      httpStatus: res.status,
      response: res.body,
    });
  }
  if (tolerated.has(status.code) && !TOKEN_ERROR_CODES.has(status.code)) return { ok: false, code: status.code };
  throw vendorRejection({
    vendor: CRMCOM_VENDOR,
    code: status.code,
    reason: status.description ?? status.message ?? `CRM.COM answered ${status.code}`,
    httpStatus: res.status,
    response: res.body,
  });
}

export function unwrap<T>(res: VendorResponse<Envelope<T>>, operation: string): T {
  const answer = readEnvelope(res, operation, new Set());
  if (!answer.ok) throw new Error(`unreachable: ${answer.code} tolerated`);
  return answer.data;
}

export function participantIdentifier(identifier: CustomerIdentifier): Record<string, unknown> {
  // An access token maps to the customer's card, phone or e-mail (vendor doc, step 1).
  if (identifier.type === 'number') return { number: identifier.value };
  return { access_token_identifier: { authentication_code: identifier.value } };
}

export function productsSet(lines: CheckoutLine[], currency: string): Array<Record<string, unknown>> {
  return lines.map((line) => ({
    product_identifier: { code: line.sku },
    quantity: line.quantity,
    total_amount: toVendorNumber(line.totalMinor, currency),
    net_amount: toVendorNumber(line.netMinor, currency),
    vat_amount: toVendorNumber(line.vatMinor, currency),
  }));
}

export function minor(value: Amount | null | undefined, currency: string): number {
  return fromVendorAmount(value ?? 0, currency);
}

export function toPurchaseResult(data: PurchaseData, currency: string): LoyaltyPurchaseResult {
  return {
    purchaseNumber: data.number,
    awardedMinor: minor(data.total_awarded_amount, currency),
    automaticSpendMinor: minor(data.total_spend_amount, currency),
  };
}

/**
 * What the POS may deduct: spend_reward_transaction.total_amount, never the requested spend_amount
 * (CRM.COM's rules may approve less). The sample's `total_number` is read only when total_amount is absent.
 * Neither present means the spend exists with an unknown amount: retryable, so the lookup can read it again.
 */
export function approvedMinor(data: SpendRequestData, currency: string): number {
  const transaction = data.spend_reward_transaction;
  const value = transaction?.total_amount ?? transaction?.total_number;
  if (value === undefined || value === null) {
    throw vendorUnavailable(CRMCOM_VENDOR, `spend request ${data.number} came back without spend_reward_transaction.total_amount`);
  }
  return fromVendorAmount(value, currency);
}

export function toSpendResult(data: SpendRequestData, requestedMinor: number, currency: string): LoyaltySpendResult {
  if (data.life_cycle_state === 'CANCELLED') {
    // Found by lookup after someone cancelled it: nothing stands to deduct, and posting again would spend twice.
    return {
      spendNumber: data.number,
      requestedMinor,
      approvedMinor: 0,
      refusal: { code: 'CANCELLED', reason: 'The wallet spend for this sale was cancelled' },
    };
  }
  return { spendNumber: data.number, requestedMinor, approvedMinor: approvedMinor(data, currency) };
}

export function toSyncProduct(product: CatalogueProduct): Record<string, unknown> {
  return {
    code: product.code,
    ...(product.alternativeCode !== undefined && { alternative_code: product.alternativeCode }),
    ...(product.description !== undefined && { description: product.description }),
    ...(product.familyCode !== undefined && { family_identifier: { code: product.familyCode } }),
    ...(product.brandCode !== undefined && { brand_identifier: { code: product.brandCode } }),
  };
}

export function toSyncResult(data: SynchroniseData): CatalogueSyncResult {
  return {
    processed: (data.processed_products_set ?? []).map((p) => ({
      code: p.request_code ?? p.code ?? '',
      ...(p.id !== undefined && { vendorId: p.id }),
    })),
    unprocessed: (data.unprocessed_products_set ?? []).map((p) => ({
      code: p.request_code ?? '',
      errorCode: p.error_code ?? 'unknown',
      errorDescription: p.error_description ?? '',
    })),
  };
}

/**
 * CRM.COM legacy dates carry no zone: the document's examples are `"performed_on": "2017-06-22T15:00:00"`
 * and vendors.md §1.1 reads them as "local time, no zone". So the store's wall clock (offers by venue,
 * day or hour are the store's); a saga without a store profile (started before stores were data) in
 * UTC, as it was sent then.
 */
export function toCrmcomLocalTime(isoInstant: string, timeZone = 'UTC'): string {
  return localDateTimeNoZone(isoInstant, timeZone);
}
