import { ApplicationFailure } from '@temporalio/common';
import type { VendorCircuits } from './vendor-circuits';
import { fromVendorAmount, toVendorNumber } from '../../core/money/money';
import type { AppConfig } from '../../core/config/app-config';
import type { LoyaltyReductionMethod } from '../../workflows/checkout.contract';
import {
  CATALOGUE_BATCH_LIMIT,
  type CatalogueCapability,
  type CatalogueProcessStatus,
  type CatalogueProduct,
  type CatalogueSyncResult,
  type CustomerIdentifier,
  type LoyaltyCapability,
  type LoyaltyCustomer,
  type LoyaltyGoodsReturn,
  type LoyaltyPreview,
  type LoyaltyPurchase,
  type LoyaltyPurchaseResult,
} from './capabilities';
import {
  CRMCOM_ALREADY_CANCELLED,
  CRMCOM_ALREADY_EXISTS,
  CRMCOM_NOT_FOUND,
  CRMCOM_NOT_UNIQUE,
  CRMCOM_VENDOR as VENDOR,
  type ContactData,
  type CrmError,
  IDENTIFIER_QUERY,
  type Outcome,
  type PurchaseData,
  asCrmError,
  classify,
  crmcomPurchaseId,
  epochSeconds,
  rejectionFrom,
  syncProcessStatus,
  toPurchaseResult,
  type SyncProcessData,
  withoutSecrets,
} from './crmcom-backoffice-envelope';
import {
  DEFAULT_SPEND_SECRET_FIELDS,
  SPEND_SECRET_REFUSED,
  carriesSpendSecret,
  outletOf,
  purchaseBody,
  refusedSpendSecret,
  type SpendSecretFields,
} from './crmcom-backoffice-purchase';
import { scrubPersonalData } from './redact';
import { recordRecoveredEffect, type CallFacts, type VendorCallContext } from './vendor-call';
import { isRejection, vendorRejection, vendorResponseOf } from './vendor-errors';
import { VendorHttp, type VendorRequest, type VendorHttpOptions } from './vendor-http';

export { crmcomPurchaseId } from './crmcom-backoffice-envelope';

export interface CrmcomBackofficeOptions extends Pick<VendorHttpOptions, 'circuit'> {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** The reduction method every purchase is submitted for (CRMCOM_REDUCTION); default front_end. */
  reduction?: LoyaltyReductionMethod;
  /** Where the OTP spend token and pass code go (CRMCOM_OTP_FIELD, CRMCOM_PASS_CODE_FIELD). */
  spendSecretFields?: SpendSecretFields;
}

export function createCrmcomBackofficeVendor(config: AppConfig, circuits?: VendorCircuits): CrmcomBackofficeVendor {
  // config.crmcomBaseUrl is the back-office base (the real one, or the sandbox's /crmcom/backoffice/v1)
  // only while CRMCOM_API=backoffice; the registry builds this adapter only then.
  return new CrmcomBackofficeVendor({
    baseUrl: config.crmcomBaseUrl,
    apiKey: config.CRMCOM_API_KEY,
    timeoutMs: config.VENDOR_TIMEOUT_MS,
    circuit: circuits?.of(VENDOR),
    reduction: config.CRMCOM_REDUCTION,
    spendSecretFields: { otp: config.CRMCOM_OTP_FIELD, passCode: config.CRMCOM_PASS_CODE_FIELD },
  });
}

/**
 * CRM.COM back-office API (`/backoffice/v1`, header `api_key`): vendor-docs/crmcom-v2-pos-ecommerce.txt.
 * The purchase carries our own `id`, derived from the reference, so a lost reply can be looked up
 * (GET /purchases/{id}) and the purchase cancelled by it (the guide's void flow needs exactly that).
 *
 * Both are documented calls, unlike the legacy adapter's list: the guide's void flow calls
 * POST /purchases/{id}/cancel "by passing the front-end system purchase transaction id that was used
 * prior on submit purchase flow", and its Requests table says "For retrieving information about
 * customers, purchases or orders, the GET method should be used" (the path of one purchase by its id
 * is REST's and CRM.COM's own app's, vendors.md §1.3). No filter is involved: the id is ours, so a
 * 404/NOTFOUND answer means never posted, and a void by our id is the documented undo.
 */
export class CrmcomBackofficeVendor implements LoyaltyCapability, CatalogueCapability {
  readonly vendor = VENDOR;
  private readonly http: VendorHttp;

  constructor(private readonly options: CrmcomBackofficeOptions) {
    this.http = new VendorHttp(VENDOR, options.timeoutMs, { circuit: options.circuit });
  }

  async identify(ctx: VendorCallContext, identifier: CustomerIdentifier): Promise<LoyaltyCustomer> {
    const query = new URLSearchParams({ [IDENTIFIER_QUERY[identifier.type]]: identifier.value });
    const list = await this.request<{ content?: ContactData[] }>(
      ctx,
      { operation: 'customers.list', method: 'GET', url: `${this.options.baseUrl}/customers?${query}` },
      (b) => ({ vendorReference: b.content?.length === 1 ? b.content[0].id : null }),
    );
    const contacts = list.content ?? [];
    if (contacts.length !== 1) {
      throw vendorRejection({
        vendor: VENDOR,
        code: contacts.length === 0 ? CRMCOM_NOT_FOUND : CRMCOM_NOT_UNIQUE,
        reason: contacts.length === 0 ? 'CRM.COM knows no such customer' : 'The identifier matches several CRM.COM customers',
        httpStatus: 200,
      });
    }
    return { accountNumber: contacts[0].id, walletBalanceMinor: fromVendorAmount(contacts[0].wallet?.balance ?? 0, ctx.currency) };
  }

  /**
   * The back-office guide has no preview: CRM.COM evaluates offers only when the purchase is posted.
   * The most the customer can ask for is the wallet; the purchase answers with what was approved.
   *
   * Who redeems is ours to say here, not the account's: the guide has the front-end system submit
   * the purchase "for Back-End reduction" or, "In the event where the front-end system wants to
   * apply “Front-End Reduction”", get back "the actual spend amount that should be reduced from the
   * total purchase amount". It is the merchant's choice, per CRM.COM account, not per sale (a
   * back-end account needs its payout settings): CRMCOM_REDUCTION, front_end by default, read once by
   * the API when the sale starts and carried in its input (CheckoutInput.crmcomReduction, here
   * purchase.reductionMethod), so the preview and the purchase name the same method even when the
   * configuration changes while the sale runs: the till deducts or CRM.COM pays out, never both. A back-end purchase still takes the spend request (the guide's Back-End
   * Purchase: "to be awarded with an optional spend"; "CRM.COM awards and processes any requested
   * spend amount"), and its OTP (the OTP flow's step 2 is "for Back-End reduction").
   */
  preview(_ctx: VendorCallContext, customer: LoyaltyCustomer, purchase: LoyaltyPurchase): Promise<LoyaltyPreview> {
    const reductionMethod = this.reductionOf(purchase);
    return Promise.resolve({
      awardMinor: 0,
      automaticSpendMinor: 0,
      maxAdditionalSpendMinor: Math.max(0, customer.walletBalanceMinor),
      reductionMethod,
      ...(reductionMethod === 'back_end' && { spendRequestOnBackEnd: true as const }),
    });
  }

  async submitPurchase(
    ctx: VendorCallContext,
    customer: LoyaltyCustomer,
    purchase: LoyaltyPurchase,
    spendMinor?: number,
  ): Promise<LoyaltyPurchaseResult> {
    const id = crmcomPurchaseId(ctx.reference);
    // An earlier try (a retry, an activity reset) may have posted before its reply was lost, and
    // POST /purchases has no documented deduplication: look our own id up before posting again.
    if (await ctx.effectMayHaveBeenSent(VENDOR, 'purchases.create')) {
      const existing = await this.showPurchase(ctx, id);
      if (existing) return this.recoveredPurchase(ctx, existing, spendMinor);
    }
    const request = { id, customer, purchase, spendMinor };
    let outcome: Outcome<PurchaseData>;
    try {
      outcome = await this.postPurchase(ctx, this.bodyOf(ctx, request), carriesSpendSecret(purchase, spendMinor) ? secretsOf(purchase) : []);
    } catch (err) {
      const refusal = carriesSpendSecret(purchase, spendMinor) && isRejection(err) ? asCrmError(vendorResponseOf(err)) : undefined;
      const secret = refusal && refusedSpendSecret(refusal, this.secretFields);
      if (!refusal || !secret) throw err;
      return this.postWithoutSpend(ctx, request, secret, refusal);
    }
    if (outcome.ok) return toPurchaseResult(outcome.body, ctx.currency, spendMinor);
    // Posted already (a concurrent attempt): that purchase is the answer.
    const existing = await this.showPurchase(ctx, id);
    if (existing) return this.recoveredPurchase(ctx, existing, spendMinor);
    // Our reference_number belongs to a purchase with another id: not ours to adopt.
    throw rejectionFrom(outcome.error, 400, 'purchases.create');
  }

  /**
   * CRM.COM refused the spend's OTP or pass code, and with it the whole request (a 400 applies
   * nothing): the purchase is posted again without the spend, so the customer is still awarded, and
   * the spend comes back refused, as any refused spend does (the capability's contract). A used OTP
   * is not restored by anything we do (vendors.md: "A consumed OTP cannot be restored (ask the
   * customer for a new one)"); the cashier's words say so. Same id: the first post created nothing.
   */
  private async postWithoutSpend(
    ctx: VendorCallContext,
    request: { id: string; customer: LoyaltyCustomer; purchase: LoyaltyPurchase; spendMinor?: number },
    secret: 'otp' | 'passCode',
    refusal: CrmError,
  ): Promise<LoyaltyPurchaseResult> {
    const outcome = await this.postPurchase(ctx, this.bodyOf(ctx, request, { withSpend: false }), []);
    if (!outcome.ok) {
      // "Already exists" under our own (deterministic) id: an earlier try posted it, with the spend
      // (its reply lost, and CRM.COM then refused the secret as used) or without. That purchase is
      // the answer, as on the main path: the sale must not complete believing nothing was spent.
      const existing = await this.showPurchase(ctx, request.id);
      if (existing) return this.recoveredPurchase(ctx, existing, request.spendMinor);
      throw rejectionFrom(outcome.error, 400, 'purchases.create');
    }
    const result = toPurchaseResult(outcome.body, ctx.currency);
    const what = secret === 'otp' ? 'spend token (OTP)' : 'pass code';
    // CRM.COM's words reach the commitment (the projection, the view): never with the secret in them.
    const words = refusal.message && withoutSecrets(scrubPersonalData(refusal.message), secretsOf(request.purchase));
    const vendorWords = words ? ` (CRM.COM: ${words})` : '';
    result.spend = {
      spendNumber: null,
      requestedMinor: request.spendMinor ?? 0,
      approvedMinor: 0,
      refusal: {
        code: SPEND_SECRET_REFUSED,
        reason: `CRM.COM refused the ${what}${vendorWords}: the purchase was awarded without the spend. Ask the customer for a new ${secret === 'otp' ? 'token' : 'pass code'} for another sale.`,
      },
    };
    return result;
  }

  private get secretFields(): SpendSecretFields {
    return this.options.spendSecretFields ?? DEFAULT_SPEND_SECRET_FIELDS;
  }

  private bodyOf(ctx: VendorCallContext, request: Parameters<typeof purchaseBody>[1], options?: { withSpend?: boolean }) {
    return purchaseBody(ctx, request, this.reductionOf(request.purchase), this.secretFields, options);
  }

  /** The sale's own method; the configured one only for sagas started before sales carried it. */
  private reductionOf(purchase: LoyaltyPurchase): LoyaltyReductionMethod {
    return purchase.reductionMethod ?? this.options.reduction ?? 'front_end';
  }

  /** POST /purchases; "already exists" comes back for the caller to judge, any other refusal is thrown. */
  private postPurchase(ctx: VendorCallContext, body: Record<string, unknown>, secrets: readonly string[]): Promise<Outcome<PurchaseData>> {
    return this.exchange<PurchaseData>(
      ctx,
      // The configured secret fields are redacted by path too, whatever their names (redact.ts goes by name).
      { operation: 'purchases.create', method: 'POST', url: `${this.options.baseUrl}/purchases`, body, secretPaths: [this.secretFields.otp, this.secretFields.passCode] },
      (d) => ({ vendorReference: d.id, amountMinor: fromVendorAmount(d.awarded ?? 0, ctx.currency) }),
      [CRMCOM_ALREADY_EXISTS],
      secrets,
    );
  }

  /** A purchase an earlier attempt posted: audited as its create (once), then answered. */
  private async recoveredPurchase(ctx: VendorCallContext, existing: PurchaseData, spendMinor?: number): Promise<LoyaltyPurchaseResult> {
    await recordRecoveredEffect(ctx, {
      vendor: VENDOR,
      operation: 'purchases.create',
      foundBy: 'purchases.show',
      vendorReference: existing.id,
      amountMinor: fromVendorAmount(existing.awarded ?? 0, ctx.currency),
    });
    return toPurchaseResult(existing, ctx.currency, spendMinor);
  }

  async findPurchase(ctx: VendorCallContext): Promise<{ purchaseNumber: string; spendNumber: null } | undefined> {
    const found = await this.showPurchase(ctx, crmcomPurchaseId(ctx.reference));
    return found && { purchaseNumber: found.id, spendNumber: null };
  }

  /** One cancel reverses the purchase with its awards and spends; unknown or already cancelled = done. */
  async voidPurchase(ctx: VendorCallContext, purchase: { purchaseNumber: string }): Promise<{ alreadyVoided: boolean }> {
    const outcome = await this.exchange<{ id: string }>(
      ctx,
      { operation: 'purchases.cancel', method: 'POST', url: `${this.options.baseUrl}/purchases/${encodeURIComponent(purchase.purchaseNumber)}/cancel` },
      (d) => ({ vendorReference: d.id }),
      [CRMCOM_NOT_FOUND, CRMCOM_ALREADY_CANCELLED],
    );
    return { alreadyVoided: !outcome.ok };
  }

  /**
   * `POST /purchases/ad_hoc_return`: the guide's return of goods "with the total amount of the returned
   * goods"; its body fields are not documented, so it mirrors POST /purchases (our own `id` derived
   * from the return's reference, contact, reference_number, products) plus `total_amount` and, when
   * the goods came from a purchase we posted, `purchase_id` (our assumption; CRM.COM may ignore it).
   * No deduplication is documented: a retry posts the same id again, and "already exists" for it is ours.
   */
  async returnGoods(ctx: VendorCallContext, goods: LoyaltyGoodsReturn): Promise<{ returnNumber: string; alreadyReturned: boolean }> {
    const id = crmcomPurchaseId(ctx.reference);
    const body = {
      id,
      ...(goods.accountNumber && { contact_id: goods.accountNumber }),
      reference_number: ctx.reference,
      performed_on: epochSeconds(goods.performedOn),
      ...outletOf(ctx),
      currency_code: ctx.currency,
      total_amount: toVendorNumber(goods.amountMinor, ctx.currency),
      ...(goods.originalPurchaseNumber && { purchase_id: goods.originalPurchaseNumber }),
      ...(goods.lines?.length && {
        products: goods.lines.map((line) => ({ product_sku: line.sku, quantity: line.quantity, total_amount: toVendorNumber(line.totalMinor, ctx.currency) })),
      }),
    };
    const outcome = await this.exchange<{ id: string }>(
      ctx,
      { operation: 'purchases.ad_hoc_return', method: 'POST', url: `${this.options.baseUrl}/purchases/ad_hoc_return`, body },
      (d) => ({ vendorReference: d.id, amountMinor: goods.amountMinor }),
      [CRMCOM_ALREADY_EXISTS],
    );
    return { returnNumber: outcome.ok ? outcome.body.id : id, alreadyReturned: !outcome.ok };
  }

  /**
   * Asynchronous at CRM.COM: the answer is "a unique process id that can be used for monitoring the
   * progress" (the guide), not per-product results, so nothing is processed yet: the results come
   * from syncProcess. An upsert: a retry after a lost reply sends the same batch again (a second
   * process doing the same; the one whose id we keep is followed).
   */
  async synchroniseProducts(ctx: VendorCallContext, products: CatalogueProduct[]): Promise<CatalogueSyncResult> {
    if (products.length > CATALOGUE_BATCH_LIMIT) {
      throw ApplicationFailure.create({
        type: 'CatalogueBatchTooLarge',
        message: `CRM.COM synchronises at most ${CATALOGUE_BATCH_LIMIT} products a call, got ${products.length}: split the batch`,
        nonRetryable: true,
      });
    }
    if (products.length === 0) return { processed: [], unprocessed: [] };
    const body = {
      products: products.map((p) => ({
        sku: p.code,
        alternative_code: p.alternativeCode,
        description: p.description,
        family_code: p.familyCode,
        brand_code: p.brandCode,
      })),
    };
    const res = await this.request<{ id: string }>(
      ctx,
      { operation: 'products.synchronise', method: 'POST', url: `${this.options.baseUrl}/synchronise_products`, body },
      (d) => ({ vendorReference: d.id }),
    );
    return { processed: [], unprocessed: [], processId: res.id };
  }

  /**
   * The process's progress: `GET /synchronise_products/{id}`, our reading (the guide names no
   * monitoring endpoint; the process is what the POST created). Done at `COMPLETED`, with each
   * product under `processed_products` or, with CRM.COM's error, `unprocessed_products`; a product
   * the answer does not mention counts unprocessed (product-sync.activities.ts).
   */
  async syncProcess(ctx: VendorCallContext, processId: string): Promise<CatalogueProcessStatus> {
    const res = await this.request<SyncProcessData>(
      ctx,
      { operation: 'products.synchronise.status', method: 'GET', url: `${this.options.baseUrl}/synchronise_products/${encodeURIComponent(processId)}` },
      (d) => ({ vendorReference: d.id }),
    );
    return syncProcessStatus(res);
  }

  private async showPurchase(ctx: VendorCallContext, id: string): Promise<PurchaseData | undefined> {
    const outcome = await this.exchange<PurchaseData>(
      ctx,
      { operation: 'purchases.show', method: 'GET', url: `${this.options.baseUrl}/purchases/${encodeURIComponent(id)}` },
      (d) => ({ vendorReference: d.id }),
      [CRMCOM_NOT_FOUND],
    );
    return outcome.ok ? outcome.body : undefined;
  }

  private async request<T>(ctx: VendorCallContext, req: VendorRequest, facts: (body: T) => CallFacts): Promise<T> {
    const outcome = await this.exchange(ctx, req, facts, []);
    if (!outcome.ok) throw rejectionFrom(outcome.error, outcome.error.status, req.operation);
    return outcome.body;
  }

  /** One audited call; the `tolerated` codes are answers the caller handles, so they audit as success. */
  private async exchange<T>(ctx: VendorCallContext, req: VendorRequest, facts: (body: T) => CallFacts, tolerated: readonly string[], secrets: readonly string[] = []): Promise<Outcome<T>> {
    const withKey = { ...req, headers: { ...req.headers, api_key: this.options.apiKey } };
    const res = await this.http.audited<unknown>(ctx, withKey, (r) => {
      const outcome = classify<T>(r, req.operation, tolerated, secrets);
      return outcome.ok ? facts(outcome.body) : { vendorReference: null };
    });
    return classify<T>(res, req.operation, tolerated, secrets);
  }
}


/** The spend's secrets the purchase carries (to be kept out of what CRM.COM echoes back). */
function secretsOf(purchase: LoyaltyPurchase): string[] {
  return [purchase.spendOtp, purchase.spendPassCode].filter((v): v is string => v !== undefined && v.length > 0);
}
