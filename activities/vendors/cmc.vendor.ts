import { toVendorNumber } from '../../core/money/money';
import type { VendorCircuits } from './vendor-circuits';
import { localIsoWithOffset } from '../../core/stores/local-time';
import type { AppConfig } from '../../core/config/app-config';
import type { PostTenderCapability, PostTenderReceipt, PostTenderTransaction } from './capabilities';
import {
  CMC_VENDOR as VENDOR,
  cmcResponseExcerpt,
  definitelyNotApplied,
  errorCode,
  isSessionRefusal,
  outcomeUnknown,
  statusRejection,
  toReceipt,
  unwrap,
  type InteractionData,
  type ProblemDetails,
  type TransactionData,
} from './cmc-envelope';
import { redact } from './redact';
import { recordUnknownOutcome, type CallFacts, type VendorCallContext } from './vendor-call';
import { vendorRejection, vendorUnavailable } from './vendor-errors';
import { TokenCache, type IssuedToken } from './token-cache';
import { VendorHttp, type VendorHttpOptions } from './vendor-http';

export interface CmcOptions extends Pick<VendorHttpOptions, 'circuit'> {
  /** Stands in for https://public-api-demo.clearline.me: the adapter appends `/pos/{posSystemId}/...`. */
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  posSystemId: string;
  timeoutMs: number;
  /** Clock for token expiry; tests move it. */
  now?: () => number;
}

const DEFAULT_TOKEN_LIFETIME_S = 3600;
const TOKEN_RENEW_MARGIN_MS = 5 * 60 * 1000;
/**
 * The API reference lists transactionType values Undefined and Sale only. A refund is told apart by its
 * negative amount (ClearLine's guidance), so it goes as the neutral Undefined rather than an invented "Refund".
 */
const SALE_TYPE = 'Sale';
const REFUND_TYPE = 'Undefined';

/** CMC = ClearLine post-tender: vendor-docs/cmc-post-tender.txt, vendors.md §4. */
export class CmcVendor implements PostTenderCapability {
  readonly vendor = VENDOR;
  private readonly http: VendorHttp;
  private readonly now: () => number;
  private readonly tokens: TokenCache;

  constructor(private readonly options: CmcOptions) {
    this.http = new VendorHttp(VENDOR, options.timeoutMs, { responseExcerpt: cmcResponseExcerpt, circuit: options.circuit });
    this.now = options.now ?? Date.now;
    this.tokens = new TokenCache(() => this.requestToken(), this.now);
  }

  sendTransaction(ctx: VendorCallContext, tx: PostTenderTransaction): Promise<PostTenderReceipt> {
    return this.post(ctx, 'pos.transaction', tx, { transactionType: SALE_TYPE, amountMinor: tx.amountMinor });
  }

  sendRefund(ctx: VendorCallContext, tx: PostTenderTransaction & { originalTransactionId: string }): Promise<PostTenderReceipt> {
    // `originalTransactionId` is our name: ClearLine says "reference the original transaction ID" without a field.
    return this.post(ctx, 'pos.refund', tx, {
      transactionType: REFUND_TYPE,
      amountMinor: -Math.abs(tx.amountMinor),
      originalTransactionId: tx.originalTransactionId,
    });
  }

  /**
   * startInteraction, then the transaction under our reference, sent at most once. ClearLine documents
   * neither a lookup nor duplicate detection (vendors.md §4: "Duplicate detection on `transactionId`:
   * **[unknown]**"), so a transaction whose earlier send may have reached it is never sent again: the
   * effect intent (core/effects) says an earlier try got as far as sending, and this try then records
   * an `unknown` audit row (our reference and the amount, for ops and finance) and fails with the
   * non-retryable OUTCOME_UNKNOWN refusal, which the phase after payment turns into an exception on
   * the receipt (or the void's / return's exceptions) while the sale stands. A send ClearLine certainly
   * did not apply (definitelyNotApplied: never written, or answered "not done") clears the intent, so
   * a retry does send it; a lost reply (a timeout after the request was written) does not.
   */
  private async post(
    ctx: VendorCallContext,
    operation: string,
    tx: PostTenderTransaction,
    kind: { transactionType: string; amountMinor: number; originalTransactionId?: string },
  ): Promise<PostTenderReceipt> {
    const transactionDate = transactionDateAt(ctx, tx.transactionDate);
    tx = { ...tx, ...placeOf(ctx, tx) };
    // Nothing of the transaction is sent before the intent is written: a failed interaction leaves none.
    let sessionId = await this.startInteraction(ctx, tx);
    if (await ctx.effectMayHaveBeenSent(VENDOR, operation)) return this.outcomeUnknown(ctx, operation, kind.amountMinor);
    let mayBeApplied = true;
    try {
      for (let restarted = false; ; restarted = true) {
        mayBeApplied = true;
        try {
          const data = await this.sendTransactionOnce(ctx, operation, tx, kind, sessionId, transactionDate);
          return toReceipt(data, sessionId);
        } catch (err) {
          if (definitelyNotApplied(err)) mayBeApplied = false;
          // A session that expired between the two calls: restart the interaction once (vendors.md §4).
          if (restarted || !isSessionRefusal(err)) throw err;
        }
        sessionId = await this.startInteraction(ctx, tx);
      }
    } catch (err) {
      // Known not applied: forget the intent so the retry sends. If it cannot be forgotten it stays,
      // and the retry ends "outcome unknown" instead: the safe side.
      if (!mayBeApplied) await ctx.effectNotApplied?.(VENDOR, operation).catch(() => undefined);
      throw err;
    }
  }

  private sendTransactionOnce(
    ctx: VendorCallContext,
    operation: string,
    tx: PostTenderTransaction,
    kind: { transactionType: string; amountMinor: number; originalTransactionId?: string },
    sessionId: string,
    transactionDate: string,
  ): Promise<TransactionData> {
    const customer = customerBlock(tx);
    const body = {
      sessionId,
      ...(customer && { customer }),
      ...(tx.salesPerson && { salesPerson: tx.salesPerson }),
      transactionId: ctx.reference,
      transactionType: kind.transactionType,
      transactionAmount: toVendorNumber(kind.amountMinor, ctx.currency),
      transactionDate,
      terminalId: tx.terminalId,
      posLocationId: tx.posLocationId,
      products: tx.lines.map((line) => ({ productId: line.sku, productName: line.description ?? line.sku, quantity: line.quantity })),
      ...(tx.cardNumber !== undefined && { cardNumber: tx.cardNumber }),
      ...(kind.originalTransactionId && { originalTransactionId: kind.originalTransactionId }),
    };
    // The till's own customer id is personal data: redacted from the audit excerpt by path (the
    // name-based redaction cannot tell it from any other `id`); the pseudonymous one stays.
    const secretPaths = tx.customer?.id !== undefined ? ['customer.id'] : [];
    // A name, contact, birth date, sales person or card: the customer's id alone (the POS's own, or
    // the pseudonymous one) is not among them.
    const sentPeople = Object.keys(customer ?? {}).some((k) => k !== 'id') || tx.salesPerson !== undefined || tx.cardNumber !== undefined;
    return this.call<TransactionData>(
      ctx,
      operation,
      'transaction',
      body,
      secretPaths,
      (d) => {
        if (d.posStatus && d.posStatus !== 'Accepted') throw statusRejection(d.posStatus, tx, d);
        if (d.id === null || d.id === undefined || d.id === '') {
          throw vendorUnavailable(VENDOR, `${operation}: answer without data.id`, { response: d });
        }
        return { vendorReference: String(d.id), amountMinor: kind.amountMinor };
      },
      sentPeople,
    );
  }

  /**
   * The earlier send may have been applied and cannot be looked up: audit it as `unknown` (no call was
   * made; the row carries our reference and the amount, no personal data) and refuse the step.
   */
  private async outcomeUnknown(ctx: VendorCallContext, operation: string, amountMinor: number): Promise<never> {
    const { reason, failure } = outcomeUnknown(ctx.reference, operation);
    await recordUnknownOutcome(ctx, {
      vendor: VENDOR,
      operation,
      reason,
      requestExcerpt: { transactionId: ctx.reference, attempt: ctx.attempt, sent_again: false },
      amountMinor,
    });
    throw failure;
  }

  private async startInteraction(ctx: VendorCallContext, tx: PostTenderTransaction): Promise<string> {
    const data = await this.call<InteractionData>(
      ctx,
      'pos.startInteraction',
      'startInteraction',
      { terminalId: tx.terminalId, posLocationId: tx.posLocationId },
      [],
      (d) => {
        if (d.posStatus !== 'Accepted') throw statusRejection(d.posStatus ?? 'unknown', tx, d);
        if (!d.sessionId) throw vendorUnavailable(VENDOR, 'pos.startInteraction: Accepted without a sessionId', { response: d });
        return { vendorReference: d.sessionId };
      },
    );
    return data.sessionId as string;
  }

  /**
   * One API call: bearer token, `{data}` unwrapped and judged by `facts`, a refused token renewed once.
   * `secretPaths`: body paths redacted from the audit excerpt whatever their name. `sentPeople`: the
   * body names people, so a refusal's reason quotes none of ClearLine's words (unwrap).
   */
  private async call<T>(
    ctx: VendorCallContext,
    operation: string,
    path: string,
    body: object,
    secretPaths: readonly string[],
    facts: (data: T) => CallFacts,
    sentPeople = false,
  ): Promise<T> {
    const url = `${this.options.baseUrl}/pos/${encodeURIComponent(this.options.posSystemId)}/${path}`;
    return this.tokens.withToken(
      async (token) => {
        const res = await this.http.audited<{ data?: T } | ProblemDetails | null>(
          ctx,
          { operation, method: 'POST', url, headers: { authorization: `Bearer ${token}` }, body, secretPaths },
          (r) => facts(unwrap<T>(r, operation, sentPeople)),
        );
        return unwrap<T>(res, operation, sentPeople);
      },
      (err) => errorCode(err) === 'HTTP_401',
    );
  }

  /** Not audited, like every adapter's token call: it carries nothing of the sale, and its answer is a secret. */
  private async requestToken(): Promise<IssuedToken> {
    const issuedAt = this.now();
    // RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding.
    const basic = Buffer.from(`${encodeURIComponent(this.options.clientId)}:${encodeURIComponent(this.options.clientSecret)}`).toString('base64');
    const res = await this.http.send<unknown>({
      operation: 'connect.token',
      method: 'POST',
      url: this.options.tokenUrl,
      headers: { authorization: `Basic ${basic}` },
      form: { grant_type: 'client_credentials', scope: 'pos_integration' },
    }).catch((err: unknown) => {
      // The token call carries nothing of the sale: whatever it hit, no transaction was sent with it
      // (notSent), so a send that failed here keeps no effect intent (definitelyNotApplied).
      throw vendorUnavailable(VENDOR, `connect.token: ${err instanceof Error ? err.message : String(err)}`, { notSent: true });
    });
    const { status, body } = res;
    const answer = (body ?? {}) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (status >= 400) {
      throw vendorRejection({
        vendor: VENDOR,
        code: typeof answer.error === 'string' ? answer.error : `HTTP_${status}`,
        reason: 'ClearLine (CMC) refused our POS integration credentials; check CMC_CLIENT_ID and CMC_CLIENT_SECRET.',
        httpStatus: status,
        response: redact(body),
      });
    }
    if (typeof answer.access_token !== 'string' || !answer.access_token) {
      throw vendorUnavailable(VENDOR, `connect.token: HTTP ${status} without an access_token`, { httpStatus: status, notSent: true });
    }
    const lifetimeMs = (typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : DEFAULT_TOKEN_LIFETIME_S) * 1000;
    return { value: answer.access_token, renewAt: issuedAt + lifetimeMs - Math.min(TOKEN_RENEW_MARGIN_MS, lifetimeMs / 2) };
  }
}

export function createCmcVendor(config: AppConfig, circuits?: VendorCircuits): CmcVendor {
  return new CmcVendor({
    baseUrl: config.cmcBaseUrl,
    tokenUrl: config.cmcTokenUrl,
    clientId: config.CMC_CLIENT_ID,
    clientSecret: config.CMC_CLIENT_SECRET,
    posSystemId: config.CMC_POS_SYSTEM_ID,
    timeoutMs: config.VENDOR_TIMEOUT_MS,
    circuit: circuits?.of(VENDOR),
  });
}


/**
 * SendTransaction's customer block as cmc-post-tender.txt lays it out: `Id`, `firstName`, `lastName`,
 * `birthDate`, and `contacts` ("Customer contacts data block") holding the e-mail and `phone`. The
 * document's contacts row for the e-mail lost its field name ("| Customer email | |"); vendors.md §4
 * reads it `contacts[{email, phone}]`, which we follow. The id is the till's own customer id, else
 * the pseudonymous (keyed-hash) one. Only what the till gave is sent; nothing at all without either.
 */
function customerBlock(tx: PostTenderTransaction): Record<string, unknown> | undefined {
  const c = tx.customer;
  const id = c?.id ?? tx.customerId;
  const contact = { ...(c?.email !== undefined && { email: c.email }), ...(c?.phone !== undefined && { phone: c.phone }) };
  const block = {
    ...(id !== undefined && { id }),
    ...(c?.firstName !== undefined && { firstName: c.firstName }),
    ...(c?.lastName !== undefined && { lastName: c.lastName }),
    ...(c?.birthDate !== undefined && { birthDate: c.birthDate }),
    ...(Object.keys(contact).length > 0 && { contacts: [contact] }),
  };
  return Object.keys(block).length > 0 ? block : undefined;
}

/**
 * transactionDate: the document says only "Transaction date", vendors.md §4 "(ISO)". An ISO 8601 time
 * with the store's offset says both the till's wall clock and the instant; without a store profile (a
 * saga from before stores were data) the UTC instant, as then.
 */
function transactionDateAt(ctx: VendorCallContext, value: string): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new TypeError(`transactionDate ${JSON.stringify(value)} is not a date`);
  return ctx.storeProfile ? localIsoWithOffset(at, ctx.storeProfile.timeZone) : at.toISOString();
}

/** The store's ClearLine location and the till's terminal from the store profile; else what the saga passed (store, till). */
function placeOf(ctx: VendorCallContext, tx: PostTenderTransaction): Pick<PostTenderTransaction, 'terminalId' | 'posLocationId'> {
  return ctx.storeProfile
    ? { terminalId: ctx.storeProfile.cmcTerminal, posLocationId: ctx.storeProfile.cmcLocation }
    : { terminalId: tx.terminalId, posLocationId: tx.posLocationId };
}

