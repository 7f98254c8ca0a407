import { fromVendorAmount, toVendorNumber } from '../../src/common/money';
import type {
  CustomerIdentifier,
  LoyaltyCapability,
  LoyaltyCustomer,
  LoyaltyPreview,
  LoyaltyPurchase,
  LoyaltyPurchaseResult,
} from './capabilities';
import type { VendorCallContext } from './vendor-call';
import { vendorRejection, vendorUnavailable } from './vendor-errors';
import { VendorHttp, type VendorResponse } from './vendor-http';

/** The legacy envelope: `status.code` is "OK" on success, an exception name otherwise. */
interface Envelope<T> {
  data: T | null;
  status: { code: string; message: string | null; description: string | null };
}

interface ShowParticipantData {
  wallet?: { number?: string; balance?: number | string };
  accounts_receivable?: { number?: string; life_cycle_state?: string };
}

interface PurchaseData {
  number: string;
  reference_number?: string;
  total_awarded_amount?: number | string;
  total_spend_amount?: number | string;
}

export interface CrmcomLegacyOptions {
  baseUrl: string;
  webApiKey: string;
  unitName: string;
  timeoutMs: number;
}

const VENDOR = 'crmcom';
/** Tokens live 2 h from issue (vendors.md §1.1); renew with margin so a call never carries a dying one. */
const TOKEN_LIFETIME_MS = 2 * 60 * 60 * 1000;
const TOKEN_RENEW_MARGIN_MS = 10 * 60 * 1000;
const TOKEN_ERROR_CODES = new Set(['InvalidTokenException', 'ExpiredTokenException']);

/** CRM.COM legacy Web API (`/crmapi/rest/v2`, token in the body): vendor-docs/crmcom-v1-pos-integration.txt. */
export class CrmcomLegacyVendor implements LoyaltyCapability {
  readonly vendor = VENDOR;
  private readonly http: VendorHttp;
  private token: { value: string; renewAt: number } | null = null;
  private tokenRequest: Promise<string> | null = null;

  constructor(private readonly options: CrmcomLegacyOptions) {
    this.http = new VendorHttp(VENDOR, options.timeoutMs);
  }

  async identify(ctx: VendorCallContext, identifier: CustomerIdentifier): Promise<LoyaltyCustomer> {
    const res = await this.call<ShowParticipantData>(ctx, 'rewards_participants.show', 'rewards_participants/show', {
      rewards_participant_identifier: participantIdentifier(identifier),
      fields_set: 'accounts_receivable,wallet',
    }, (data) => ({ vendorReference: data.accounts_receivable?.number ?? null }));
    const accountNumber = res.accounts_receivable?.number;
    if (!accountNumber) throw vendorUnavailable(VENDOR, 'rewards_participants/show returned no accounts_receivable.number');
    return {
      accountNumber,
      walletBalanceMinor: fromVendorAmount(res.wallet?.balance ?? 0, ctx.currency),
    };
  }

  async submitPurchase(ctx: VendorCallContext, customer: LoyaltyCustomer, purchase: LoyaltyPurchase): Promise<LoyaltyPurchaseResult> {
    // A retried attempt may follow a reply that was lost after CRM.COM posted the purchase:
    // look it up by our reference before posting again (CRM.COM has no idempotency key).
    if (ctx.attempt > 1) {
      const existing = await this.findPurchase(ctx);
      if (existing) return toPurchaseResult(existing, ctx.currency);
    }
    const data = await this.call<PurchaseData>(ctx, 'purchases.create', 'customer_events/purchases/create', {
      accounts_receivable_identifier: { number: customer.accountNumber },
      performed_by_unit_identifier: { name: this.options.unitName },
      performed_on: toCrmcomLocalTime(purchase.performedOn),
      process_immediately: true,
      external_system: purchase.externalSystem,
      reference_number: ctx.reference,
      products_set: purchase.lines.map((line) => ({
        product_identifier: { code: line.sku },
        quantity: line.quantity,
        total_amount: toVendorNumber(line.totalMinor, ctx.currency),
        net_amount: toVendorNumber(line.netMinor, ctx.currency),
        vat_amount: toVendorNumber(line.vatMinor, ctx.currency),
      })),
      fields_set: 'number,total_awarded_amount,total_spend_amount,reference_number',
    }, (d) => ({ vendorReference: d.number, amountMinor: fromVendorAmount(d.total_awarded_amount ?? 0, ctx.currency) }));
    return toPurchaseResult(data, ctx.currency);
  }

  preview(): Promise<LoyaltyPreview> {
    return Promise.reject(new Error('CRM.COM legacy preview is not implemented yet'));
  }

  voidPurchase(): Promise<{ alreadyVoided: boolean }> {
    return Promise.reject(new Error('CRM.COM legacy void is not implemented yet'));
  }

  /** Lookup-before-retry: the purchase posted under our reference_number, if any. */
  private async findPurchase(ctx: VendorCallContext): Promise<PurchaseData | undefined> {
    const list = await this.call<PurchaseData[]>(ctx, 'purchases.list', 'customer_events/purchases/list', {
      reference_number: ctx.reference,
      number_of_results: 1,
      offset: 0,
      fields_set: 'number,total_awarded_amount,total_spend_amount,reference_number',
    }, (d) => ({ vendorReference: d[0]?.number ?? null }));
    return list.find((p) => p.reference_number === ctx.reference);
  }

  /** One Web API call: token in the body, envelope checked, a stale token renewed once. */
  private async call<T>(
    ctx: VendorCallContext,
    operation: string,
    path: string,
    body: Record<string, unknown>,
    facts: (data: T) => { vendorReference?: string | null; amountMinor?: number | null },
  ): Promise<T> {
    for (let renewed = false; ; renewed = true) {
      const token = await this.currentToken();
      try {
        const res = await this.http.audited<Envelope<T>>(
          ctx,
          { operation, method: 'POST', url: `${this.options.baseUrl}/${path}`, body: { token, ...body } },
          (r) => facts(unwrap(r, operation)),
        );
        return unwrap(res, operation);
      } catch (err) {
        const code = (err as { details?: Array<{ code?: string }> }).details?.[0]?.code;
        if (!renewed && code && TOKEN_ERROR_CODES.has(code)) {
          this.token = null;
          continue;
        }
        throw err;
      }
    }
  }

  private async currentToken(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return this.token.value;
    // One token request at a time: concurrent activities share the renewal.
    this.tokenRequest ??= this.requestToken().finally(() => {
      this.tokenRequest = null;
    });
    return this.tokenRequest;
  }

  private async requestToken(): Promise<string> {
    const issuedAt = Date.now();
    const res = await this.http.send<Envelope<{ token: string }>>({
      operation: 'authentication.token',
      method: 'POST',
      url: `${this.options.baseUrl}/authentication/web_api_key/token`,
      headers: { authorization: `Basic ${Buffer.from(`${this.options.webApiKey}:`).toString('base64')}` },
      body: {},
    });
    const data = unwrap(res, 'authentication.token');
    this.token = { value: data.token, renewAt: issuedAt + TOKEN_LIFETIME_MS - TOKEN_RENEW_MARGIN_MS };
    return data.token;
  }
}

function unwrap<T>(res: VendorResponse<Envelope<T>>, operation: string): T {
  const status = res.body?.status;
  if (status?.code === 'OK' && res.body.data !== null && res.body.data !== undefined) return res.body.data;
  if (!status) {
    throw vendorUnavailable(VENDOR, `${operation}: HTTP ${res.status} without a CRM.COM envelope`, {
      httpStatus: res.status,
      response: res.body,
    });
  }
  throw vendorRejection({
    vendor: VENDOR,
    code: status.code,
    reason: status.description ?? status.message ?? `CRM.COM answered ${status.code}`,
    httpStatus: res.status,
    response: res.body,
  });
}

function participantIdentifier(identifier: CustomerIdentifier): Record<string, unknown> {
  // An access token maps to the customer's card, phone or e-mail (vendor doc, step 1).
  if (identifier.type === 'number') return { number: identifier.value };
  return { access_token_identifier: { authentication_code: identifier.value } };
}

function toPurchaseResult(data: PurchaseData, currency: string): LoyaltyPurchaseResult {
  return {
    purchaseNumber: data.number,
    awardedMinor: fromVendorAmount(data.total_awarded_amount ?? 0, currency),
    automaticSpendMinor: fromVendorAmount(data.total_spend_amount ?? 0, currency),
  };
}

/** CRM.COM dates carry no zone ("2017-06-22T15:00:00"); we send UTC until stores have time zones. */
export function toCrmcomLocalTime(isoInstant: string): string {
  return new Date(isoInstant).toISOString().slice(0, 19);
}
