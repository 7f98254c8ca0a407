import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatMinorUnits, fromVendorAmount, MoneyFormatError } from '../../core/money/money';
import type { SandboxJournal } from './sandbox-journal';
import { SANDBOX_CREDENTIALS } from '../../core/config/app-config';

/**
 * CMC (ClearLine) post-tender API, as vendor-docs/cmc-post-tender.txt and vendors.md §4 describe it:
 * OAuth2 client credentials at `/connect/token`, then `POST /pos/{posSystemId}/startInteraction` and
 * `POST /pos/{posSystemId}/transaction`, every answer wrapped in `{data: ...}`.
 *
 * Choices where the documents are silent (each one flagged [sandbox]):
 * - Errors are ASP.NET Core ProblemDetails (the reference's `application/json-patch+json` content type
 *   is that stack's default); 401 carries no body, as a JWT bearer handler answers.
 * - No de-duplication: a repeated transactionId is a second transaction, applied and journaled like the
 *   first. vendors.md §4: "Duplicate detection on `transactionId`: **[unknown]**", and the document
 *   (vendor-docs/cmc-post-tender.txt) promises none, so a re-send after a lost reply must show as a
 *   second effect here rather than be absorbed by a de-duplication ClearLine may not have.
 * - A refund is a negative transactionAmount; `originalTransactionId` (not a documented field) must name
 *   a recorded sale (the first one sent under that id), and refunds may not add up to more than that sale.
 * - Sessions live 30 minutes; a transaction on an unknown or expired session is a 400 on `sessionId`.
 * - Non-Accepted terminals get no sessionId.
 */

/** The client credentials it accepts: the app's defaults outside production (core/config, SANDBOX_CREDENTIALS). */
export const CMC_SANDBOX_CLIENT_ID = SANDBOX_CREDENTIALS.CMC_CLIENT_ID;
export const CMC_SANDBOX_CLIENT_SECRET = SANDBOX_CREDENTIALS.CMC_CLIENT_SECRET;
/** The quick-start's default lifetime. */
const TOKEN_TTL_SECONDS = 3600;
const SESSION_TTL_MS = 30 * 60 * 1000;
/** ClearLine transactions carry no currency; the sandbox counts in a two-decimal one. */
const SANDBOX_CURRENCY = 'EUR';
/** The sandbox's one POS Rule: a sale of 50.00 or more earns a receipt QR code and a CFS carousel. */
export const CMC_POS_RULE_THRESHOLD_MINOR = 5000;
const POS_RULE_TEMPLATE_ID = 7;
const WIDGET_HOST = 'https://cmc-sandbox.clearline.example';
const TRANSACTION_TYPES = new Set(['Undefined', 'Sale']);

type PosStatus = 'Accepted' | 'Disabled' | 'NotAvailable';

interface Terminal {
  terminalId: string;
  posLocationId: string;
  posStatus: PosStatus;
}

interface Session {
  sessionId: string;
  terminalId: string;
  posLocationId: string;
  expiresAt: number;
}

interface RecordedTransaction {
  transactionId: string;
  amountMinor: number;
  refundedMinor: number;
}

type Body = Record<string, unknown>;

/** 2026-12-05T00:30:00+02:00, 2026-12-04T22:30:00.000Z */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;

/** What a transaction said of its customer, sales person and loyalty card, as it arrived. */
export interface PeopleSent {
  customer?: unknown;
  salesPerson?: unknown;
  cardNumber?: unknown;
}

export class CmcSandbox {
  private tokens = new Map<string, number>();
  private terminals: Terminal[] = [];
  private sessions = new Map<string, Session>();
  /** The first transaction recorded under each transactionId (a repeated one is recorded again, not here). */
  private transactions = new Map<string, RecordedTransaction>();
  /** The people each transaction named (the last send under its id), for tests to see what arrived. */
  private people = new Map<string, PeopleSent>();

  constructor(private readonly journal: SandboxJournal) {
    this.reset();
  }

  /** Business state back to the seed. Issued tokens survive, as they would at the real vendor. */
  reset(): void {
    this.sessions.clear();
    this.transactions.clear();
    this.people.clear();
    this.terminals = [
      // The reference documentation's own example terminal.
      { terminalId: '6orMqUyq', posLocationId: '6orMqUyq2Hg3tP', posStatus: 'Accepted' },
      // The saga's default till.
      { terminalId: 'T1', posLocationId: 'S1', posStatus: 'Accepted' },
      { terminalId: 'T-DISABLED', posLocationId: 'S1', posStatus: 'Disabled' },
      { terminalId: 'T-NOT-AVAILABLE', posLocationId: 'S1', posStatus: 'NotAvailable' },
      // A store whose ClearLine location and terminal are not its own ids (stores.cmc_location,
      // cmc_terminals): till T1 of such a store is terminal CFS-31 at location L-S3.
      { terminalId: 'CFS-31', posLocationId: 'L-S3', posStatus: 'Accepted' },
    ];
  }

  register(app: FastifyInstance): void {
    // The token endpoint takes a form; the reference examples send `application/json-patch+json`.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
    app.post('/connect/token', (req, reply) => this.issueToken(req, reply));
    app.post('/pos/:posSystemId/startInteraction', (req, reply) => this.withToken(req, reply, (b) => this.startInteraction(b, reply)));
    app.post('/pos/:posSystemId/transaction', (req, reply) => this.withToken(req, reply, (b) => this.transaction(b, reply)));
  }

  private issueToken(req: FastifyRequest, reply: FastifyReply) {
    const { id, secret } = basicCredentials(req.headers.authorization);
    if (id !== CMC_SANDBOX_CLIENT_ID || secret !== CMC_SANDBOX_CLIENT_SECRET) {
      return reply.code(401).header('www-authenticate', 'Basic').send({ error: 'invalid_client' });
    }
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials') return reply.code(400).send({ error: 'unsupported_grant_type' });
    if (!(form.scope ?? '').split(' ').includes('pos_integration')) return reply.code(400).send({ error: 'invalid_scope' });
    const token = randomUUID().replace(/-/g, '');
    this.tokens.set(token, Date.now() + TOKEN_TTL_SECONDS * 1000);
    return { access_token: token, expires_in: TOKEN_TTL_SECONDS, token_type: 'Bearer', scope: 'pos_integration' };
  }

  private withToken(req: FastifyRequest, reply: FastifyReply, handle: (body: Body) => unknown) {
    const header = req.headers.authorization ?? '';
    const expiresAt = header.startsWith('Bearer ') ? this.tokens.get(header.slice(7)) : undefined;
    if (!expiresAt || expiresAt < Date.now()) {
      return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send();
    }
    return handle((req.body ?? {}) as Body);
  }

  private startInteraction(body: Body, reply: FastifyReply) {
    const missing = required(body, ['terminalId', 'posLocationId']);
    if (missing) return reply.code(400).send(missing);
    const terminal = this.terminal(body.terminalId as string, body.posLocationId as string);
    if (!terminal) return reply.code(404).send(terminalNotFound(body.terminalId as string, body.posLocationId as string));
    let sessionId: string | null = null;
    if (terminal.posStatus === 'Accepted') {
      sessionId = randomUUID();
      this.sessions.set(sessionId, { sessionId, terminalId: terminal.terminalId, posLocationId: terminal.posLocationId, expiresAt: Date.now() + SESSION_TTL_MS });
    }
    return { data: { terminalId: terminal.terminalId, posLocationId: terminal.posLocationId, sessionId, posStatus: terminal.posStatus } };
  }

  private transaction(body: Body, reply: FastifyReply) {
    const missing = required(body, ['sessionId', 'transactionId', 'terminalId', 'posLocationId']);
    if (missing) return reply.code(400).send(missing);
    const transactionId = body.transactionId as string;
    const invalid = this.invalidTransaction(body);
    if (invalid) return reply.code(400).send(invalid);
    const terminal = this.terminal(body.terminalId as string, body.posLocationId as string);
    if (!terminal) return reply.code(404).send(terminalNotFound(body.terminalId as string, body.posLocationId as string));
    if (terminal.posStatus !== 'Accepted') return { data: { posStatus: terminal.posStatus } };

    const amountMinor = fromVendorAmount(body.transactionAmount as number, SANDBOX_CURRENCY);
    if (amountMinor < 0) {
      const refused = this.refusedRefund(body, amountMinor);
      if (refused) return reply.code(refused.status).send(refused);
    }
    const id = randomUUID();
    const ruleFired = amountMinor >= CMC_POS_RULE_THRESHOLD_MINOR;
    const customer = body.customer as SentCustomer | undefined;
    this.people.set(transactionId, { customer: body.customer, salesPerson: body.salesPerson, cardNumber: body.cardNumber });
    const response = {
      data: {
        id,
        qrCodeWidget: ruleFired ? qrCodeWidget(id) : null,
        notificationMessageId: null,
        profile: customer ? profile(customer, body.salesPerson as SentSalesPerson | undefined) : null,
        sessionId: body.sessionId as string,
        cfsTemplate: ruleFired
          ? { accountTemplateId: POS_RULE_TEMPLATE_ID, cfsCarouselUrl: `${WIDGET_HOST}/cfs/${encodeURIComponent(terminal.terminalId)}/carousel?template=${POS_RULE_TEMPLATE_ID}` }
          : null,
        posStatus: terminal.posStatus,
      },
    };
    if (!this.transactions.has(transactionId)) this.transactions.set(transactionId, { transactionId, amountMinor, refundedMinor: 0 });
    if (amountMinor < 0) {
      const original = this.transactions.get(body.originalTransactionId as string);
      if (original) original.refundedMinor += -amountMinor;
    }
    this.journal.add({
      vendor: 'cmc',
      effect: amountMinor < 0 ? 'posttender.refund' : 'posttender.transaction',
      reference: transactionId,
      vendorReference: id,
      amount: formatMinorUnits(amountMinor, SANDBOX_CURRENCY),
      details: { transactionDate: body.transactionDate, terminalId: body.terminalId, posLocationId: body.posLocationId },
    });
    return response;
  }

  /** Model validation, in ASP.NET's shape: field name -> messages. */
  private invalidTransaction(body: Body) {
    const errors: Record<string, string[]> = {};
    const session = this.sessions.get(body.sessionId as string);
    if (!session || session.expiresAt < Date.now()) errors.sessionId = ['The session is unknown or has expired; start a new interaction.'];
    else if (session.terminalId !== body.terminalId || session.posLocationId !== body.posLocationId) {
      errors.sessionId = ['The session belongs to another terminal.'];
    }
    if (typeof body.transactionAmount !== 'number') errors.transactionAmount = ['The transactionAmount field must be a number.'];
    else {
      try {
        fromVendorAmount(body.transactionAmount, SANDBOX_CURRENCY);
      } catch (err) {
        if (!(err instanceof MoneyFormatError)) throw err;
        errors.transactionAmount = ['The transactionAmount field is not a valid amount.'];
      }
    }
    // The document says "transactionDate | Transaction date", vendors.md §4 "transactionDate (ISO)": an
    // ISO 8601 date-time. One without an offset names no instant (whose midnight?), so it is refused
    // as a .NET DateTimeOffset binder refuses it; `Z` or ±hh:mm is taken.
    if (typeof body.transactionDate !== 'string' || !ISO_WITH_OFFSET.test(body.transactionDate) || Number.isNaN(Date.parse(body.transactionDate))) {
      errors.transactionDate = ['The transactionDate field must be an ISO 8601 date and time with an offset.'];
    }
    if (body.transactionType !== undefined && !TRANSACTION_TYPES.has(body.transactionType as string)) {
      errors.transactionType = [`The value '${String(body.transactionType)}' is not valid for transactionType.`];
    }
    if (body.products !== undefined && !Array.isArray(body.products)) errors.products = ['The products field must be an array.'];
    Object.assign(errors, peopleErrors(body));
    return Object.keys(errors).length ? validationProblem(errors) : null;
  }

  /** What the last transaction under `transactionId` said of its people (the admin API's view for tests). */
  peopleSent(transactionId: string): PeopleSent | undefined {
    return this.people.get(transactionId);
  }

  private refusedRefund(body: Body, amountMinor: number) {
    const originalId = body.originalTransactionId;
    if (typeof originalId !== 'string' || !originalId) return null;
    const original = this.transactions.get(originalId);
    if (!original || original.amountMinor <= 0) {
      return problem(404, 'Not Found', `Transaction ${originalId} was not found.`);
    }
    if (original.refundedMinor - amountMinor > original.amountMinor) {
      return problem(400, 'Bad Request', `Refunds would exceed the amount of transaction ${originalId}.`);
    }
    return null;
  }

  private terminal(terminalId: string, posLocationId: string): Terminal | undefined {
    return this.terminals.find((t) => t.terminalId === terminalId && t.posLocationId === posLocationId);
  }
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
function basicCredentials(header: string | undefined): { id?: string; secret?: string } {
  if (!header?.startsWith('Basic ')) return {};
  const decoded = Buffer.from(header.slice(6), 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  try {
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return {};
  }
}

function qrCodeWidget(transactionId: string) {
  const code = transactionId.slice(0, 8);
  return {
    shortLinkUrl: `${WIDGET_HOST}/s/${code}`,
    qrCodeLinkUrl: `${WIDGET_HOST}/qr/${code}.png`,
    qrCodeHtmlLinkUrl: `${WIDGET_HOST}/qr/${code}.html`,
    qrCodePreviewLinkUrl: `${WIDGET_HOST}/qr/${code}/preview`,
  };
}

interface SentCustomer {
  id?: string;
  firstName?: string;
  lastName?: string;
  contacts?: Array<{ email?: string; phone?: string }>;
}
interface SentSalesPerson {
  firstName?: string;
  lastName?: string;
}

/**
 * The response's recipient profile (cmc-post-tender.txt: "profile | Customer profile data block,
 * Represent recipient profile", with firstName, lastName, customerEmail, customerPhone, salesPerson
 * "Sales person name"): the sandbox knows a customer only by what the transaction told it.
 */
function profile(customer: SentCustomer, salesPerson: SentSalesPerson | undefined) {
  const contact = customer.contacts?.[0];
  const salesName = [salesPerson?.firstName, salesPerson?.lastName].filter(Boolean).join(' ');
  return {
    // "Internal Customer profile Id": CMC's own, stable per customer, not the POS's id echoed back.
    id: `profile-${createHash('sha256').update(customer.id ?? 'anonymous').digest('hex').slice(0, 12)}`,
    firstName: customer.firstName ?? null,
    lastName: customer.lastName ?? null,
    customerEmail: contact?.email ?? null,
    customerPhone: contact?.phone ?? null,
    salesPerson: salesName || null,
    purchaseName: null,
    purchaseId: null,
    purchaseCategory: null,
    purchasePrice: null,
    gender: null,
  };
}

const CUSTOMER_TEXT = ['id', 'firstName', 'lastName'] as const;
const SALES_PERSON_TEXT = ['id', 'firstName', 'lastName'] as const;

/**
 * Model validation of the SendTransaction people fields, exactly as far as cmc-post-tender.txt goes:
 * it names the fields and their nesting ("customer: Customer data block", its Id, firstName,
 * lastName, birthDate, "contacts: Customer contacts data block" with the e-mail and phone;
 * "salesPerson: Sales person data block" with Id, firstName, lastName; "cardNumber: Loyalty card
 * number") but marks none required and gives no formats. So a block must be an object, a name or
 * number a string, birthDate a date and contacts a list of objects (what model binding refuses);
 * any of them may be absent, and no e-mail or phone format is imposed.
 */
function peopleErrors(body: Body): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const notString = (path: string) => (errors[path] = [`The JSON value at ${path} could not be converted to System.String.`]);
  const object = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  const customer = body.customer as Record<string, unknown> | undefined;
  if (customer !== undefined && customer !== null) {
    if (!object(customer)) errors.customer = ['The customer field must be an object.'];
    else {
      for (const f of CUSTOMER_TEXT) if (customer[f] !== undefined && customer[f] !== null && typeof customer[f] !== 'string') notString(`customer.${f}`);
      const birth = customer.birthDate;
      if (birth !== undefined && birth !== null && (typeof birth !== 'string' || Number.isNaN(Date.parse(birth)))) {
        errors['customer.birthDate'] = ['The customer.birthDate field must be a date.'];
      }
      const contacts = customer.contacts;
      if (contacts !== undefined && contacts !== null) {
        if (!Array.isArray(contacts) || !contacts.every(object)) errors['customer.contacts'] = ['The customer.contacts field must be an array of objects.'];
        else {
          (contacts as Array<Record<string, unknown>>).forEach((c, i) => {
            for (const f of ['email', 'phone']) if (c[f] !== undefined && c[f] !== null && typeof c[f] !== 'string') notString(`customer.contacts[${i}].${f}`);
          });
        }
      }
    }
  }
  const salesPerson = body.salesPerson as Record<string, unknown> | undefined;
  if (salesPerson !== undefined && salesPerson !== null) {
    if (!object(salesPerson)) errors.salesPerson = ['The salesPerson field must be an object.'];
    else for (const f of SALES_PERSON_TEXT) if (salesPerson[f] !== undefined && salesPerson[f] !== null && typeof salesPerson[f] !== 'string') notString(`salesPerson.${f}`);
  }
  if (body.cardNumber !== undefined && body.cardNumber !== null && typeof body.cardNumber !== 'string') notString('cardNumber');
  return errors;
}

function required(body: Body, fields: string[]) {
  const errors: Record<string, string[]> = {};
  for (const field of fields) {
    if (typeof body[field] !== 'string' || !body[field]) errors[field] = [`The ${field} field is required.`];
  }
  return Object.keys(errors).length ? validationProblem(errors) : null;
}

function terminalNotFound(terminalId: string, posLocationId: string) {
  return problem(404, 'Not Found', `Terminal ${terminalId} is not registered to a CFS Terminal at location ${posLocationId}.`);
}

function validationProblem(errors: Record<string, string[]>) {
  return { ...problem(400, 'One or more validation errors occurred.'), errors };
}

function problem(status: number, title: string, detail?: string) {
  return {
    type: `https://tools.ietf.org/html/rfc9110#section-15.${status === 404 ? '5.5' : '5.1'}`,
    title,
    status,
    ...(detail && { detail }),
    traceId: randomUUID(),
  };
}
