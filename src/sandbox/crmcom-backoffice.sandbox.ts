import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatMinorUnits, fromVendorAmount, isCurrencyCode, toVendorNumber } from '../../core/money/money';
import { BackofficeCatalogue, type SyncedProduct } from './crmcom-backoffice-catalogue';
import { SandboxOtps, type OtpVerdict } from './crmcom-backoffice-otps';
import type { SandboxJournal } from './sandbox-journal';
import { SANDBOX_CREDENTIALS } from '../../core/config/app-config';

/**
 * CRM.COM back-office API (`/backoffice/v1`, header `api_key`), as vendor-docs/crmcom-v2-pos-ecommerce.txt
 * describes it: plain JSON resources, errors as HTTP 400 `{status, message, error, parameters}`.
 * The guide names the endpoints but shows no bodies; field names beyond the error shape follow
 * vendors.md §1.2 and are marked there as unconfirmed. Seeded with the legacy document's participant
 * (authentication code 22265577, wallet 10.00) and products.
 */

/** The api_key it accepts: the app's default outside production (core/config, SANDBOX_CREDENTIALS). */
export const CRMCOM_SANDBOX_API_KEY = SANDBOX_CREDENTIALS.CRMCOM_API_KEY;
/** The seeded contact 22265577's pass code. */
export const SANDBOX_PASS_CODE = '2468';
export const CRMCOM_BACKOFFICE_ERRORS = {
  notFound: 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION',
  alreadyCancelled: 'CRM.EXCEPTIONS.ALREADYCANCELLEDEXCEPTION',
  alreadyExists: 'CRM.EXCEPTIONS.ALREADYEXISTSEXCEPTION',
  missingParameter: 'CRM.EXCEPTIONS.MISSINGPARAMETEREXCEPTION',
  invalidValue: 'CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION',
  invalidApiKey: 'CRM.EXCEPTIONS.INVALIDAPIKEYEXCEPTION',
} as const;
const E = CRMCOM_BACKOFFICE_ERRORS;

const VENDOR = 'crmcom';
/**
 * The account's currency (its wallets': the customers fixture's `currency_code`). POST /purchases takes
 * an optional `currency_code` (vendors.md §1.2, doc C4); the sandbox refuses another one rather than
 * booking its amounts as if in this one, with the documented invalid-value error.
 */
const ACCOUNT_CURRENCY = 'EUR';
/** The one reward offer: 1 % of the purchase total back into the wallet (as the legacy sandbox). */
const AWARD_RATE_BASIS_POINTS = 100;
/** The spend rule: at most half of the purchase total may be paid from the wallet. */
const SPEND_RULE_MAX_BASIS_POINTS = 5000;
const SYNC_BATCH_LIMIT = 1000;
/**
 * The account's outlets (organisations). The guide names no outlet field; vendors.md §1.2 gives
 * `"organisation_id": "<outlet GUID>"` as the form CRM.COM's own POS app sends [code C12]. An id the
 * account does not have is "Record not found." with the guide's own error shape (400
 * CRM.EXCEPTIONS.NOTFOUNDEXCEPTION, parameters naming the record), as for a contact.
 */
export const CRMCOM_SANDBOX_OUTLETS: ReadonlySet<string> = new Set(['0e5f1c2a-7b3d-4e8f-9a1b-2c3d4e5f6a01', '0e5f1c2a-7b3d-4e8f-9a1b-2c3d4e5f6a03']);
/** vendors.md §1.2: "Reduction methods in the new API: `FRONT_END` / `BACK_END`". */
const REDUCTION_METHODS = ['FRONT_END', 'BACK_END'] as const;
type ReductionMethod = (typeof REDUCTION_METHODS)[number];
/**
 * Where the sandbox reads the spend's secrets: vendors.md §1.2's "reasonable simulator choice is
 * `spend_request.otp` / `spend_request.pass_code`" (the guide names no field).
 */
export const SPEND_OTP_FIELD = 'spend_request.otp';
export const SPEND_PASS_CODE_FIELD = 'spend_request.pass_code';
const OTP_REFUSALS: Record<Exclude<OtpVerdict, 'ok'>, string> = {
  unknown: 'The OTP {otp} is not valid.',
  used: 'The OTP {otp} has already been used.',
  expired: 'The OTP {otp} has expired.',
};

interface Contact {
  id: string;
  number: string;
  cim: string;
  code: string;
  phoneNumber: string;
  emailAddress: string;
  firstName: string;
  lastName: string;
  walletId: string;
  walletBalanceMinor: number;
  /** The contact's pass code, when one is set (the Front-End Purchase's "pass code (optional)"). */
  passCode?: string;
}

interface Purchase {
  id: string;
  referenceNumber: string;
  contactId: string;
  currency: string;
  awardedMinor: number;
  requestedSpendMinor: number | null;
  approvedSpendMinor: number;
  state: 'POSTED' | 'CANCELLED';
  reduction: ReductionMethod;
  totalMinor: number;
  /** Goods returned against it by ad hoc returns naming it, and the award they took back. */
  returnedMinor: number;
  awardReversedMinor: number;
}

interface PurchaseLine {
  product_sku?: unknown;
  quantity?: unknown;
  total_amount?: unknown;
}

type Body = Record<string, unknown>;
/** GET /customers query parameter -> the contact field it searches (names not documented). */
const SEARCHABLE: Record<string, (c: Contact) => string> = {
  cim: (c) => c.cim,
  number: (c) => c.number,
  code: (c) => c.code,
  phone_number: (c) => c.phoneNumber,
  email_address: (c) => c.emailAddress,
};

export class CrmcomBackofficeSandbox {
  private contacts: Contact[] = [];
  private readonly catalogue: BackofficeCatalogue;
  private purchases = new Map<string, Purchase>();
  private adHocReturns = new Set<string>();
  private readonly otps = new SandboxOtps();

  constructor(private readonly journal: SandboxJournal) {
    this.catalogue = new BackofficeCatalogue(journal);
    this.reset();
  }

  reset(): void {
    this.purchases = new Map();
    this.adHocReturns = new Set();
    this.otps.reset();
    this.catalogue.reset();
    this.contacts = [
      { ...contact('5c3e4a9e-8f1d-4b6a-9c2e-1a7d3f5b0001', '400', '22265577', 'John', 'Doe', 1000), passCode: SANDBOX_PASS_CODE },
      // A second contact with an empty wallet, so a spend can be refused outright.
      contact('5c3e4a9e-8f1d-4b6a-9c2e-1a7d3f5b0002', '401', '22265588', 'Jane', 'Roe', 0),
    ];
  }

  register(app: FastifyInstance): void {
    app.addHook('onRequest', async (req, reply) => {
      if (req.headers.api_key !== CRMCOM_SANDBOX_API_KEY) {
        return reply.code(401).send({ status: 401, message: 'Invalid API key.', error: E.invalidApiKey, parameters: ['api_key'] });
      }
    });
    app.get('/customers', (req, reply) => this.findCustomers(req.query as Record<string, string>, reply));
    app.post('/purchases', (req, reply) => this.createPurchase((req.body ?? {}) as Body, reply));
    app.get('/purchases/:id', (req, reply) => this.showPurchase((req.params as { id: string }).id, reply));
    app.post('/purchases/ad_hoc_return', (req, reply) => this.adHocReturn((req.body ?? {}) as Body, reply));
    app.post('/purchases/:id/cancel', (req, reply) => this.cancelPurchase((req.params as { id: string }).id, reply));
    app.post('/synchronise_products', (req, reply) => this.synchroniseProducts((req.body ?? {}) as Body, reply));
    app.get('/synchronise_products/:id', (req, reply) => this.syncProcess((req.params as { id: string }).id, reply));
  }

  private findCustomers(query: Record<string, string>, reply: FastifyReply) {
    const keys = Object.keys(query).filter((k) => k in SEARCHABLE);
    if (keys.length !== 1) return fail(reply, E.missingParameter, 'One identification parameter is required.', [Object.keys(SEARCHABLE).join('|')]);
    const found = this.contacts.filter((c) => SEARCHABLE[keys[0]](c) === query[keys[0]]);
    // The guide's own "customer not found" example is a 400, so an empty search answers it too.
    if (found.length === 0) return fail(reply, E.notFound, 'Record not found.', ['contact', keys[0]]);
    return { content: found.map(contactView) };
  }

  private createPurchase(body: Body, reply: FastifyReply) {
    const id = body.id === undefined ? randomUUID() : String(body.id);
    const reference = typeof body.reference_number === 'string' ? body.reference_number : '';
    if (!reference) return fail(reply, E.missingParameter, 'reference_number is mandatory.', ['reference_number']);
    const currency = typeof body.currency_code === 'string' ? body.currency_code : 'EUR';
    if (!isCurrencyCode(currency)) return fail(reply, E.invalidValue, 'Unknown currency.', ['currency_code', currency]);
    if (currency !== ACCOUNT_CURRENCY) return fail(reply, E.invalidValue, `The account keeps ${ACCOUNT_CURRENCY} only.`, ['currency_code', currency]);
    if (body.performed_on !== undefined && !Number.isInteger(body.performed_on)) {
      return fail(reply, E.invalidValue, 'performed_on must be an epoch integer.', ['performed_on']);
    }
    const owner = this.contacts.find((c) => c.id === body.contact_id || c.cim === body.cim);
    if (!owner) return fail(reply, E.notFound, 'Record not found.', ['contact', String(body.contact_id ?? body.cim ?? '')]);
    if (body.organisation_id !== undefined && !CRMCOM_SANDBOX_OUTLETS.has(String(body.organisation_id))) {
      return fail(reply, E.notFound, 'Record not found.', ['organisation', String(body.organisation_id)]);
    }
    const lines = Array.isArray(body.products) ? (body.products as PurchaseLine[]) : [];
    if (lines.length === 0) return fail(reply, E.missingParameter, 'products are mandatory.', ['products']);
    for (const line of lines) {
      if (typeof line.product_sku !== 'string' || !Number.isInteger(line.quantity) || typeof line.total_amount !== 'number' || line.total_amount < 0) {
        return fail(reply, E.invalidValue, 'Each product needs product_sku, an integer quantity and a total_amount.', ['products']);
      }
      if (!this.catalogue.has(line.product_sku)) return fail(reply, E.notFound, 'Record not found.', ['product', line.product_sku]);
    }
    const spendRequest = body.spend_request as { amount?: unknown; otp?: unknown; pass_code?: unknown } | undefined;
    // The spend's secret is checked before our id: CRM.COM documents no order, and a used OTP on a
    // re-post of a purchase that was applied must not hide that the purchase exists (the adapter looks).
    const refusedSecret = this.refusedSpendSecret(spendRequest, owner);
    // `parameters` as the document's example shapes them: [entity, value] (so the value comes back).
    if (refusedSecret) return fail(reply, E.invalidValue, refusedSecret.message, [refusedSecret.field, refusedSecret.value]);
    if (this.purchases.has(id)) return fail(reply, E.alreadyExists, 'Purchase already exists.', ['purchase', id]);
    if ([...this.purchases.values()].some((p) => p.referenceNumber === reference)) {
      return fail(reply, E.alreadyExists, 'Purchase already exists.', ['reference_number', reference]);
    }
    if (spendRequest !== undefined && (typeof spendRequest.amount !== 'number' || spendRequest.amount <= 0)) {
      return fail(reply, E.invalidValue, 'spend_request.amount must be positive.', ['spend_request.amount']);
    }
    const reduction = (body.reduction_method ?? 'FRONT_END') as ReductionMethod;
    if (!REDUCTION_METHODS.includes(reduction)) return fail(reply, E.invalidValue, 'Unknown reduction method.', ['reduction_method']);

    const totalMinor = lines.reduce((sum, l) => sum + fromVendorAmount(l.total_amount as number, currency), 0);
    const awardedMinor = Math.floor((totalMinor * AWARD_RATE_BASIS_POINTS) / 10_000);
    const requestedSpendMinor = spendRequest ? fromVendorAmount(spendRequest.amount as number, currency) : null;
    const ruleMaxMinor = Math.floor((totalMinor * SPEND_RULE_MAX_BASIS_POINTS) / 10_000);
    const approvedSpendMinor = Math.max(0, Math.min(requestedSpendMinor ?? 0, owner.walletBalanceMinor, ruleMaxMinor));
    const purchase: Purchase = { id, referenceNumber: reference, contactId: owner.id, currency, awardedMinor, requestedSpendMinor, approvedSpendMinor, state: 'POSTED',
      reduction, totalMinor, returnedMinor: 0, awardReversedMinor: 0 };
    this.purchases.set(id, purchase);
    // The token is spent with its purchase, whatever the spend rule approved; cancelling does not give it back.
    if (typeof spendRequest?.otp === 'string') this.otps.consume(spendRequest.otp, id);
    // The spend is evaluated against the wallet as it stood: this purchase's award is not yet spendable.
    owner.walletBalanceMinor += awardedMinor - approvedSpendMinor;
    this.record('purchase.create', purchase, awardedMinor, { performed_on: body.performed_on, organisation_id: body.organisation_id });
    // Back-end reduction: "the purchase is paid fully and awarded whilst the spend is paid out via a
    // pay-out transaction to the contact's designated payment method" (the guide, Back-End Reduction).
    if (approvedSpendMinor > 0) this.record(reduction === 'BACK_END' ? 'spend.payout' : 'spend.create', purchase, approvedSpendMinor);
    return purchaseView(purchase);
  }

  /**
   * The spend's OTP and pass code. The OTP flow: "the front-end system agent submits the itemized
   * purchase transaction ... along with the contact's OTP": a token that is not one this contact was
   * issued, was used, or expired is refused, with the whole request (the document's error shape,
   * `parameters` [field, value] as its example echoes the value: the adapter must redact it). The Front-End Purchase's "pass code
   * (optional)": absent is fine; given, it must be the contact's.
   */
  private refusedSpendSecret(spendRequest: { otp?: unknown; pass_code?: unknown } | undefined, owner: Contact): { field: string; value: string; message: string } | undefined {
    const otp = spendRequest?.otp;
    if (otp !== undefined) {
      const verdict = typeof otp === 'string' ? this.otps.check(otp, owner.id) : 'unknown';
      // The message names the token, as a vendor's may: the adapter must cut it out.
      if (verdict !== 'ok') return { field: SPEND_OTP_FIELD, value: String(otp), message: OTP_REFUSALS[verdict].replace('{otp}', String(otp)) };
    }
    const passCode = spendRequest?.pass_code;
    if (passCode !== undefined && (owner.passCode === undefined || passCode !== owner.passCode)) {
      return { field: SPEND_PASS_CODE_FIELD, value: String(passCode), message: 'The pass code is not valid.' };
    }
    return undefined;
  }

  /** Admin: an OTP spend token for the contact with this authentication code (what the contact's app would get). */
  issueOtp(cim: string, ttlMs?: number): string | undefined {
    const owner = this.contacts.find((c) => c.cim === cim);
    return owner && this.otps.issue(owner.id, ttlMs);
  }

  private showPurchase(id: string, reply: FastifyReply) {
    const purchase = this.purchases.get(id);
    return purchase ? purchaseView(purchase) : fail(reply, E.notFound, 'Record not found.', ['purchase', id]);
  }

  private cancelPurchase(id: string, reply: FastifyReply) {
    const purchase = this.purchases.get(id);
    if (!purchase) return fail(reply, E.notFound, 'Record not found.', ['purchase', id]);
    if (purchase.state === 'CANCELLED') return fail(reply, E.alreadyCancelled, 'Purchase is already cancelled.', ['purchase', id]);
    purchase.state = 'CANCELLED';
    const owner = this.contacts.find((c) => c.id === purchase.contactId);
    if (owner) owner.walletBalanceMinor += purchase.approvedSpendMinor - purchase.awardedMinor;
    if (purchase.approvedSpendMinor > 0) this.record('spend.cancel', purchase, purchase.approvedSpendMinor);
    this.record('purchase.cancel', purchase, purchase.awardedMinor);
    return { id };
  }

  /**
   * Return of goods: the award the returned amount earned is taken back from the wallet. Naming one
   * of the contact's purchases (`purchase_id`, our assumption: the guide documents no fields), the
   * award comes back pro rata of that purchase, cumulatively floored so that returns adding up to
   * the purchase take back exactly its award; unnamed, the offer's rate applies to the amount. Our
   * own `id` twice is "already exists" (applied once).
   */
  private adHocReturn(body: Body, reply: FastifyReply) {
    const id = body.id === undefined ? randomUUID() : String(body.id);
    const reference = typeof body.reference_number === 'string' ? body.reference_number : '';
    if (!reference) return fail(reply, E.missingParameter, 'reference_number is mandatory.', ['reference_number']);
    const currency = typeof body.currency_code === 'string' ? body.currency_code : 'EUR';
    if (!isCurrencyCode(currency)) return fail(reply, E.invalidValue, 'Unknown currency.', ['currency_code', currency]);
    if (currency !== ACCOUNT_CURRENCY) return fail(reply, E.invalidValue, `The account keeps ${ACCOUNT_CURRENCY} only.`, ['currency_code', currency]);
    if (typeof body.total_amount !== 'number' || !(body.total_amount > 0)) {
      return fail(reply, E.invalidValue, 'total_amount must be positive.', ['total_amount']);
    }
    const owner = body.contact_id === undefined ? undefined : this.contacts.find((c) => c.id === body.contact_id);
    if (body.contact_id !== undefined && !owner) return fail(reply, E.notFound, 'Record not found.', ['contact', String(body.contact_id)]);
    const purchase = typeof body.purchase_id === 'string' ? this.purchases.get(body.purchase_id) : undefined;
    if (body.purchase_id !== undefined && (!purchase || purchase.contactId !== owner?.id || purchase.state !== 'POSTED')) {
      return fail(reply, E.notFound, 'Record not found.', ['purchase', String(body.purchase_id)]);
    }
    if (this.adHocReturns.has(id)) return fail(reply, E.alreadyExists, 'Return already exists.', ['ad_hoc_return', id]);
    const amountMinor = fromVendorAmount(body.total_amount, currency);
    let reversedMinor: number;
    if (purchase) {
      if (purchase.returnedMinor + amountMinor > purchase.totalMinor) {
        return fail(reply, E.invalidValue, 'The returned amount exceeds what is left of the purchase.', ['total_amount']);
      }
      purchase.returnedMinor += amountMinor;
      const upTo = Math.floor((purchase.awardedMinor * purchase.returnedMinor) / purchase.totalMinor);
      reversedMinor = upTo - purchase.awardReversedMinor;
      purchase.awardReversedMinor = upTo;
    } else {
      reversedMinor = Math.floor((amountMinor * AWARD_RATE_BASIS_POINTS) / 10_000);
    }
    this.adHocReturns.add(id);
    if (owner) owner.walletBalanceMinor -= reversedMinor;
    this.journal.add({ vendor: VENDOR, effect: 'purchase.ad_hoc_return', reference, vendorReference: id, amount: formatMinorUnits(reversedMinor, currency) });
    return { id };
  }

  /** Accepted whole or refused whole; the products are processed in the background (crmcom-backoffice-catalogue.ts). */
  private synchroniseProducts(body: Body, reply: FastifyReply) {
    const products = Array.isArray(body.products) ? (body.products as SyncedProduct[]) : [];
    if (products.length === 0) return fail(reply, E.missingParameter, 'products are mandatory.', ['products']);
    if (products.length > SYNC_BATCH_LIMIT) return fail(reply, E.invalidValue, `At most ${SYNC_BATCH_LIMIT} products a call.`, ['products']);
    if (products.some((p) => typeof p.sku !== 'string' || !p.sku)) return fail(reply, E.missingParameter, 'Each product needs a sku.', ['sku']);
    return { id: this.catalogue.accept(products) };
  }

  private syncProcess(id: string, reply: FastifyReply) {
    return this.catalogue.status(id) ?? fail(reply, E.notFound, 'Record not found.', ['process', id]);
  }

  private record(effect: string, purchase: Purchase, amountMinor: number, details?: Record<string, unknown>) {
    this.journal.add({
      vendor: VENDOR, effect, reference: purchase.referenceNumber, vendorReference: purchase.id, amount: formatMinorUnits(amountMinor, purchase.currency),
      ...(details && { details }),
    });
  }
}

function contact(id: string, number: string, cim: string, firstName: string, lastName: string, walletBalanceMinor: number): Contact {
  const handle = `${firstName}.${lastName}`.toLowerCase();
  return {
    id,
    number,
    cim,
    code: `EXT-${number}`,
    phoneNumber: `+3579900${number}`,
    emailAddress: `${handle}@example.com`,
    firstName,
    lastName,
    walletId: id.replace(/0{3}(\d)$/, 'a00$1'),
    walletBalanceMinor,
  };
}

function contactView(c: Contact) {
  return {
    id: c.id,
    number: c.number,
    first_name: c.firstName,
    last_name: c.lastName,
    wallet: { id: c.walletId, balance: toVendorNumber(c.walletBalanceMinor, 'EUR'), currency_code: 'EUR' },
  };
}

function purchaseView(p: Purchase) {
  return {
    id: p.id,
    reference_number: p.referenceNumber,
    spend: {
      requested: toVendorNumber(p.requestedSpendMinor ?? 0, p.currency),
      approved: toVendorNumber(p.approvedSpendMinor, p.currency),
    },
    awarded: toVendorNumber(p.awardedMinor, p.currency),
  };
}

/** Returns the body rather than sending it: a handler that returns the reply breaks a held (faulted) onSend. */
function fail(reply: FastifyReply, error: string, message: string, parameters: string[]) {
  reply.code(400);
  return { status: 400, message, error, parameters };
}
