import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { fromVendorAmount } from '../../core/money/money';
import type { CatalogueProcessStatus, CustomerIdentifier, LoyaltyPurchaseResult } from './capabilities';
import { vendorRejection, vendorUnavailable } from './vendor-errors';
import type { VendorResponse } from './vendor-http';

/**
 * The CRM.COM back-office API's answers: the documented error body, the purchase shape we assume
 * (vendors.md §1.2: nothing beyond `id` is documented) and how both become our results and failures.
 */

export const CRMCOM_VENDOR = 'crmcom';
export const CRMCOM_NOT_FOUND = 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION';
/** Not documented: the code we expect for a second cancel (vendors.md §1.2 asks for "an already cancelled style code"). */
export const CRMCOM_ALREADY_CANCELLED = 'CRM.EXCEPTIONS.ALREADYCANCELLEDEXCEPTION';
/** Not documented: the code we expect when our purchase `id` (or reference_number) was posted before. */
export const CRMCOM_ALREADY_EXISTS = 'CRM.EXCEPTIONS.ALREADYEXISTSEXCEPTION';
/** Seen in CRM.COM's own app code when a search matches several contacts (vendors.md §1.2, C12). */
export const CRMCOM_NOT_UNIQUE = 'COM.CRM.EXCEPTIONS.CONTACTUNIQUELYIDENTIFYEXCEPTION';
/** The document's error identifiers are CRM.EXCEPTIONS.*; the invalid-value one is the sandbox's reading for a bad field value. */
export const CRMCOM_INVALID_VALUE = 'CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION';
/** Ours, not CRM.COM's: the purchase posted but no spend was approved. */
export const SPEND_NOT_APPROVED = 'SPEND_NOT_APPROVED';

/** GET /customers query parameter per identifier type: the names are not documented, ours to confirm. */
export const IDENTIFIER_QUERY: Record<CustomerIdentifier['type'], string> = {
  code: 'cim',
  number: 'number',
  phone: 'phone_number',
  email: 'email_address',
  externalId: 'code',
  // Never sent: the API refuses Capillary's card types for CRM.COM (checkout.mapper.ts), whose cards are `code` (a CIM).
  card: 'cim',
  cardExternalId: 'cim',
};

/** The error body of every documented 4xx (vendor-docs/crmcom-v2-pos-ecommerce.txt, "Responses"). */
export interface CrmError {
  status: number;
  message?: string;
  error: string;
  parameters?: unknown[];
}

export interface ContactData {
  id: string;
  wallet?: { balance?: number | string };
}

export interface PurchaseData {
  id: string;
  reference_number?: string;
  awarded?: number | string;
  spend?: { requested?: number | string; approved?: number | string };
}

/** GET /synchronise_products/{id}: our reading of the process the guide says can be monitored. */
export interface SyncProcessData {
  id: string;
  status?: string;
  processed_products?: Array<{ sku?: string; id?: string }>;
  unprocessed_products?: Array<{ sku?: string; error_code?: string; error_description?: string }>;
}

/**
 * Statuses read as "still running": the guide names none. IN_PROGRESS is the sandbox's; the others are
 * the usual words for a queued or running job. Any other status (FAILED included) is not waited on.
 */
export const SYNC_PROCESS_RUNNING: readonly string[] = ['IN_PROGRESS', 'PENDING', 'PROCESSING', 'QUEUED', 'RUNNING'];

/**
 * Done only at COMPLETED (a product without its sku in the answer is left for "not reported"); running
 * at SYNC_PROCESS_RUNNING; any other status is unknown, so the batch's results are unknown too.
 */
export function syncProcessStatus(data: SyncProcessData): CatalogueProcessStatus {
  if (typeof data.status === 'string' && SYNC_PROCESS_RUNNING.includes(data.status)) return { done: false };
  if (data.status !== 'COMPLETED') {
    const status = typeof data.status === 'string' ? data.status.slice(0, 40).replace(/[^\w .-]/g, '?') : 'none';
    return { done: 'unknown', reason: `CRM.COM process status ${status} (not one we know)` };
  }
  return {
    done: true,
    processed: (data.processed_products ?? []).filter((p) => typeof p.sku === 'string').map((p) => ({ code: p.sku as string, ...(p.id && { vendorId: p.id }) })),
    unprocessed: (data.unprocessed_products ?? [])
      .filter((p) => typeof p.sku === 'string')
      .map((p) => ({ code: p.sku as string, errorCode: p.error_code ?? 'Unprocessed', errorDescription: p.error_description ?? 'CRM.COM did not process this product' })),
  };
}

export type Outcome<T> = { ok: true; body: T } | { ok: false; error: CrmError };

/** Fixed namespace so the same reference always names the same purchase, across workers and restarts. */
const PURCHASE_ID_NAMESPACE = Buffer.from('3f0c6a525d0e4b8e9a6d2c1f7e4b9d10', 'hex');

/** Our purchase id for a reference: a name-based (v5-style, SHA-1) UUID, the same on every attempt. */
export function crmcomPurchaseId(reference: string): string {
  const bytes = createHash('sha1').update(PURCHASE_ID_NAMESPACE).update(reference, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** 2xx is the resource; a `tolerated` error code is handed back; any other 4xx is a refusal (5xx/429 never get here). */
export function classify<T>(res: VendorResponse<unknown>, operation: string, tolerated: readonly string[], secrets: readonly string[] = []): Outcome<T> {
  if (res.status >= 200 && res.status < 300) {
    if (res.body !== null && typeof res.body === 'object') return { ok: true, body: res.body as T };
    throw vendorUnavailable(CRMCOM_VENDOR, `${operation}: HTTP ${res.status} without a JSON body`, { httpStatus: res.status, response: res.body });
  }
  const error = asCrmError(res.body);
  if (error && tolerated.includes(error.error)) return { ok: false, error };
  throw rejectionFrom(error ?? { status: res.status, error: `HTTP_${res.status}` }, res.status, operation, res.body, secrets);
}

/**
 * `secrets`: the spend secrets (OTP, pass code) the request carried. CRM.COM's error shape echoes
 * `[entity, value]` in `parameters` (the document's own example), so a refused secret would come
 * back in clear: only the first (the field's name, which tells whose refusal it is) is kept, and the
 * secrets are cut out of CRM.COM's message (the failure's message, the audit row, the history).
 */
export function rejectionFrom(error: CrmError, httpStatus: number, operation: string, raw: unknown = error, secrets: readonly string[] = []): ApplicationFailure {
  if (secrets.length > 0) {
    const scrub = (text: string | undefined) => (text === undefined ? undefined : withoutSecrets(text, secrets));
    const crm = asCrmError(raw);
    return rejectionFrom(
      { ...error, message: scrub(error.message), parameters: firstParameterOnly(error.parameters) as string[] | undefined },
      httpStatus,
      operation,
      crm ? { ...(raw as object), message: scrub(crm.message), parameters: firstParameterOnly(crm.parameters) } : raw,
    );
  }
  const configuration = httpStatus === 401 || httpStatus === 403;
  return vendorRejection({
    vendor: CRMCOM_VENDOR,
    code: error.error,
    reason: configuration ? 'CRM.COM refused our API key (check CRMCOM_API_KEY and its permissions)' : cashierReason(error),
    httpStatus,
    // A customer search may echo the searched phone or e-mail back in `parameters`.
    response:
      operation === 'customers.list' && asCrmError(raw)
        ? { ...(raw as object), parameters: '[redacted]' }
        : raw,
  });
}

/** `text` with every secret replaced by [redacted]. */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  return secrets.filter((v) => v.length > 0).reduce((t, value) => t.split(value).join('[redacted]'), text);
}

function firstParameterOnly(parameters: unknown): unknown {
  return Array.isArray(parameters) ? parameters.map((p: unknown, i) => (i === 0 ? p : '[redacted]')) : parameters === undefined ? undefined : '[redacted]';
}

function cashierReason(error: CrmError): string {
  const [entity, value] = error.parameters ?? [];
  if (error.error === CRMCOM_NOT_FOUND && entity === 'contact') return 'CRM.COM knows no such customer';
  if (error.error === CRMCOM_NOT_FOUND && entity === 'product') return `CRM.COM does not know product ${String(value)}`;
  return error.message ? `CRM.COM: ${error.message}` : `CRM.COM refused (${error.error})`;
}

export function asCrmError(body: unknown): CrmError | undefined {
  const b = body as Partial<CrmError> | null;
  return b !== null && typeof b === 'object' && typeof b.error === 'string' ? { ...b, status: Number(b.status), error: b.error } : undefined;
}

export function toPurchaseResult(data: PurchaseData, currency: string, spendMinor?: number): LoyaltyPurchaseResult {
  const approvedMinor = fromVendorAmount(data.spend?.approved ?? 0, currency);
  const result: LoyaltyPurchaseResult = {
    purchaseNumber: data.id,
    awardedMinor: fromVendorAmount(data.awarded ?? 0, currency),
    // Without a spend request, any spend CRM.COM made came from the contact's auto-spend preferences.
    automaticSpendMinor: spendMinor === undefined ? approvedMinor : 0,
  };
  if (spendMinor === undefined) return result;
  const requestedMinor = data.spend?.requested !== undefined ? fromVendorAmount(data.spend.requested, currency) : spendMinor;
  result.spend = { spendNumber: null, requestedMinor, approvedMinor };
  // A reduced spend is a normal answer (the POS deducts what was approved); only "nothing" is a refusal.
  // We asked (spendMinor): a purchase found by lookup that carries no spend at all is refused too.
  if ((requestedMinor > 0 || spendMinor > 0) && approvedMinor === 0) {
    result.spend.refusal = { code: SPEND_NOT_APPROVED, reason: 'CRM.COM approved no spend (wallet balance or spend rules)' };
  }
  return result;
}

/** performed_on is an epoch integer (vendors.md §1.2, doc C4); seconds is our reading of it. */
export function epochSeconds(isoInstant: string): number {
  const ms = Date.parse(isoInstant);
  if (Number.isNaN(ms)) {
    throw ApplicationFailure.create({ type: 'InvalidPurchase', message: `performedOn ${isoInstant} is not a date`, nonRetryable: true });
  }
  return Math.floor(ms / 1000);
}
