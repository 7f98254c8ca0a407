import { RefusalCodes } from '../../workflows/checkout.contract';
import type { PostTenderReceipt, PostTenderTransaction } from './capabilities';
import { definitelyNotApplied as anyVendorDefinitelyNotApplied, failureDetails, isRejection, vendorRejection, vendorResponseOf, vendorUnavailable } from './vendor-errors';
import { REDACTED } from './redact';
import type { VendorResponse } from './vendor-http';

/** ClearLine's `{data: ...}` answers and its refusals, read for the CMC adapter (cmc.vendor.ts). */
export const CMC_VENDOR = 'cmc';
const VENDOR = CMC_VENDOR;

export interface InteractionData {
  terminalId?: string;
  posLocationId?: string;
  sessionId?: string | null;
  posStatus?: string;
}

/** Both published shapes: the seed page's flat URLs and the API reference's `qrCode{...}` block. */
export interface QrCodeWidgetData {
  shortLinkUrl?: string | null;
  qrCodeLinkUrl?: string | null;
  qrCodeHtmlLinkUrl?: string | null;
  qrCodePreviewLinkUrl?: string | null;
  qrCode?: { htmlLinkUrl?: string | null; previewHtmlLinkUrl?: string | null } | null;
}

export interface TransactionData {
  id?: string | number | null;
  sessionId?: string | null;
  qrCodeWidget?: QrCodeWidgetData | null;
  cfsTemplate?: { accountTemplateId?: string | number | null; cfsCarouselUrl?: string | null } | null;
  posStatus?: string;
}

/** ASP.NET Core ProblemDetails, the likely error body; nothing in it is relied on but `errors` keys. */
export interface ProblemDetails {
  title?: string;
  detail?: string;
  errors?: Record<string, unknown>;
}


/**
 * `{data}` on 2xx; any other status the vendor used for "no" becomes a rejection (429/5xx never get
 * here). `sentPeople`: the request carried a customer, sales person or card number. ClearLine's
 * words (detail, title) are then never put in the reason: the reason becomes the failure message,
 * which Temporal keeps in clear in the history, the worker logs and the receipt carries, and an
 * ASP.NET error text may quote the value it refused ("'LC12345' is not a valid card for Adelina ...").
 */
export function unwrap<T>(res: VendorResponse<{ data?: T } | ProblemDetails | null>, operation: string, sentPeople = false): T {
  const body = res.body;
  if (res.status >= 200 && res.status < 300) {
    const data = body && typeof body === 'object' && 'data' in body ? body.data : undefined;
    if (data && typeof data === 'object') return data;
    throw vendorUnavailable(VENDOR, `${operation}: HTTP ${res.status} without a data block`, { httpStatus: res.status, response: body });
  }
  if (res.status === 408) throw vendorUnavailable(VENDOR, `${operation}: HTTP 408`, { httpStatus: 408, response: body });
  const problem = (body && typeof body === 'object' ? body : {}) as ProblemDetails;
  throw vendorRejection({
    vendor: VENDOR,
    code: `HTTP_${res.status}`,
    reason: refusalReason(res.status, operation, problem, sentPeople),
    httpStatus: res.status,
    response: body,
  });
}

/** A field path as ASP.NET names one (`customer.firstName`, `$.products[0]`): anything else is not quoted. */
const FIELD_NAME = /^[\w$.[\]-]{1,64}$/;

function refusalReason(status: number, operation: string, problem: ProblemDetails, sentPeople: boolean): string {
  const vendorWords = sentPeople ? undefined : (problem.detail ?? problem.title);
  const suffix = vendorWords ? ` (ClearLine: ${vendorWords})` : '';
  if (status === 401 || status === 403) return `ClearLine (CMC) did not accept our access for this POS integration${suffix}.`;
  if (status === 404 && operation === 'pos.startInteraction') {
    return `This till is not registered as a CFS terminal in ClearLine (CMC); a newly added terminal can take a few minutes to sync${suffix}.`;
  }
  if (status === 404 && operation === 'pos.refund') return `ClearLine (CMC) does not know the original sale or this till${suffix}.`;
  if (status === 404) return `This till is not registered as a CFS terminal in ClearLine (CMC)${suffix}.`;
  const fields = problem.errors && typeof problem.errors === 'object' ? Object.keys(problem.errors).filter((k) => FIELD_NAME.test(k)) : [];
  const detail = fields.length ? ` (fields: ${fields.join(', ')})` : suffix;
  return `ClearLine (CMC) refused the ${operation === 'pos.refund' ? 'refund' : 'transaction'} (HTTP ${status})${detail}.`;
}

/** ProblemDetails members kept in an audit excerpt: the rest is the vendor's free text. */
const PROBLEM_KEPT = new Set(['type', 'status', 'traceId']);

/**
 * What an audit excerpt keeps of a ClearLine answer (VendorHttp's responseExcerpt, before the usual
 * key redaction): a `{data}` answer whole; of an error body (ProblemDetails) its type, status and
 * traceId, and the names of the fields `errors` lists, never their messages, the detail or the title,
 * which may quote a customer's name or card.
 */
export function cmcResponseExcerpt(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || 'data' in body) return body;
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([key, value]) => {
      if (PROBLEM_KEPT.has(key) && (typeof value === 'number' || typeof value === 'string')) return [key, value];
      if (key === 'errors' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return [key, Object.fromEntries(Object.keys(value).map((field) => [FIELD_NAME.test(field) ? field : REDACTED, REDACTED]))];
      }
      return [key, REDACTED];
    }),
  );
}

export function statusRejection(vendorStatus: string, tx: PostTenderTransaction, response: unknown) {
  // The vendor's word: quoted only when it is one (the documented ones are Accepted, Disabled, NotAvailable).
  const posStatus = /^[A-Za-z]{1,32}$/.test(vendorStatus) ? vendorStatus : 'Unrecognised';
  const state = posStatus === 'Disabled' ? 'is disabled' : posStatus === 'NotAvailable' ? 'is not available' : `has status ${posStatus}`;
  return vendorRejection({
    vendor: VENDOR,
    code: posStatus,
    reason: `Till ${tx.terminalId} at ${tx.posLocationId} ${state} in ClearLine (CMC), so the sale was not sent to CMC.`,
    httpStatus: 200,
    response,
  });
}

/**
 * Whether a failed transaction send is known NOT to have been applied by ClearLine, so that a later
 * try may send it again (cmc.vendor.ts clears the effect intent): what holds for every vendor
 * (vendor-errors.ts: never written, a 4xx, 503), and an answer naming a posStatus other than Accepted
 * ("Only "Accepted" POS can send a transaction", cmc-post-tender.txt). Any other 5xx may have been
 * applied, ClearLine's own ProblemDetails body included: ASP.NET answers an exception thrown after
 * the transaction was saved (say while building its QR widget) with exactly that, and the document
 * says nothing of what a 500 means.
 */
export function definitelyNotApplied(err: unknown): boolean {
  const { code, httpStatus } = failureDetails(err);
  if (isRejection(err) && httpStatus === 200) return code !== undefined && !code.startsWith('HTTP_');
  return anyVendorDefinitelyNotApplied(err);
}

/**
 * A transaction not sent again because an earlier send may have been applied: a non-retryable refusal
 * carrying OUTCOME_UNKNOWN, which the phase after payment turns into an exception for finance.
 */
export function outcomeUnknown(reference: string, operation: string): { reason: string; failure: Error } {
  const what = operation === 'pos.refund' ? 'refund' : 'sale';
  const reason =
    `The ${what} ${reference} may have reached ClearLine (CMC) on an earlier try whose answer was lost. ClearLine has no lookup ` +
    'and does not document duplicate detection, so it was not sent again: check ClearLine for it before sending it by hand.';
  return { reason, failure: vendorRejection({ vendor: VENDOR, code: RefusalCodes.outcomeUnknown, reason }) };
}

export function isSessionRefusal(err: unknown): boolean {
  const response = vendorResponseOf(err) as ProblemDetails | undefined;
  return errorCode(err) === 'HTTP_400' && Object.keys(response?.errors ?? {}).some((k) => k.toLowerCase() === 'sessionid');
}

export function errorCode(err: unknown): string | undefined {
  return (err as { details?: Array<{ code?: string }> }).details?.[0]?.code;
}

export function toReceipt(data: TransactionData, sessionId: string): PostTenderReceipt {
  // A replayed transaction answers with the session it was first recorded under.
  const receipt: PostTenderReceipt = { vendorTransactionId: String(data.id), sessionId: data.sessionId || sessionId };
  const qr = data.qrCodeWidget;
  const widget = qr && present({
    shortLinkUrl: qr.shortLinkUrl,
    qrCodeLinkUrl: qr.qrCodeLinkUrl,
    qrCodeHtmlLinkUrl: qr.qrCodeHtmlLinkUrl ?? qr.qrCode?.htmlLinkUrl,
    qrCodePreviewLinkUrl: qr.qrCodePreviewLinkUrl ?? qr.qrCode?.previewHtmlLinkUrl,
  });
  if (widget) receipt.qrCodeWidget = widget;
  const cfs = data.cfsTemplate;
  const template = cfs && present({
    accountTemplateId: cfs.accountTemplateId === null || cfs.accountTemplateId === undefined ? undefined : String(cfs.accountTemplateId),
    cfsCarouselUrl: cfs.cfsCarouselUrl,
  });
  if (template) receipt.cfsTemplate = template;
  return receipt;
}

/** The fields that carry a value, or undefined when none does. */
function present<K extends string>(fields: Record<K, string | null | undefined>): Partial<Record<K, string>> | undefined {
  const kept = Object.entries(fields).filter((e): e is [K, string] => typeof e[1] === 'string' && e[1] !== '');
  return kept.length ? (Object.fromEntries(kept) as Partial<Record<K, string>>) : undefined;
}
