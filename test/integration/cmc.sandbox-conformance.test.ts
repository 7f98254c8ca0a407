import request from 'supertest';
import type { PostTenderTransaction } from '../../activities/vendors/capabilities';
import { CmcVendor } from '../../activities/vendors/cmc.vendor';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { intentSeenFrom } from '../support/vendor-calls';
import { CMC_SANDBOX_CLIENT_ID, CMC_SANDBOX_CLIENT_SECRET, CmcSandbox } from '../../src/sandbox/cmc.sandbox';
import startInteractionRequest from '../fixtures/cmc/start-interaction.request.json';
import startInteractionResponse from '../fixtures/cmc/start-interaction.response.json';
import tokenResponse from '../fixtures/cmc/token.response.json';
import transactionRequest from '../fixtures/cmc/transaction.request.json';
import transactionResponse from '../fixtures/cmc/transaction.response.json';
import { sandboxForFile } from '../support/sandbox-server';

const POS_SYSTEM = 'checkout-saga';

interface Captured {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Key sets and nesting, not values: objects become their keys (recursively), arrays their first
 * element's shape, and every scalar or null the same leaf (the document's values are placeholders).
 */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]));
  }
  return 'leaf';
}

/** Every key path of `value` must exist in `documented` (a request may leave optional fields out). */
function undocumentedKeys(value: unknown, documented: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => undocumentedKeys(v, Array.isArray(documented) ? documented[0] : undefined, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  const doc = (documented && typeof documented === 'object' ? documented : {}) as Record<string, unknown>;
  return Object.entries(value).flatMap(([k, v]) =>
    k in doc ? undocumentedKeys(v, doc[k], `${path}.${k}`) : [`${path}.${k}`],
  );
}

/** The sandbox speaks vendor-docs/cmc-post-tender.txt, and the adapter sends what it documents. */
describe(`${CmcSandbox.name} conformance`, () => {
  let captured: Captured[] = [];

  const sandbox = sandboxForFile((app) => {
    app.addHook('preHandler', async (req) => {
      if (req.url.startsWith('/cmc/')) captured.push({ url: req.url, headers: req.headers, body: req.body });
    });
  });
  beforeEach(() => {
    captured = [];
  });

  const vendor = () =>
    new CmcVendor({
      baseUrl: `${sandbox.url}/cmc`,
      tokenUrl: `${sandbox.url}/cmc/connect/token`,
      clientId: CMC_SANDBOX_CLIENT_ID,
      clientSecret: CMC_SANDBOX_CLIENT_SECRET,
      posSystemId: POS_SYSTEM,
      timeoutMs: 1000,
    });
  const ctx = (reference: string): VendorCallContext => ({ reference, store: 'S1', till: 'T1', attempt: 1, currency: 'EUR', recorder: { record: async () => undefined }, effectMayHaveBeenSent: intentSeenFrom(1) });
  const sale: PostTenderTransaction = {
    terminalId: 'T1',
    posLocationId: 'S1',
    amountMinor: 7550,
    transactionDate: '2026-11-21T10:00:00+01:00',
    lines: [
      { sku: 'SKU-1', description: 'Soft Drinks', quantity: 2, totalMinor: 5000, netMinor: 4000, vatMinor: 1000 },
      { sku: 'SKU-2', quantity: 1, totalMinor: 2550, netMinor: 2040, vatMinor: 510 },
    ],
    customerId: 'hmac-2f1c9a',
  };
  const basic = `Basic ${Buffer.from(`${CMC_SANDBOX_CLIENT_ID}:${CMC_SANDBOX_CLIENT_SECRET}`).toString('base64')}`;
  const bearer = async () => {
    const res = await request(sandbox.url).post('/cmc/connect/token').set('authorization', basic).type('form').send({ grant_type: 'client_credentials', scope: 'pos_integration' }).expect(200);
    return `Bearer ${res.body.access_token as string}`;
  };
  const sent = (suffix: string) => captured.filter((c) => c.url.endsWith(suffix));

  describe('requests the adapter sends', () => {
    it('asks for a token with Basic client credentials and the documented form body', async () => {
      await vendor().sendTransaction(ctx('R-c-token'), sale);
      const [token] = sent('/connect/token');
      expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(token.headers.authorization).toBe(basic);
      expect(token.body).toEqual({ grant_type: 'client_credentials', scope: 'pos_integration' });
    });

    it('starts the interaction at /pos/{posSystemId}/startInteraction with the documented fields and a Bearer token', async () => {
      await vendor().sendTransaction(ctx('R-c-start'), sale);
      const [start] = sent('/startInteraction');
      expect(start.url).toBe(`/cmc/pos/${POS_SYSTEM}/startInteraction`);
      expect(start.headers.authorization).toMatch(/^Bearer \S+$/);
      expect(start.body).toEqual({ terminalId: 'T1', posLocationId: 'S1' });
      expect(undocumentedKeys(start.body, startInteractionRequest)).toEqual([]);
    });

    it('sends the transaction with the documented names and nesting, and only a pseudonymous customer id', async () => {
      await vendor().sendTransaction(ctx('R-c-sale'), sale);
      const [start] = sent('/startInteraction');
      const [tx] = sent('/transaction');
      expect(tx.url).toBe(`/cmc/pos/${POS_SYSTEM}/transaction`);
      expect(undocumentedKeys(tx.body, transactionRequest)).toEqual([]);
      expect(tx.body).toEqual({
        sessionId: expect.any(String),
        customer: { id: 'hmac-2f1c9a' },
        transactionId: 'R-c-sale',
        transactionType: 'Sale',
        transactionAmount: 75.5,
        transactionDate: '2026-11-21T09:00:00.000Z',
        terminalId: 'T1',
        posLocationId: 'S1',
        products: [
          { productId: 'SKU-1', productName: 'Soft Drinks', quantity: 2 },
          { productId: 'SKU-2', productName: 'SKU-2', quantity: 1 },
        ],
      });
      expect(start.body).not.toHaveProperty('customer');
      expect(JSON.stringify(tx.body)).not.toMatch(/firstName|lastName|birthDate|contacts|email|phone|cardNumber/);
    });

    it("sends the till's customer, sales person and loyalty card in the document's names and nesting (contacts[{email, phone}])", async () => {
      const people = {
        customer: { id: 'POS-C7', firstName: 'Ada', lastName: 'Byron', birthDate: '1990-04-30', email: 'ada@example.com', phone: '+35799111222' },
        salesPerson: { id: 'SP-1', firstName: 'Sam', lastName: 'Seller' },
        cardNumber: 'LC0001234',
      };
      await vendor().sendTransaction(ctx('R-c-people'), { ...sale, ...people });
      const [tx] = sent('/transaction');
      expect(undocumentedKeys(tx.body, transactionRequest)).toEqual([]);
      expect(tx.body).toMatchObject({
        // The till's own customer id wins over the pseudonymous one.
        customer: { id: 'POS-C7', firstName: 'Ada', lastName: 'Byron', birthDate: '1990-04-30', contacts: [{ email: 'ada@example.com', phone: '+35799111222' }] },
        salesPerson: { id: 'SP-1', firstName: 'Sam', lastName: 'Seller' },
        cardNumber: 'LC0001234',
      });
    });

    it('leaves the customer block out when the sale has no customer', async () => {
      await vendor().sendTransaction(ctx('R-c-anon'), { ...sale, customerId: undefined });
      expect(sent('/transaction')[0].body).not.toHaveProperty('customer');
    });

    it('sends a refund as a negative transaction whose only undocumented field is originalTransactionId', async () => {
      const adapter = vendor();
      await adapter.sendTransaction(ctx('R-c-orig'), sale);
      await adapter.sendRefund(ctx('R-c-refund'), { ...sale, amountMinor: 2550, originalTransactionId: 'R-c-orig' });
      const refund = sent('/transaction')[1].body as Record<string, unknown>;
      expect(refund).toMatchObject({ transactionId: 'R-c-refund', transactionType: 'Undefined', transactionAmount: -25.5, originalTransactionId: 'R-c-orig' });
      expect(undocumentedKeys(refund, transactionRequest)).toEqual(['.originalTransactionId']);
    });
  });

  describe('answers the sandbox gives', () => {
    it('answers the token request like the quick start', async () => {
      const res = await request(sandbox.url).post('/cmc/connect/token').set('authorization', basic).type('form').send({ grant_type: 'client_credentials', scope: 'pos_integration' }).expect(200);
      expect(shape(res.body)).toEqual(shape(tokenResponse));
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'pos_integration' });
    });

    it('answers startInteraction like the document, field for field', async () => {
      const res = await request(sandbox.url)
        .post(`/cmc/pos/${POS_SYSTEM}/startInteraction`)
        .set('authorization', await bearer())
        .send({ terminalId: '6orMqUyq', posLocationId: '6orMqUyq2Hg3tP' })
        .expect(200);
      expect(shape(res.body)).toEqual(shape(startInteractionResponse));
      expect(res.body.data).toMatchObject({ terminalId: '6orMqUyq', posLocationId: '6orMqUyq2Hg3tP', posStatus: 'Accepted', sessionId: expect.any(String) });
    });

    it('accepts the reference documentation content type application/json-patch+json', async () => {
      await request(sandbox.url)
        .post(`/cmc/pos/${POS_SYSTEM}/startInteraction`)
        .set('authorization', await bearer())
        .set('content-type', 'application/json-patch+json')
        .send(JSON.stringify({ terminalId: 'T1', posLocationId: 'S1' }))
        .expect(200);
    });

    it('answers a transaction that fires the POS Rule like the document, field for field', async () => {
      const auth = await bearer();
      const start = await request(sandbox.url).post(`/cmc/pos/${POS_SYSTEM}/startInteraction`).set('authorization', auth).send({ terminalId: 'T1', posLocationId: 'S1' });
      const res = await request(sandbox.url)
        .post(`/cmc/pos/${POS_SYSTEM}/transaction`)
        .set('authorization', auth)
        .send({ ...transactionRequest, sessionId: start.body.data.sessionId, transactionId: 'R-c-doc', transactionAmount: 50, terminalId: 'T1', posLocationId: 'S1' })
        .expect(200);
      expect(shape(res.body)).toEqual(shape(transactionResponse));
    });

    it('answers a transaction below the POS Rule with the same fields, widget and template null', async () => {
      const auth = await bearer();
      const start = await request(sandbox.url).post(`/cmc/pos/${POS_SYSTEM}/startInteraction`).set('authorization', auth).send({ terminalId: 'T1', posLocationId: 'S1' });
      const res = await request(sandbox.url)
        .post(`/cmc/pos/${POS_SYSTEM}/transaction`)
        .set('authorization', auth)
        .send({ ...transactionRequest, sessionId: start.body.data.sessionId, transactionId: 'R-c-small', transactionAmount: 49.99, terminalId: 'T1', posLocationId: 'S1' })
        .expect(200);
      expect(shape(res.body)).toEqual(shape({ data: { ...transactionResponse.data, qrCodeWidget: null, cfsTemplate: null } }));
    });

    it('does not de-duplicate: a re-sent transactionId is a second transaction, applied and journaled (no document promises otherwise)', async () => {
      const auth = await bearer();
      const send = async () => {
        const start = await request(sandbox.url).post(`/cmc/pos/${POS_SYSTEM}/startInteraction`).set('authorization', auth).send({ terminalId: 'T1', posLocationId: 'S1' });
        return request(sandbox.url)
          .post(`/cmc/pos/${POS_SYSTEM}/transaction`)
          .set('authorization', auth)
          .send({ ...transactionRequest, sessionId: start.body.data.sessionId, transactionId: 'R-c-twice', transactionAmount: 12.5, terminalId: 'T1', posLocationId: 'S1' })
          .expect(200);
      };
      const first = await send();
      const second = await send();
      expect(second.body.data.id).not.toBe(first.body.data.id);
      const sends = (await request(sandbox.url).get('/_sandbox/journal').query({ vendor: 'cmc', reference: 'R-c-twice' }).expect(200)).body.entries;
      expect(sends.map((e: Record<string, string>) => [e.effect, e.vendorReference, e.amount, e.outcome])).toEqual([
        ['posttender.transaction', first.body.data.id, '12.50', 'applied'],
        ['posttender.transaction', second.body.data.id, '12.50', 'applied'],
      ]);
    });

    it("refuses people fields of the wrong type (what model binding refuses), accepts any of them absent, and echoes them in the recipient profile", async () => {
      const auth = await bearer();
      const send = async (transactionId: string, fields: Record<string, unknown>) => {
        const start = await request(sandbox.url).post(`/cmc/pos/${POS_SYSTEM}/startInteraction`).set('authorization', auth).send({ terminalId: 'T1', posLocationId: 'S1' });
        const base = { sessionId: start.body.data.sessionId, transactionId, transactionAmount: 10, transactionDate: '2026-11-21T10:00:00Z', terminalId: 'T1', posLocationId: 'S1' };
        return request(sandbox.url).post(`/cmc/pos/${POS_SYSTEM}/transaction`).set('authorization', auth).send({ ...base, ...fields });
      };
      const refused = await send('R-c-types', {
        customer: { firstName: 7, birthDate: 'someday', contacts: [{ email: ['a'], phone: '1' }] },
        salesPerson: 'Sam',
        cardNumber: 1234,
      });
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.body.errors).sort()).toEqual(['cardNumber', 'customer.birthDate', 'customer.contacts[0].email', 'customer.firstName', 'salesPerson']);
      expect((await send('R-c-contacts', { customer: { contacts: { email: 'a@b.co' } } })).body.errors).toHaveProperty(['customer.contacts']);

      // The document marks none of them required and gives no formats: a bare id, a sales person
      // without names, an e-mail of any form all pass.
      const bare = await send('R-c-bare', { customer: { id: 'C1', contacts: [{ email: 'not checked' }] }, salesPerson: { id: 'S1' } });
      expect(bare.status).toBe(200);
      const full = await send('R-c-echo', { customer: { id: 'C2', firstName: 'Ada', lastName: 'Byron', contacts: [{ email: 'ada@example.com', phone: '+35799111222' }] }, salesPerson: { id: 'S1', firstName: 'Sam', lastName: 'Seller' }, cardNumber: 'LC1' });
      expect(full.body.data.profile).toMatchObject({ firstName: 'Ada', lastName: 'Byron', customerEmail: 'ada@example.com', customerPhone: '+35799111222', salesPerson: 'Sam Seller' });
      const people = await request(sandbox.url).get('/_sandbox/cmc/transactions/R-c-echo/people').expect(200);
      expect(people.body).toEqual({ customer: expect.objectContaining({ firstName: 'Ada' }), salesPerson: { id: 'S1', firstName: 'Sam', lastName: 'Seller' }, cardNumber: 'LC1' });
    });

    it('answers 401 without a valid Bearer token and 401 invalid_client for wrong credentials', async () => {
      await request(sandbox.url).post(`/cmc/pos/${POS_SYSTEM}/startInteraction`).set('authorization', 'Bearer nope').send({ terminalId: 'T1', posLocationId: 'S1' }).expect(401);
      const res = await request(sandbox.url)
        .post('/cmc/connect/token')
        .set('authorization', `Basic ${Buffer.from(`${CMC_SANDBOX_CLIENT_ID}:wrong`).toString('base64')}`)
        .type('form')
        .send({ grant_type: 'client_credentials', scope: 'pos_integration' })
        .expect(401);
      expect(res.body).toEqual({ error: 'invalid_client' });
    });
  });
});
