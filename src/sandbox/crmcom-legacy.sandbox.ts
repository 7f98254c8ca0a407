import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatMinorUnits, fromVendorAmount, toVendorNumber } from '../../core/money/money';
import type { SandboxJournal } from './sandbox-journal';
import { SANDBOX_CREDENTIALS } from '../../core/config/app-config';

/**
 * CRM.COM legacy Web API (`/crmapi/rest/v2`), as vendor-docs/crmcom-v1-pos-integration.txt shows it:
 * token in the body, `{data, status:{code,message,description}}` envelopes, amounts as JSON numbers,
 * `fields_set` choosing the top-level fields of the answer. Seeded with the document's own examples:
 * participant 22265577 (accounts receivable 400, wallet W0000000001 with 10.00), products
 * 'Soft Drinks' and 'Sandwiches', the synchronisation definition 'Product_Sync' and no product families.
 * State machines (vendors.md §5): purchase and spend request POSTED -> CANCELLED; a spend follows its
 * purchase, so cancelling a purchase cancels its posted spends too.
 *
 * A second participant, 33376688 (accounts receivable 401, wallet W0000000002 with 20.00), is on
 * back-end reduction with an automatic-spend preference: the document's Step 2 says the preview "will
 * determine whether the purchase customer event that will be submitted can be redeemed by the
 * Front-End System (i.e. POS) or by a Back-End System", and vendors.md §1.1 (doc C5, seed S0b):
 * "BACK_END_REDUCTION: the customer pays in full and CRM.COM pays the spend back through a payout".
 * So on that account purchases/create itself takes the automatic spend from the wallet and pays it out
 * (journal `spend.payout`), and a spend request a POS sends anyway is paid out the same way.
 */

/** The Web API key it accepts: the app's default outside production (core/config, SANDBOX_CREDENTIALS). */
export const CRMCOM_SANDBOX_WEB_API_KEY = SANDBOX_CREDENTIALS.CRMCOM_WEB_API_KEY;
export const CRMCOM_SANDBOX_SYNC_DEFINITION = 'Product_Sync';
/** The back-end-reduction participant's authentication code (see the class comment). */
export const CRMCOM_SANDBOX_BACK_END_CODE = '33376688';
/**
 * The sandbox's spend rule: at least 1.00 and at most 7.90 a transaction, so the document's example
 * (10 requested against a 10.00 wallet, 7.9 spent) comes out as printed.
 */
export const CRMCOM_SANDBOX_SPEND_MIN_CENTS = 100;
export const CRMCOM_SANDBOX_SPEND_MAX_CENTS = 790;
/** Not in the documents: names in the style of the doc's NotFoundAPIValueException. */
export const CRMCOM_ALREADY_CANCELLED = 'CustomerEventAlreadyCancelledException';
export const CRMCOM_SPEND_NOT_ALLOWED = 'SpendNotAllowedException';

const VENDOR = 'crmcom';
const CURRENCY = 'EUR';
const TOKEN_TTL_MS = 2 * 60 * 60 * 1000;
/** The sandbox's one reward offer: 1 % of the purchase total back into the wallet. */
const AWARD_RATE_BASIS_POINTS = 100;
const SYNC_LIMIT = 1000;
const FRONT_END = 'FRONT_END_REDUCTION';
const BACK_END = 'BACK_END_REDUCTION';
type ReductionMethod = typeof FRONT_END | typeof BACK_END;
/** The back-end participant's automatic-spend preference: up to 5.00 of the wallet on every purchase. */
export const CRMCOM_SANDBOX_AUTO_SPEND_CENTS = 500;
/**
 * The units (merchants' venues) the account knows: the document's own example `"performed_by_unit_identifier":
 * {"name" : "Unit"}`, and a second one for a store that is another unit. Another name is "not found", in the
 * document's exception style (NotFoundAPIValueException).
 */
export const CRMCOM_SANDBOX_UNITS: ReadonlySet<string> = new Set(['Unit', 'Unit S3']);
/**
 * The document's dates: `"performed_on": "2017-06-22T15:00:00"`, `"2017-05-22T16:05:00"` (vendors.md §1.1:
 * "local time, no zone"). A date with a zone or offset is not that format.
 */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

interface Participant {
  authenticationCode: string;
  accountNumber: string;
  accountId: string;
  walletNumber: string;
  walletBalanceCents: number;
  lifeCycleState: string;
  reductionMethod: ReductionMethod;
  /** Wallet money CRM.COM spends by itself on each purchase (an auto-spend preference); 0: none. */
  autoSpendCents: number;
}

interface Purchase {
  number: string;
  referenceNumber: string;
  accountNumber: string;
  awardedCents: number;
  totalCents: number;
  /** The automatic spend CRM.COM made with the purchase (back-end: paid out to the customer). */
  spentCents: number;
  lifeCycleState: 'POSTED' | 'CANCELLED';
}

interface SpendRequest {
  number: string;
  purchaseNumber: string;
  accountNumber: string;
  /** What the journal names it by: our external_system_reference_number, else the purchase's reference. */
  reference: string;
  externalReference: string | null;
  requestedCents: number;
  approvedCents: number;
  transactionNumber: string;
  reductionMethod: ReductionMethod;
  lifeCycleState: 'POSTED' | 'CANCELLED';
}

interface Product {
  id: string;
  code: string;
  alternativeCode?: string;
  description?: string;
  familyCode?: string;
  brandCode?: string;
}

interface ProductLine {
  product_identifier?: { code?: string };
  quantity?: number;
  total_amount?: unknown;
  net_amount?: unknown;
  vat_amount?: unknown;
}

interface SyncItem {
  code?: unknown;
  alternative_code?: unknown;
  description?: unknown;
  family_identifier?: { code?: unknown };
  brand_identifier?: { code?: unknown };
}

type Body = Record<string, unknown> & { token?: string };
type Identifier = { number?: string; id?: string } | undefined;

export class CrmcomLegacySandbox {
  private tokens = new Map<string, number>();
  private participants: Participant[] = [];
  private purchases: Purchase[] = [];
  private spends: SpendRequest[] = [];
  private products = new Map<string, Product>();
  private families = new Set<string>();
  private brands = new Set<string>();
  private nextPurchaseNumber = 111;
  private nextSpendNumber = 294;
  private nextTransactionNumber = 205;

  constructor(private readonly journal: SandboxJournal) {
    this.reset();
  }

  /** Business state back to the seed. Issued tokens survive, as they would at the real vendor. */
  reset(): void {
    this.purchases = [];
    this.spends = [];
    // Numbers as in the document's examples: purchase 111, spend request 294, reward transaction 205.
    this.nextPurchaseNumber = 111;
    this.nextSpendNumber = 294;
    this.nextTransactionNumber = 205;
    this.participants = [
      {
        authenticationCode: '22265577',
        accountNumber: '400',
        accountId: '123456789',
        walletNumber: 'W0000000001',
        walletBalanceCents: 1000,
        lifeCycleState: 'ACTIVE',
        reductionMethod: FRONT_END,
        autoSpendCents: 0,
      },
      {
        authenticationCode: CRMCOM_SANDBOX_BACK_END_CODE,
        accountNumber: '401',
        accountId: '223456789',
        walletNumber: 'W0000000002',
        walletBalanceCents: 2000,
        lifeCycleState: 'ACTIVE',
        reductionMethod: BACK_END,
        autoSpendCents: CRMCOM_SANDBOX_AUTO_SPEND_CENTS,
      },
    ];
    this.products = new Map(
      [
        { id: '5A0C3F1E2B7D4C6A9E8F1D2C3B4A5968', code: 'Soft Drinks', description: 'Soft drinks' },
        { id: '7B1D4E2F3C8E5D7BAF901E3D4C5B6A79', code: 'Sandwiches', description: 'Sandwiches' },
      ].map((p) => [p.code, p]),
    );
    // No families or brands: the document's 'Iced Coffee' family comes back unprocessed, as printed.
    this.families = new Set();
    this.brands = new Set();
  }

  /** Admin: make every issued token invalid, to exercise the client's renewal. */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Admin: set a participant's wallet, so a benchmark can spend on thousands of checkouts. */
  setWalletBalance(authenticationCode: string, cents: number): boolean {
    const participant = this.participants.find((p) => p.authenticationCode === authenticationCode);
    if (participant) participant.walletBalanceCents = cents;
    return Boolean(participant);
  }

  register(app: FastifyInstance): void {
    const post = (path: string, handle: (body: Body) => unknown) =>
      app.post(path, (req, reply) => this.withToken(req, reply, (b) => withFields(handle(b), b.fields_set)));
    app.post('/authentication/web_api_key/token', (req, reply) => this.issueToken(req, reply));
    post('/rewards_participants/show', (b) => this.show(b));
    post('/customer_events/purchases/preview', (b) => this.previewPurchase(b));
    post('/customer_events/purchases/create', (b) => this.createPurchase(b));
    post('/customer_events/purchases/list', (b) => this.listPurchases(b));
    post('/customer_events/purchases/cancel', (b) => this.cancelPurchase(b));
    post('/customer_events/spend_requests/create', (b) => this.createSpend(b));
    // No spend_requests/list: neither the document nor vendors.md names one (vendors.md knows only
    // spend_requests/show, by the spend's own number), so the sandbox refuses it like any unknown method.
    post('/customer_events/spend_requests/cancel', (b) => this.cancelSpend(b));
    post('/products/synchronise', (b) => this.synchronise(b));
  }

  private issueToken(req: FastifyRequest, reply: FastifyReply) {
    const header = req.headers.authorization ?? '';
    const key = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString().split(':')[0] : '';
    if (key !== CRMCOM_SANDBOX_WEB_API_KEY) {
      return reply.code(401).send(fail('AuthenticationException', 'Invalid Web API key'));
    }
    const token = randomUUID().replace(/-/g, '');
    this.tokens.set(token, Date.now() + TOKEN_TTL_MS);
    return ok({ token });
  }

  private withToken(req: FastifyRequest, reply: FastifyReply, handle: (body: Body) => unknown) {
    const body = (req.body ?? {}) as Body;
    const expiresAt = body.token ? this.tokens.get(body.token) : undefined;
    if (!expiresAt || expiresAt < Date.now()) {
      return reply.send(fail('InvalidTokenException', 'The authentication token is invalid or has expired'));
    }
    return handle(body);
  }

  private show(body: Body) {
    const participant = this.participantBy(body.rewards_participant_identifier);
    if (!participant) return fail('NotFoundAPIValueException', 'Rewards participant not found');
    return ok({
      wallet: { number: participant.walletNumber, balance: formatMinorUnits(participant.walletBalanceCents, CURRENCY) },
      accounts_receivable: {
        life_cycle_state: participant.lifeCycleState,
        number: participant.accountNumber,
        name: 'John Doe',
        id: participant.accountId,
        account_owner: { name: 'John Doe', first_name: 'John', last_name: 'Doe', life_cycle_state: 'FINANCIAL', title: 'Mr', type: 'PERSON' },
      },
    });
  }

  /** What a purchase would earn and how much of the wallet may be spent on it; changes nothing. */
  private previewPurchase(body: Body) {
    const participant = body.accounts_receivable_identifier
      ? this.accountBy(body.accounts_receivable_identifier)
      : this.participantBy(body.rewards_participant_identifier);
    if (!participant) return fail('NotFoundAPIValueException', 'Accounts receivable not found');
    const placeOrTime = unitAndDateRefusal(body);
    if (placeOrTime) return placeOrTime;
    const lines = readLines(body.products_set);
    if ('error' in lines) return lines.error;
    const automaticCents = automaticSpendCents(participant, lines.totalCents);
    return ok({
      total_additional_spend_amount: amount(spendableCents(participant.walletBalanceCents - automaticCents, Number.MAX_SAFE_INTEGER)),
      total_automatic_spend_amount: amount(automaticCents),
      total_instant_spend_amount: 0,
      total_award_amount: amount(awardCents(lines.totalCents)),
      reduction_method: participant.reductionMethod,
    });
  }

  private createPurchase(body: Body) {
    const participant = this.accountBy(body.accounts_receivable_identifier);
    if (!participant) return fail('NotFoundAPIValueException', 'Accounts receivable not found');
    const reference = typeof body.reference_number === 'string' ? body.reference_number : '';
    if (!reference) return fail('MissingParameterException', 'reference_number is mandatory');
    const placeOrTime = unitAndDateRefusal(body);
    if (placeOrTime) return placeOrTime;
    const lines = readLines(body.products_set);
    if ('error' in lines) return lines.error;
    const purchase: Purchase = {
      number: String(this.nextPurchaseNumber++),
      referenceNumber: reference,
      accountNumber: participant.accountNumber,
      awardedCents: awardCents(lines.totalCents),
      totalCents: lines.totalCents,
      spentCents: automaticSpendCents(participant, lines.totalCents),
      lifeCycleState: 'POSTED',
    };
    this.purchases.push(purchase);
    participant.walletBalanceCents += purchase.awardedCents - purchase.spentCents;
    this.record('purchase.create', reference, purchase.number, purchase.awardedCents, {
      performed_on: body.performed_on,
      unit: (body.performed_by_unit_identifier as { name?: unknown } | undefined)?.name,
    });
    // Back-end reduction: "the customer pays in full and CRM.COM pays the spend back through a payout".
    if (purchase.spentCents > 0) this.record('spend.payout', reference, purchase.number, purchase.spentCents);
    return ok(purchaseView(purchase));
  }

  /**
   * purchases/list exists (vendors.md §1.1 names `POST customer_events/purchases/list`, doc C2), but no
   * document gives it a filter: the only list behaviour documented is the document's "Using
   * Pagination": "number_of_results: ... The maximum number of results can be 50, and objects are
   * returned in chronological order (oldest requests are retrieved fist)" and "offset: Defines the
   * number of entities that should be skipped from the results". So every other parameter
   * (reference_number, accounts_receivable_identifier, ...) is ignored, as a real CRM.COM may.
   */
  private listPurchases(body: Body) {
    return ok(page(this.purchases, body).map(purchaseView));
  }

  private cancelPurchase(body: Body) {
    const purchase = this.purchases.find((p) => matches(body.customer_event_identifier, p.number));
    if (!purchase) return fail('NotFoundAPIValueException', 'Purchase customer event not found');
    if (purchase.lifeCycleState !== 'POSTED') return fail(CRMCOM_ALREADY_CANCELLED, `Purchase ${purchase.number} is already cancelled`);
    for (const spend of this.spends) {
      if (spend.purchaseNumber === purchase.number && spend.lifeCycleState === 'POSTED') this.undoSpend(spend);
    }
    purchase.lifeCycleState = 'CANCELLED';
    const participant = this.accountBy({ number: purchase.accountNumber });
    if (participant) participant.walletBalanceCents += purchase.spentCents - purchase.awardedCents;
    if (purchase.spentCents > 0) this.record('spend.payout.reverse', purchase.referenceNumber, purchase.number, purchase.spentCents);
    this.record('purchase.cancel', purchase.referenceNumber, purchase.number, purchase.awardedCents);
    return ok(purchaseView(purchase));
  }

  /** Approves min(requested, wallet, rule maximum): possibly less than asked, or a refusal below the minimum. */
  private createSpend(body: Body) {
    const participant = this.accountBy(body.accounts_receivable_identifier);
    if (!participant) return fail('NotFoundAPIValueException', 'Accounts receivable not found');
    const purchaseNumber = (body.purchase_customer_request_identifier as Identifier)?.number;
    const purchase = this.purchases.find((p) => p.number === purchaseNumber && p.accountNumber === participant.accountNumber);
    if (!purchase) return fail('NotFoundAPIValueException', 'Purchase customer event not found');
    if (purchase.lifeCycleState !== 'POSTED') return fail(CRMCOM_SPEND_NOT_ALLOWED, `Purchase ${purchase.number} is not posted`);
    const placeOrTime = unitAndDateRefusal(body);
    if (placeOrTime) return placeOrTime;
    // Without spend_amount the spend is the purchase's full amount (vendors.md §1.1, doc C5).
    const requestedCents = body.spend_amount === undefined ? purchase.totalCents : parseCents(body.spend_amount);
    if (requestedCents === undefined || requestedCents <= 0) return fail('InvalidValueException', 'spend_amount must be a positive amount');
    const approvedCents = spendableCents(participant.walletBalanceCents, requestedCents);
    if (requestedCents < CRMCOM_SANDBOX_SPEND_MIN_CENTS || approvedCents === 0) {
      return fail(
        CRMCOM_SPEND_NOT_ALLOWED,
        `A spend must be at least ${formatMinorUnits(CRMCOM_SANDBOX_SPEND_MIN_CENTS, CURRENCY)} and covered by the wallet balance`,
      );
    }
    const externalReference = typeof body.external_system_reference_number === 'string' ? body.external_system_reference_number : null;
    const spend: SpendRequest = {
      number: String(this.nextSpendNumber++),
      purchaseNumber: purchase.number,
      accountNumber: participant.accountNumber,
      reference: externalReference ?? purchase.referenceNumber,
      externalReference,
      requestedCents,
      approvedCents,
      transactionNumber: String(this.nextTransactionNumber++),
      // Back-end: the spend is paid out to the customer by CRM.COM, not deducted at the till.
      reductionMethod: participant.reductionMethod,
      lifeCycleState: 'POSTED',
    };
    this.spends.push(spend);
    participant.walletBalanceCents -= approvedCents;
    this.record('spend.create', spend.reference, spend.number, approvedCents);
    return ok(spendView(spend));
  }

  private cancelSpend(body: Body) {
    const spend = this.spends.find((s) => matches(body.customer_event_identifier, s.number));
    if (!spend) return fail('NotFoundAPIValueException', 'Spend request customer event not found');
    if (spend.lifeCycleState !== 'POSTED') return fail(CRMCOM_ALREADY_CANCELLED, `Spend request ${spend.number} is already cancelled`);
    this.undoSpend(spend);
    return ok(spendView(spend));
  }

  private undoSpend(spend: SpendRequest): void {
    spend.lifeCycleState = 'CANCELLED';
    const participant = this.accountBy({ number: spend.accountNumber });
    if (participant) participant.walletBalanceCents += spend.approvedCents;
    this.record('spend.cancel', spend.reference, spend.number, spend.approvedCents);
  }

  /**
   * Upsert by product code. Partial success is still status OK, with the failures per item. An
   * unchanged product is no effect, so a resent batch journals nothing new.
   */
  private synchronise(body: Body) {
    const definition = (body.synchronisation_definition_identifier as { alternative_code?: unknown } | undefined)?.alternative_code;
    if (definition !== CRMCOM_SANDBOX_SYNC_DEFINITION) return fail('NotFoundAPIValueException', 'Synchronisation definition not found');
    if (!Array.isArray(body.products_set)) return fail('MissingParameterException', 'products_set is mandatory');
    if (body.products_set.length > SYNC_LIMIT) return fail('InvalidValueException', `At most ${SYNC_LIMIT} products can be synchronised per call`);
    const processed: Array<{ code: string; request_code: string; id: string }> = [];
    const unprocessed: Array<{ error_description: string; error_code: string; request_code: string }> = [];
    for (const item of body.products_set as SyncItem[]) {
      const code = typeof item.code === 'string' ? item.code : '';
      const family = optionalString(item.family_identifier?.code);
      const brand = optionalString(item.brand_identifier?.code);
      const refusal = !code
        ? ['MissingParameterException', 'Error:Product code is mandatory. - Description:A mandatory parameter is missing.']
        : family !== undefined && !this.families.has(family)
          ? ['NotFoundAPIValueException', notFound('Product Family', family)]
          : brand !== undefined && !this.brands.has(brand)
            ? ['NotFoundAPIValueException', notFound('Product Brand', brand)]
            : undefined;
      if (refusal) {
        unprocessed.push({ error_description: refusal[1], error_code: refusal[0], request_code: code });
        continue;
      }
      const product = this.upsertProduct({
        code,
        alternativeCode: optionalString(item.alternative_code),
        description: optionalString(item.description),
        familyCode: family,
        brandCode: brand,
      });
      processed.push({ code: product.code, request_code: code, id: product.id });
    }
    return ok({ unprocessed_products_set: unprocessed, processed_products_set: processed });
  }

  private upsertProduct(fields: Omit<Product, 'id'>): Product {
    const existing = this.products.get(fields.code);
    const product: Product = { ...fields, id: existing?.id ?? randomUUID().replace(/-/g, '').toUpperCase() };
    const changed = !existing || JSON.stringify(existing) !== JSON.stringify({ ...existing, ...fields });
    if (changed) {
      this.products.set(product.code, product);
      this.journal.add({ vendor: VENDOR, effect: existing ? 'product.update' : 'product.create', reference: product.code, vendorReference: product.id });
    }
    return product;
  }

  private participantBy(identifier: unknown): Participant | undefined {
    const id = identifier as { number?: string; access_token_identifier?: { authentication_code?: string } } | undefined;
    const code = id?.access_token_identifier?.authentication_code;
    return this.participants.find((p) => (code !== undefined ? p.authenticationCode === code : p.accountNumber === id?.number));
  }

  private accountBy(identifier: unknown): Participant | undefined {
    const number = (identifier as Identifier)?.number;
    return this.participants.find((p) => p.accountNumber === number);
  }

  private record(effect: string, reference: string, vendorReference: string, cents: number, details?: Record<string, unknown>): void {
    this.journal.add({ vendor: VENDOR, effect, reference, vendorReference, amount: formatMinorUnits(cents, CURRENCY), ...(details && { details }) });
  }
}

function purchaseView(p: Purchase) {
  return {
    number: p.number,
    reference_number: p.referenceNumber,
    life_cycle_state: p.lifeCycleState,
    total_awarded_amount: amount(p.awardedCents),
    // instant + automatic + additional spend made with the purchase (the document's Step 3 prose).
    total_spend_amount: amount(p.spentCents),
  };
}

function spendView(s: SpendRequest) {
  return {
    number: s.number,
    life_cycle_state: s.lifeCycleState,
    spend_amount: amount(s.requestedCents),
    reduction_method: s.reductionMethod,
    external_system_reference_number: s.externalReference,
    spend_reward_transaction: {
      number: s.transactionNumber,
      // The document's sample prints `total_number`; its prose (and vendors.md) say total_amount.
      total_amount: amount(s.approvedCents),
      net_amount: amount(s.approvedCents),
      vat_amount: 0,
      life_cycle_state: s.lifeCycleState,
    },
  };
}

/** Wallet money a spend may take: capped by the rule maximum, nothing when below the rule minimum. */
function spendableCents(walletCents: number, requestedCents: number): number {
  const cents = Math.max(0, Math.min(requestedCents, walletCents, CRMCOM_SANDBOX_SPEND_MAX_CENTS));
  return cents < CRMCOM_SANDBOX_SPEND_MIN_CENTS ? 0 : cents;
}

/** The automatic spend CRM.COM makes by itself on a purchase: the preference, capped by wallet and total. */
function automaticSpendCents(participant: Participant, totalCents: number): number {
  return Math.max(0, Math.min(participant.autoSpendCents, participant.walletBalanceCents, totalCents));
}

function awardCents(totalCents: number): number {
  return Math.floor((totalCents * AWARD_RATE_BASIS_POINTS) / 10_000);
}

function readLines(value: unknown): { totalCents: number } | { error: ReturnType<typeof fail> } {
  const lines = Array.isArray(value) ? (value as ProductLine[]) : [];
  if (lines.length === 0 || lines.some((l) => !l.product_identifier?.code)) {
    return { error: fail('MissingParameterException', 'products_set with product_identifier.code is mandatory') };
  }
  let totalCents = 0;
  for (const line of lines) {
    const cents = parseCents(line.total_amount ?? 0);
    if (cents === undefined) return { error: fail('InvalidValueException', 'total_amount must be an amount') };
    totalCents += cents;
  }
  return { totalCents };
}

function parseCents(value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  try {
    return fromVendorAmount(value, CURRENCY);
  } catch {
    return undefined;
  }
}

function amount(cents: number): number {
  return toVendorNumber(cents, CURRENCY);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function notFound(what: string, code: string): string {
  return `Error:${what} (${code}) Not Found. - Description:The specified API value was not found.`;
}

function matches(identifier: unknown, number: string): boolean {
  const id = identifier as Identifier;
  return id?.number === number || id?.id === number;
}

function page<T>(items: T[], body: Body): T[] {
  const offset = Number(body.offset ?? 0);
  const count = Math.min(Number(body.number_of_results ?? 50), 50);
  return items.slice(offset, offset + count);
}

/** `fields_set` keeps the named top-level fields of `data` (of each item of a list); absent keeps all. */
function withFields(answer: unknown, fieldsSet: unknown): unknown {
  const envelope = answer as { data?: unknown } | null;
  if (typeof fieldsSet !== 'string' || !envelope || typeof envelope !== 'object' || !envelope.data) return answer;
  const wanted = new Set(fieldsSet.split(',').map((f) => f.trim()).filter(Boolean));
  const pick = (item: unknown) =>
    item && typeof item === 'object' ? Object.fromEntries(Object.entries(item).filter(([key]) => wanted.has(key))) : item;
  return { ...envelope, data: Array.isArray(envelope.data) ? envelope.data.map(pick) : pick(envelope.data) };
}

function ok(data: unknown) {
  return { data, status: { message: null, description: null, code: 'OK' } };
}

function fail(code: string, description: string) {
  return { data: null, status: { message: code, description, code } };
}

/** A unit the account does not know, or a performed_on not in the document's local format; else undefined. */
function unitAndDateRefusal(body: Body) {
  const unit = (body.performed_by_unit_identifier as { name?: unknown } | undefined)?.name;
  if (unit !== undefined && !CRMCOM_SANDBOX_UNITS.has(String(unit))) return fail('NotFoundAPIValueException', `Unit ${String(unit)} not found`);
  if (body.performed_on !== undefined && (typeof body.performed_on !== 'string' || !LOCAL_DATE_TIME.test(body.performed_on))) {
    return fail('InvalidValueException', 'performed_on must be a local date and time as 2017-06-22T15:00:00');
  }
  return undefined;
}
