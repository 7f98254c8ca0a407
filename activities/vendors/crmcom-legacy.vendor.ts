import { ApplicationFailure } from '@temporalio/common';
import type { VendorCircuits } from './vendor-circuits';
import { toVendorNumber } from '../../core/money/money';
import type { AppConfig } from '../../core/config/app-config';
import {
  CATALOGUE_BATCH_LIMIT,
  type CatalogueCapability,
  type CatalogueProduct,
  type CatalogueSyncResult,
  type CustomerIdentifier,
  type LoyaltyCapability,
  type LoyaltyCustomer,
  type LoyaltyGoodsReturn,
  type LoyaltyPreview,
  type LoyaltyPurchase,
  type LoyaltyPurchaseResult,
  type LoyaltySpendResult,
} from './capabilities';
import {
  type Answer,
  CRMCOM_VENDOR as VENDOR,
  type Envelope,
  type PreviewData,
  type PurchaseData,
  type ShowParticipantData,
  type SpendRequestData,
  type SynchroniseData,
  TOKEN_ERROR_CODES,
  approvedMinor,
  minor,
  participantIdentifier,
  productsSet,
  readEnvelope,
  toCrmcomLocalTime,
  toPurchaseResult,
  toSpendResult,
  toSyncProduct,
  toSyncResult,
  unwrap,
} from './crmcom-legacy-envelope';
import { recordRecoveredEffect, recordUnknownOutcome, type CallFacts, type VendorCallContext } from './vendor-call';
import { definitelyNotApplied, isRejection, rejectionDetails, vendorRejection, vendorUnavailable } from './vendor-errors';
import { TokenCache, type IssuedToken } from './token-cache';
import { VendorHttp, type VendorHttpOptions } from './vendor-http';

export { toCrmcomLocalTime } from './crmcom-legacy-envelope';

export interface CrmcomLegacyOptions extends Pick<VendorHttpOptions, 'circuit'> {
  baseUrl: string;
  webApiKey: string;
  unitName: string;
  timeoutMs: number;
  /** products/synchronise definition, by alternative_code (CRMCOM_SYNC_DEFINITION). */
  syncDefinition?: string;
}

/** Tokens live 2 h from issue (vendors.md §1.1); renew with margin so a call never carries a dying one. */
const TOKEN_LIFETIME_MS = 2 * 60 * 60 * 1000;
const TOKEN_RENEW_MARGIN_MS = 10 * 60 * 1000;
const NOTHING_TOLERATED: ReadonlySet<string> = new Set();
/**
 * Cancel answers that mean "nothing left to undo". NotFoundAPIValueException is the document's own
 * name; the "already cancelled" name is not documented (the sandbox's choice).
 */
const ALREADY_UNDONE_CODES: ReadonlySet<string> = new Set(['NotFoundAPIValueException', 'CustomerEventAlreadyCancelledException']);
const PURCHASE_FIELDS = 'number,total_awarded_amount,total_spend_amount,reference_number';
const PREVIEW_FIELDS = 'total_additional_spend_amount,total_automatic_spend_amount,reduction_method,total_instant_spend_amount,total_award_amount';
const SPEND_FIELDS = 'number,spend_amount,reduction_method,spend_reward_transaction';
/**
 * purchases/list pages: the document's maximum; how many pages back from the list's end a lookup
 * reads (1,000 purchases); how many calls one lookup may make in all (finding the end included).
 */
const LIST_PAGE_SIZE = 50;
const LOOKUP_MAX_PAGES = 20;
export const LOOKUP_MAX_CALLS = 60;
/** A non-retryable failure: the effect may stand at CRM.COM and no documented call can tell. */
export const OUTCOME_UNKNOWN = 'VendorOutcomeUnknown';
const CANCEL_FIELDS = 'number,life_cycle_state';

export function createCrmcomLegacyVendor(config: AppConfig, circuits?: VendorCircuits): CrmcomLegacyVendor {
  return new CrmcomLegacyVendor({
    baseUrl: config.crmcomBaseUrl,
    webApiKey: config.CRMCOM_WEB_API_KEY,
    unitName: config.CRMCOM_UNIT_NAME,
    timeoutMs: config.VENDOR_TIMEOUT_MS,
    circuit: circuits?.of(VENDOR),
    syncDefinition: config.CRMCOM_SYNC_DEFINITION,
  });
}

/** The spend's external_system_reference_number: one per purchase step, so a retry names the same spend. */
export function spendReference(ctx: VendorCallContext): string {
  return `${ctx.reference}:spend`;
}

/** CRM.COM legacy Web API (`/crmapi/rest/v2`, token in the body): vendor-docs/crmcom-v1-pos-integration.txt. */
export class CrmcomLegacyVendor implements LoyaltyCapability, CatalogueCapability {
  readonly vendor = VENDOR;
  private readonly http: VendorHttp;
  private readonly tokens = new TokenCache(() => this.requestToken());

  constructor(private readonly options: CrmcomLegacyOptions) {
    this.http = new VendorHttp(VENDOR, options.timeoutMs, { circuit: options.circuit });
  }

  async identify(ctx: VendorCallContext, identifier: CustomerIdentifier): Promise<LoyaltyCustomer> {
    const res = await this.call<ShowParticipantData>(ctx, 'rewards_participants.show', 'rewards_participants/show', {
      rewards_participant_identifier: participantIdentifier(identifier),
      fields_set: 'accounts_receivable,wallet',
    }, (data) => ({ vendorReference: data.accounts_receivable?.number ?? null }));
    const accountNumber = res.accounts_receivable?.number;
    if (!accountNumber) throw vendorUnavailable(VENDOR, 'rewards_participants/show returned no accounts_receivable.number');
    return { accountNumber, walletBalanceMinor: minor(res.wallet?.balance, ctx.currency) };
  }

  async preview(ctx: VendorCallContext, customer: LoyaltyCustomer, purchase: LoyaltyPurchase): Promise<LoyaltyPreview> {
    // The doc's prose names accounts_receivable_identifier (its example shows the participant's access
    // token); we hold the account number from identify, so we send that.
    const data = await this.call<PreviewData>(ctx, 'purchases.preview', 'customer_events/purchases/preview', {
      accounts_receivable_identifier: { number: customer.accountNumber },
      reference_number: ctx.reference,
      performed_by_unit_identifier: { name: unitOf(ctx, this.options.unitName) },
      performed_on: toCrmcomLocalTime(purchase.performedOn, ctx.storeProfile?.timeZone),
      products_set: productsSet(purchase.lines, ctx.currency),
      fields_set: PREVIEW_FIELDS,
    }, (d) => ({ amountMinor: minor(d.total_award_amount, ctx.currency) }));
    return {
      awardMinor: minor(data.total_award_amount, ctx.currency),
      automaticSpendMinor: minor(data.total_instant_spend_amount, ctx.currency) + minor(data.total_automatic_spend_amount, ctx.currency),
      maxAdditionalSpendMinor: minor(data.total_additional_spend_amount, ctx.currency),
      // Step 2 of the document: "the preview method will determine whether the purchase customer event
      // that will be submitted can be redeemed by the Front-End System (i.e. POS) or by a Back-End
      // System". FRONT_END_REDUCTION is the default (vendors.md §1.1), so only BACK_END_REDUCTION counts.
      reductionMethod: data.reduction_method === 'BACK_END_REDUCTION' ? 'back_end' : 'front_end',
    };
  }

  async submitPurchase(
    ctx: VendorCallContext,
    customer: LoyaltyCustomer,
    purchase: LoyaltyPurchase,
    spendMinor?: number,
  ): Promise<LoyaltyPurchaseResult> {
    // An earlier try (a retry, an activity reset) may have posted the purchase before its reply was
    // lost: look it up by our reference before posting again (CRM.COM has no idempotency key). When
    // the lookup cannot tell, we do not post again (at most once): see purchaseUnder.
    let existing: PurchaseData | undefined;
    if (await ctx.effectMayHaveBeenSent(VENDOR, 'purchases.create')) {
      const lookup = await this.purchaseUnder(ctx);
      if (lookup === 'unknown') throw await this.outcomeUnknown(ctx, 'purchases.create', 'the purchase may have been posted');
      existing = lookup;
    }
    if (existing) {
      await recordRecoveredEffect(ctx, {
        vendor: VENDOR,
        operation: 'purchases.create',
        foundBy: 'purchases.list',
        vendorReference: existing.number,
        amountMinor: minor(existing.total_awarded_amount, ctx.currency),
      });
    }
    const posted = existing ?? (await this.createPurchase(ctx, customer, purchase));
    const result = toPurchaseResult(posted, ctx.currency);
    if (spendMinor === undefined) return result;
    const spend = await this.spend(ctx, customer, purchase, posted.number, spendMinor, existing !== undefined);
    return { ...result, spend };
  }

  /**
   * The undo's lookup. No document has a way to find a spend request by our reference, so the spend
   * comes back unknown (null): voidPurchase then cancels the purchase, and a spend whose reply was
   * lost already has its OUTCOME_UNKNOWN row. A purchase the lookup cannot rule out is not "never
   * posted": the undo fails (non-retryable) and the saga ends compensation_failed for ops.
   */
  async findPurchase(ctx: VendorCallContext): Promise<{ purchaseNumber: string; spendNumber: string | null } | undefined> {
    const purchase = await this.purchaseUnder(ctx);
    if (purchase === 'unknown') throw await this.outcomeUnknown(ctx, 'purchases.create', 'the purchase to void may have been posted');
    return purchase && { purchaseNumber: purchase.number, spendNumber: null };
  }

  /**
   * The legacy (v1) guide has no return of goods and no partial purchase reversal: only a whole
   * purchase cancel. A partial return therefore cannot be reflected here; the refusal becomes an
   * exception on the return, for finance (the award share stays with the customer).
   */
  returnGoods(_ctx: VendorCallContext, _goods: LoyaltyGoodsReturn): Promise<{ returnNumber: string; alreadyReturned: boolean }> {
    return Promise.reject(
      vendorRejection({
        vendor: VENDOR,
        code: 'RETURN_NOT_SUPPORTED',
        reason: 'the CRM.COM legacy API has no partial return: the award share was not reversed at CRM.COM',
      }),
    );
  }

  async voidPurchase(
    ctx: VendorCallContext,
    purchase: { purchaseNumber: string; spendNumber?: string | null },
  ): Promise<{ alreadyVoided: boolean }> {
    // Spend first: the wallet gets its money back before the award it was spent against disappears.
    // Only a spend we know by number: no document lists a purchase's spends (there is no
    // spend_requests/list); vendors.md §5 has a spend follow its purchase, so the purchase cancel takes it along.
    const spendNumbers = typeof purchase.spendNumber === 'string' ? [purchase.spendNumber] : [];
    for (const number of spendNumbers) {
      await this.callTolerating<SpendRequestData>(ctx, 'spend_requests.cancel', 'customer_events/spend_requests/cancel', {
        customer_event_identifier: { number },
        fields_set: CANCEL_FIELDS,
      }, (d) => ({ vendorReference: d.number }), ALREADY_UNDONE_CODES);
    }
    const answer = await this.callTolerating<PurchaseData>(ctx, 'purchases.cancel', 'customer_events/purchases/cancel', {
      customer_event_identifier: { number: purchase.purchaseNumber },
      fields_set: CANCEL_FIELDS,
    }, (d) => ({ vendorReference: d.number }), ALREADY_UNDONE_CODES);
    return { alreadyVoided: !answer.ok };
  }

  async synchroniseProducts(ctx: VendorCallContext, products: CatalogueProduct[]): Promise<CatalogueSyncResult> {
    if (products.length > CATALOGUE_BATCH_LIMIT) {
      throw vendorRejection({
        vendor: VENDOR,
        code: 'TooManyProducts',
        reason: `CRM.COM synchronises at most ${CATALOGUE_BATCH_LIMIT} products a call; split the ${products.length}`,
      });
    }
    if (products.length === 0) return { processed: [], unprocessed: [] };
    // No lookup-before-retry: synchronise is an upsert by product code, so sending the batch again is harmless.
    const data = await this.call<SynchroniseData>(ctx, 'products.synchronise', 'products/synchronise', {
      synchronisation_definition_identifier: { alternative_code: this.options.syncDefinition ?? 'Product_Sync' },
      products_set: products.map(toSyncProduct),
      fields_set: 'unprocessed_products_set,processed_products_set',
    }, () => ({}));
    return toSyncResult(data);
  }

  private createPurchase(ctx: VendorCallContext, customer: LoyaltyCustomer, purchase: LoyaltyPurchase): Promise<PurchaseData> {
    return this.forgettingWhenNotApplied(ctx, 'purchases.create', () => this.call<PurchaseData>(ctx, 'purchases.create', 'customer_events/purchases/create', {
      accounts_receivable_identifier: { number: customer.accountNumber },
      performed_by_unit_identifier: { name: unitOf(ctx, this.options.unitName) },
      performed_on: toCrmcomLocalTime(purchase.performedOn, ctx.storeProfile?.timeZone),
      process_immediately: true,
      external_system: purchase.externalSystem,
      reference_number: ctx.reference,
      products_set: productsSet(purchase.lines, ctx.currency),
      fields_set: PURCHASE_FIELDS,
    }, (d) => ({ vendorReference: d.number, amountMinor: minor(d.total_awarded_amount, ctx.currency) })));
  }

  /**
   * An effect call CRM.COM certainly did not apply (never written, refused, 4xx, 503) clears its
   * intent, so the next try sends it without a lookup; with no documented lookup for a spend this is
   * what lets a spend refused by a 503 be sent again rather than end OUTCOME_UNKNOWN.
   */
  private async forgettingWhenNotApplied<T>(ctx: VendorCallContext, operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (definitelyNotApplied(err)) await ctx.effectNotApplied?.(VENDOR, operation).catch(() => undefined);
      throw err;
    }
  }

  /** The spend request against a posted purchase; CRM.COM's "no" is a refusal on the result, not a failure. */
  private async spend(
    ctx: VendorCallContext,
    customer: LoyaltyCustomer,
    purchase: LoyaltyPurchase,
    purchaseNumber: string,
    spendMinor: number,
    purchaseExisted: boolean,
  ): Promise<LoyaltySpendResult> {
    // Without spend_amount CRM.COM spends the whole purchase (vendors.md §1.1): never send zero or less.
    if (spendMinor <= 0) return { spendNumber: null, requestedMinor: spendMinor, approvedMinor: 0 };
    const reference = spendReference(ctx);
    // A spend can exist only if an earlier try sent one, against a purchase that existed before this
    // try. No document has a lookup for it (the legacy guide describes spend_requests/create only;
    // vendors.md adds spend_requests/show, by the spend's own number, which a lost reply never gave
    // us), so it is sent at most once: an earlier intent means we do not send again.
    const mayHaveBeenSent = await ctx.effectMayHaveBeenSent(VENDOR, 'spend_requests.create');
    if (mayHaveBeenSent && purchaseExisted) {
      throw await this.outcomeUnknown(ctx, 'spend_requests.create', `a wallet spend of ${spendMinor} minor units may have been taken`, spendMinor, purchaseNumber);
    }
    try {
      const data = await this.forgettingWhenNotApplied(ctx, 'spend_requests.create', () => this.call<SpendRequestData>(ctx, 'spend_requests.create', 'customer_events/spend_requests/create', {
        accounts_receivable_identifier: { number: customer.accountNumber },
        performed_by_unit_identifier: { name: unitOf(ctx, this.options.unitName) },
        performed_on: toCrmcomLocalTime(purchase.performedOn, ctx.storeProfile?.timeZone),
        external_system: purchase.externalSystem,
        external_system_reference_number: reference,
        process_immediately: true,
        spend_amount: toVendorNumber(spendMinor, ctx.currency),
        purchase_customer_request_identifier: { number: purchaseNumber },
        fields_set: SPEND_FIELDS,
      }, (d) => ({ vendorReference: d.number, amountMinor: approvedMinor(d, ctx.currency) })));
      return toSpendResult(data, spendMinor, ctx.currency);
    } catch (err) {
      if (!isRejection(err)) throw err;
      const details = rejectionDetails(err);
      return {
        spendNumber: null,
        requestedMinor: spendMinor,
        approvedMinor: 0,
        refusal: { code: details?.code ?? 'unknown', reason: details?.reason ?? 'CRM.COM refused the wallet spend' },
      };
    }
  }

  /**
   * Lookup-before-retry: the purchase posted under our reference_number; undefined when it was
   * certainly never posted; 'unknown' when no documented call can tell.
   *
   * The legacy guide documents no lookup by reference. purchases/list exists (vendors.md §1.1, doc
   * C2) but no document gives it a filter; what is documented is its paging ("The maximum number of
   * results can be 50, and objects are returned in chronological order (oldest requests are
   * retrieved fist)", and `offset` skips entities). So the filter is sent only as a hint and never
   * trusted: we match our reference on our side. A vendor that honours the filter answers on the
   * first page. One that ignores it lists everyone's purchases oldest first; ours, if an earlier try
   * posted it, is among the newest, so we find the list's end (doubling, then halving the offset)
   * and read back from it, at most LOOKUP_MAX_PAGES pages. Reaching the start without our reference
   * proves "never posted"; anything else proves nothing, and the caller must not post again.
   */
  private async purchaseUnder(ctx: VendorCallContext): Promise<PurchaseData | undefined | 'unknown'> {
    let calls = 0;
    let found: PurchaseData | undefined;
    /** One page at `offset`; undefined once the call budget is spent. */
    const read = async (offset: number): Promise<PurchaseData[] | undefined> => {
      if (calls >= LOOKUP_MAX_CALLS) return undefined;
      calls += 1;
      const page = await this.call<PurchaseData[]>(ctx, 'purchases.list', 'customer_events/purchases/list', {
        reference_number: ctx.reference,
        number_of_results: LIST_PAGE_SIZE,
        offset,
        fields_set: PURCHASE_FIELDS,
      }, (d) => ({ vendorReference: d.find((p) => p.reference_number === ctx.reference)?.number ?? null }));
      found ??= page.find((p) => p.reference_number === ctx.reference);
      return page;
    };
    const first = await read(0);
    if (found) return found;
    if (first && first.length < LIST_PAGE_SIZE) return undefined;
    const end = await this.listLength(read);
    if (found) return found;
    if (end === undefined) return 'unknown';
    for (let pages = 0, offset = end - LIST_PAGE_SIZE; pages < LOOKUP_MAX_PAGES; pages++, offset -= LIST_PAGE_SIZE) {
      if (!(await read(Math.max(0, offset)))) return 'unknown';
      if (found) return found;
      if (offset <= 0) return undefined;
    }
    return 'unknown';
  }

  /** How many entries a list holds whose first page is full: doubling the offset, then halving between. */
  private async listLength(read: (offset: number) => Promise<PurchaseData[] | undefined>): Promise<number | undefined> {
    let atLeast = LIST_PAGE_SIZE;
    let atMost = 0; // 0: no empty page seen yet (every probe is at least one page in)
    for (let probe = LIST_PAGE_SIZE; atMost === 0; probe *= 2) {
      const page = await read(probe);
      if (!page) return undefined;
      if (page.length > 0 && page.length < LIST_PAGE_SIZE) return probe + page.length;
      if (page.length === 0) atMost = probe;
      else atLeast = probe + LIST_PAGE_SIZE;
    }
    while (atLeast < atMost) {
      const middle: number = atLeast + Math.floor((atMost - atLeast) / 2);
      const page = await read(middle);
      if (!page) return undefined;
      if (page.length > 0 && page.length < LIST_PAGE_SIZE) return middle + page.length;
      if (page.length === 0) atMost = middle;
      else atLeast = middle + LIST_PAGE_SIZE;
    }
    return atLeast;
  }

  /**
   * At most once: an effect an earlier try may have applied, that no documented lookup can confirm or
   * rule out. It is not sent again; an audit row (outcome unknown, OUTCOME_UNKNOWN, as CMC writes) tells ops and
   * finance what may stand at CRM.COM, and the step fails without retries. Why fail rather than carry
   * on: before payment the saga then unwinds (the purchase is voided by its number, found by the
   * purchases/list lookup; CRM.COM documents no void by our reference), the till gives no discount,
   * and a purchase the undo cannot find leaves the saga compensation_failed for ops, never silently.
   */
  private async outcomeUnknown(
    ctx: VendorCallContext,
    operation: string,
    what: string,
    amountMinor: number | null = null,
    vendorReference: string | null = null,
  ): Promise<ApplicationFailure> {
    const reason = `CRM.COM ${operation} for ${ctx.reference}: outcome unknown, ${what}; not sent again (no documented lookup): check CRM.COM`;
    await recordUnknownOutcome(ctx, { vendor: VENDOR, operation, reason, requestExcerpt: { at_most_once: true, attempt: ctx.attempt }, vendorReference, amountMinor });
    return ApplicationFailure.create({ type: OUTCOME_UNKNOWN, message: reason, nonRetryable: true, details: [{ vendor: VENDOR, code: 'OUTCOME_UNKNOWN', reason }] });
  }

  private async call<T>(
    ctx: VendorCallContext,
    operation: string,
    path: string,
    body: Record<string, unknown>,
    facts: (data: T) => CallFacts,
  ): Promise<T> {
    const answer = await this.callTolerating(ctx, operation, path, body, facts, NOTHING_TOLERATED);
    if (!answer.ok) throw new Error(`unreachable: ${answer.code} was not tolerated`);
    return answer.data;
  }

  /** One Web API call: token in the body, envelope checked, a stale token renewed once. */
  private async callTolerating<T>(
    ctx: VendorCallContext,
    operation: string,
    path: string,
    body: Record<string, unknown>,
    facts: (data: T) => CallFacts,
    tolerated: ReadonlySet<string>,
  ): Promise<Answer<T>> {
    return this.tokens.withToken(
      async (token) => {
        const res = await this.http.audited<Envelope<T>>(
          ctx,
          { operation, method: 'POST', url: `${this.options.baseUrl}/${path}`, body: { token, ...body } },
          (r) => {
            const answer = readEnvelope(r, operation, tolerated);
            return answer.ok ? facts(answer.data) : {};
          },
        );
        return readEnvelope(res, operation, tolerated);
      },
      (err) => {
        const code = (err as { details?: Array<{ code?: string }> }).details?.[0]?.code;
        return code !== undefined && TOKEN_ERROR_CODES.has(code);
      },
    );
  }

  private async requestToken(): Promise<IssuedToken> {
    const issuedAt = Date.now();
    const res = await this.http.send<Envelope<{ token: string }>>({
      operation: 'authentication.token',
      method: 'POST',
      url: `${this.options.baseUrl}/authentication/web_api_key/token`,
      headers: { authorization: `Basic ${Buffer.from(`${this.options.webApiKey}:`).toString('base64')}` },
      body: {},
    });
    const data = unwrap(res, 'authentication.token');
    return { value: data.token, renewAt: issuedAt + TOKEN_LIFETIME_MS - TOKEN_RENEW_MARGIN_MS };
  }
}

/** The store's CRM.COM unit (stores.crmcom_unit), else the one configured for all (CRMCOM_UNIT_NAME). */
function unitOf(ctx: VendorCallContext, configured: string): string {
  return ctx.storeProfile?.crmcomUnit ?? configured;
}
