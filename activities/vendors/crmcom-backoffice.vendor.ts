import { ApplicationFailure } from '@temporalio/common';
import { fromVendorAmount, toVendorNumber } from '../../core/money/money';
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
} from './capabilities';
import {
  CRMCOM_ALREADY_CANCELLED,
  CRMCOM_ALREADY_EXISTS,
  CRMCOM_NOT_FOUND,
  CRMCOM_NOT_UNIQUE,
  CRMCOM_VENDOR as VENDOR,
  type ContactData,
  IDENTIFIER_QUERY,
  type Outcome,
  type PurchaseData,
  classify,
  crmcomPurchaseId,
  epochSeconds,
  rejectionFrom,
  toPurchaseResult,
} from './crmcom-backoffice-envelope';
import { recordRecoveredEffect, type CallFacts, type VendorCallContext } from './vendor-call';
import { vendorRejection } from './vendor-errors';
import { VendorHttp, type VendorRequest } from './vendor-http';

export { crmcomPurchaseId } from './crmcom-backoffice-envelope';

export interface CrmcomBackofficeOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

export function createCrmcomBackofficeVendor(config: AppConfig): CrmcomBackofficeVendor {
  // config.crmcomBaseUrl is the back-office base (the real one, or the sandbox's /crmcom/backoffice/v1)
  // only while CRMCOM_API=backoffice; the registry builds this adapter only then.
  return new CrmcomBackofficeVendor({ baseUrl: config.crmcomBaseUrl, apiKey: config.CRMCOM_API_KEY, timeoutMs: config.VENDOR_TIMEOUT_MS });
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
    this.http = new VendorHttp(VENDOR, options.timeoutMs);
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
   * total purchase amount". We always submit FRONT_END (purchaseBody), so the till deducts and
   * CRM.COM pays nothing out: never both. Back-end reduction (the guide's "most commonly deployed")
   * would be a merchant setting: not built.
   */
  preview(_ctx: VendorCallContext, customer: LoyaltyCustomer, _purchase: LoyaltyPurchase): Promise<LoyaltyPreview> {
    return Promise.resolve({
      awardMinor: 0,
      automaticSpendMinor: 0,
      maxAdditionalSpendMinor: Math.max(0, customer.walletBalanceMinor),
      reductionMethod: 'front_end',
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
    const outcome = await this.exchange<PurchaseData>(
      ctx,
      { operation: 'purchases.create', method: 'POST', url: `${this.options.baseUrl}/purchases`, body: purchaseBody(ctx, id, customer, purchase, spendMinor) },
      (d) => ({ vendorReference: d.id, amountMinor: fromVendorAmount(d.awarded ?? 0, ctx.currency) }),
      [CRMCOM_ALREADY_EXISTS],
    );
    if (outcome.ok) return toPurchaseResult(outcome.body, ctx.currency, spendMinor);
    // Posted already (a concurrent attempt): that purchase is the answer.
    const existing = await this.showPurchase(ctx, id);
    if (existing) return this.recoveredPurchase(ctx, existing, spendMinor);
    // Our reference_number belongs to a purchase with another id: not ours to adopt.
    throw rejectionFrom(outcome.error, 400, 'purchases.create');
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
   * Asynchronous at CRM.COM: the answer is a process id, not per-product results, so every product
   * sent counts as accepted. An upsert: a retry after a lost reply sends the same batch again.
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
    return { processed: products.map((p) => ({ code: p.code })), unprocessed: [], processId: res.id };
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
  private async exchange<T>(ctx: VendorCallContext, req: VendorRequest, facts: (body: T) => CallFacts, tolerated: readonly string[]): Promise<Outcome<T>> {
    const withKey = { ...req, headers: { ...req.headers, api_key: this.options.apiKey } };
    const res = await this.http.audited<unknown>(ctx, withKey, (r) => {
      const outcome = classify<T>(r, req.operation, tolerated);
      return outcome.ok ? facts(outcome.body) : { vendorReference: null };
    });
    return classify<T>(res, req.operation, tolerated);
  }
}

function purchaseBody(ctx: VendorCallContext, id: string, customer: LoyaltyCustomer, purchase: LoyaltyPurchase, spendMinor?: number) {
  return {
    id,
    contact_id: customer.accountNumber,
    reference_number: ctx.reference,
    // An epoch is an instant: no zone to get wrong, so the store's time zone does not enter here.
    performed_on: epochSeconds(purchase.performedOn),
    ...outletOf(ctx),
    currency_code: ctx.currency,
    // The POS deducts the approved spend itself; back-end reduction would refund it to a card later.
    // The field name is from CRM.COM's own app (vendors.md §1.2, C12); the guide names only the notion.
    reduction_method: 'FRONT_END',
    products: purchase.lines.map((line) => ({
      product_sku: line.sku,
      quantity: line.quantity,
      net_amount: toVendorNumber(line.netMinor, ctx.currency),
      tax_amount: toVendorNumber(line.vatMinor, ctx.currency),
      total_amount: toVendorNumber(line.totalMinor, ctx.currency),
    })),
    ...(spendMinor !== undefined && spendMinor > 0 && { spend_request: { amount: toVendorNumber(spendMinor, ctx.currency) } }),
  };
}

/**
 * The store's outlet. The guide names no field (crmcom-v2-pos-ecommerce.txt is silent); vendors.md §1.2
 * gives `merchant_tap` / `outlet_tap` as "semi-optional objects" without their shape, and the simplest
 * working form CRM.COM's own POS app sends, `"organisation_id": "<outlet GUID>"` [code C12], which is
 * what we send. A store without an outlet sends none, as before.
 */
function outletOf(ctx: VendorCallContext): { organisation_id?: string } {
  return ctx.storeProfile?.crmcomOutlet ? { organisation_id: ctx.storeProfile.crmcomOutlet } : {};
}
