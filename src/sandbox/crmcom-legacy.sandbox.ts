import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxJournal } from './sandbox-journal';

/**
 * CRM.COM legacy Web API (`/crmapi/rest/v2`), as vendor-docs/crmcom-v1-pos-integration.txt shows it:
 * token in the body, `{data, status:{code,message,description}}` envelopes, amounts as JSON numbers.
 * Seeded with the document's own participant: authentication code 22265577, wallet 10.00.
 */

export const CRMCOM_SANDBOX_WEB_API_KEY = 'sandbox-web-api-key';
const TOKEN_TTL_MS = 2 * 60 * 60 * 1000;
/** The sandbox's one reward offer: 1 % of the purchase total back into the wallet. */
const AWARD_RATE_BASIS_POINTS = 100;

interface Participant {
  authenticationCode: string;
  accountNumber: string;
  accountId: string;
  walletNumber: string;
  walletBalanceCents: number;
  lifeCycleState: string;
}

interface Purchase {
  number: string;
  referenceNumber: string;
  accountNumber: string;
  awardedCents: number;
  totalCents: number;
  lifeCycleState: 'POSTED' | 'CANCELLED';
}

interface ProductLine {
  product_identifier?: { code?: string };
  quantity?: number;
  total_amount?: number;
  net_amount?: number;
  vat_amount?: number;
}

type Body = Record<string, unknown> & { token?: string };

export class CrmcomLegacySandbox {
  private tokens = new Map<string, number>();
  private participants: Participant[] = [];
  private purchases: Purchase[] = [];
  private nextPurchaseNumber = 111;

  constructor(private readonly journal: SandboxJournal) {
    this.reset();
  }

  /** Business state back to the seed. Issued tokens survive, as they would at the real vendor. */
  reset(): void {
    this.purchases = [];
    this.nextPurchaseNumber = 111;
    this.participants = [
      {
        authenticationCode: '22265577',
        accountNumber: '400',
        accountId: '123456789',
        walletNumber: 'W0000000001',
        walletBalanceCents: 1000,
        lifeCycleState: 'ACTIVE',
      },
    ];
  }

  /** Admin: make every issued token invalid, to exercise the client's renewal. */
  expireTokens(): void {
    this.tokens.clear();
  }

  register(app: FastifyInstance): void {
    app.post('/authentication/web_api_key/token', (req, reply) => this.issueToken(req, reply));
    app.post('/rewards_participants/show', (req, reply) => this.withToken(req, reply, (b) => this.show(b)));
    app.post('/customer_events/purchases/create', (req, reply) => this.withToken(req, reply, (b) => this.createPurchase(b)));
    app.post('/customer_events/purchases/list', (req, reply) => this.withToken(req, reply, (b) => this.listPurchases(b)));
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
    const id = body.rewards_participant_identifier as
      | { number?: string; access_token_identifier?: { authentication_code?: string } }
      | undefined;
    const code = id?.access_token_identifier?.authentication_code;
    const participant = this.participants.find((p) =>
      code !== undefined ? p.authenticationCode === code : p.accountNumber === id?.number,
    );
    if (!participant) return fail('NotFoundAPIValueException', 'Rewards participant not found');
    return ok({
      wallet: { number: participant.walletNumber, balance: participant.walletBalanceCents / 100 },
      accounts_receivable: {
        life_cycle_state: participant.lifeCycleState,
        number: participant.accountNumber,
        name: 'John Doe',
        id: participant.accountId,
        account_owner: { name: 'John Doe', first_name: 'John', last_name: 'Doe', life_cycle_state: 'FINANCIAL', title: 'Mr', type: 'PERSON' },
      },
    });
  }

  private createPurchase(body: Body) {
    const accountNumber = (body.accounts_receivable_identifier as { number?: string } | undefined)?.number;
    const participant = this.participants.find((p) => p.accountNumber === accountNumber);
    if (!participant) return fail('NotFoundAPIValueException', 'Accounts receivable not found');
    const reference = typeof body.reference_number === 'string' ? body.reference_number : '';
    if (!reference) return fail('MissingParameterException', 'reference_number is mandatory');
    const lines = Array.isArray(body.products_set) ? (body.products_set as ProductLine[]) : [];
    if (lines.length === 0 || lines.some((l) => !l.product_identifier?.code)) {
      return fail('MissingParameterException', 'products_set with product_identifier.code is mandatory');
    }
    const totalCents = lines.reduce((sum, l) => sum + Math.round((l.total_amount ?? 0) * 100), 0);
    const awardedCents = Math.floor((totalCents * AWARD_RATE_BASIS_POINTS) / 10_000);
    const purchase: Purchase = {
      number: String(this.nextPurchaseNumber++),
      referenceNumber: reference,
      accountNumber: participant.accountNumber,
      awardedCents,
      totalCents,
      lifeCycleState: 'POSTED',
    };
    this.purchases.push(purchase);
    participant.walletBalanceCents += awardedCents;
    this.journal.add({
      vendor: 'crmcom',
      effect: 'purchase.create',
      reference,
      vendorReference: purchase.number,
      amount: (awardedCents / 100).toFixed(2),
    });
    return ok(purchaseView(purchase));
  }

  private listPurchases(body: Body) {
    const reference = body.reference_number;
    const found = this.purchases.filter((p) => reference === undefined || p.referenceNumber === reference);
    const offset = Number(body.offset ?? 0);
    const count = Math.min(Number(body.number_of_results ?? 50), 50);
    return ok(found.slice(offset, offset + count).map(purchaseView));
  }
}

function purchaseView(p: Purchase) {
  return {
    number: p.number,
    reference_number: p.referenceNumber,
    life_cycle_state: p.lifeCycleState,
    total_awarded_amount: p.awardedCents / 100,
    total_spend_amount: 0,
  };
}

function ok(data: unknown) {
  return { data, status: { message: null, description: null, code: 'OK' } };
}

function fail(code: string, description: string) {
  return { data: null, status: { message: code, description, code } };
}
