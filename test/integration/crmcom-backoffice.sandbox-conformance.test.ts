import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { LoyaltyCustomer } from '../../activities/vendors/capabilities';
import { CrmcomBackofficeVendor } from '../../activities/vendors/crmcom-backoffice.vendor';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { intentSeenFrom } from '../support/vendor-calls';
import { CRMCOM_SANDBOX_API_KEY, CrmcomBackofficeSandbox } from '../../src/sandbox/crmcom-backoffice.sandbox';
import { eventually } from '../support/eventually';
import { journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';

const PREFIX = '/crmcom/backoffice/v1';
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '../fixtures/crmcom-backoffice', name), 'utf8'));

/** Key sets and nesting, recursively; arrays by their first element; leaves by JSON type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]));
  }
  return value === null ? 'null' : typeof value;
}

interface Exchange {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, unknown>;
  body: unknown;
  status: number;
  response: unknown;
}

/**
 * The adapter's requests use the field names and nesting of vendor-docs/crmcom-v2-pos-ecommerce.txt
 * (as vendors.md §1.2 reads it), and the sandbox answers in the shapes of the fixtures (see the
 * fixtures' README for which come from the document and which are our assumption).
 */
describe(`${CrmcomBackofficeSandbox.name} conformance`, () => {
  let exchanges: Exchange[] = [];

  const sandbox = sandboxForFile((app) => {
    app.addHook('onSend', async (req, reply, payload) => {
      if (req.url.startsWith(PREFIX)) {
        const [path] = req.url.split('?');
        exchanges.push({
          method: req.method,
          path: path.slice(PREFIX.length),
          query: req.query as Record<string, string>,
          headers: req.headers,
          body: req.body,
          status: reply.statusCode,
          response: typeof payload === 'string' ? JSON.parse(payload) : payload,
        });
      }
      return payload;
    });
  });
  beforeEach(() => {
    exchanges = [];
  });

  const adapter = () => new CrmcomBackofficeVendor({ baseUrl: `${sandbox.url}${PREFIX}`, apiKey: CRMCOM_SANDBOX_API_KEY, timeoutMs: 2000 });
  const ctx = (reference: string, attempt = 1): VendorCallContext => ({ reference, store: 'S1', till: 'T1', attempt, currency: 'EUR', recorder: { record: async () => undefined }, effectMayHaveBeenSent: intentSeenFrom(attempt) });
  const purchase = {
    performedOn: '2026-11-21T10:00:00Z',
    externalSystem: 'T1',
    lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }],
  };
  const find = (method: string, path: string) => {
    const found = exchanges.filter((e) => e.method === method && e.path === path);
    expect(found).not.toHaveLength(0);
    return found;
  };
  const identified = async (): Promise<LoyaltyCustomer> => adapter().identify(ctx('C-id'), { type: 'code', value: '22265577' });

  it('sends the api_key header on every call, and JSON only where there is a body', async () => {
    const customer = await identified();
    const { purchaseNumber } = await adapter().submitPurchase(ctx('C-headers'), customer, purchase, 500);
    await adapter().submitPurchase(ctx('C-headers', 2), customer, purchase, 500);
    await adapter().voidPurchase(ctx('C-headers'), { purchaseNumber });
    await adapter().synchroniseProducts(ctx('C-headers'), [{ code: 'C-SKU' }]);
    expect(exchanges.map((e) => `${e.method} ${e.path.replace(purchaseNumber, '{id}')}`)).toEqual([
      'GET /customers',
      'POST /purchases',
      'GET /purchases/{id}',
      'POST /purchases/{id}/cancel',
      'POST /synchronise_products',
    ]);
    for (const e of exchanges) {
      expect(e.headers.api_key).toBe(CRMCOM_SANDBOX_API_KEY);
      expect(e.headers['content-type']).toBe(e.method === 'POST' && e.body !== undefined ? 'application/json' : undefined);
    }
  });

  it('searches GET /customers with exactly one identification parameter per identifier type', async () => {
    const values = { code: '22265577', number: '400', phone: '+3579900400', email: 'john.doe@example.com', externalId: 'EXT-400' } as const;
    for (const [type, value] of Object.entries(values)) await adapter().identify(ctx('C-q'), { type: type as keyof typeof values, value });
    expect(find('GET', '/customers').map((e) => e.query)).toEqual([
      { cim: '22265577' },
      { number: '400' },
      { phone_number: '+3579900400' },
      { email_address: 'john.doe@example.com' },
      { code: 'EXT-400' },
    ]);
  });

  it('posts the purchase with the documented fields, our id, performed_on as an epoch integer and spend_request.amount', async () => {
    const customer = await identified();
    await adapter().submitPurchase(ctx('C-purchase'), customer, purchase, 500);
    const [post] = find('POST', '/purchases');
    expect(shape(post.body)).toEqual(shape(fixture('purchase-request.json')));
    expect(post.body).toMatchObject({ contact_id: customer.accountNumber, reference_number: 'C-purchase', performed_on: 1795255200, spend_request: { amount: 5 } });
    expect(Number.isInteger((post.body as { performed_on: unknown }).performed_on)).toBe(true);
    expect(shape(post.response)).toEqual(shape(fixture('purchase-response.json')));
  });

  it('sends the OTP and pass code where CRMCOM_OTP_FIELD / CRMCOM_PASS_CODE_FIELD say (default spend_request.otp / .pass_code), and the reduction method in the API spelling', async () => {
    const customer = await identified();
    const otp = (await request(sandbox.url).post('/_sandbox/crmcom/otps').send({ cim: '22265577' }).expect(201)).body.otp as string;
    const backEnd = new CrmcomBackofficeVendor({ baseUrl: `${sandbox.url}${PREFIX}`, apiKey: CRMCOM_SANDBOX_API_KEY, timeoutMs: 2000, reduction: 'back_end' });
    await backEnd.submitPurchase(ctx('C-otp'), customer, { ...purchase, spendOtp: otp, spendPassCode: '2468' }, 300);
    const elsewhere = new CrmcomBackofficeVendor({
      baseUrl: `${sandbox.url}${PREFIX}`, apiKey: CRMCOM_SANDBOX_API_KEY, timeoutMs: 2000, spendSecretFields: { otp: 'otp_token', passCode: 'spend_request.pin' },
    });
    // The sandbox reads vendors.md's names only, so the elsewhere-placed OTP is not checked there (and not consumed).
    await elsewhere.submitPurchase(ctx('C-otp-2'), customer, { ...purchase, spendOtp: '123456' }, 300);
    const [first, second] = find('POST', '/purchases');
    expect(first.body).toMatchObject({ reduction_method: 'BACK_END', spend_request: { amount: 3, otp, pass_code: '2468' } });
    expect(second.body).toMatchObject({ reduction_method: 'FRONT_END', otp_token: '123456', spend_request: { amount: 3 } });
    expect((second.body as { spend_request: object }).spend_request).not.toHaveProperty('otp');
  });

  it('leaves spend_request out when no spend is asked for', async () => {
    await adapter().submitPurchase(ctx('C-nospend'), await identified(), purchase);
    expect(find('POST', '/purchases')[0].body).not.toHaveProperty('spend_request');
  });

  it('answers GET /customers and GET /purchases/{id} in the fixture shapes', async () => {
    const customer = await identified();
    expect(shape(find('GET', '/customers')[0].response)).toEqual(shape(fixture('customers-response.json')));
    const { purchaseNumber } = await adapter().submitPurchase(ctx('C-show'), customer, purchase);
    await adapter().findPurchase(ctx('C-show'));
    expect(shape(find('GET', `/purchases/${purchaseNumber}`)[0].response)).toEqual(shape(fixture('purchase-response.json')));
  });

  it('cancels with POST /purchases/{id}/cancel, no body, answered by the purchase id', async () => {
    const { purchaseNumber } = await adapter().submitPurchase(ctx('C-cancel'), await identified(), purchase);
    await adapter().voidPurchase(ctx('C-cancel'), { purchaseNumber });
    const [cancel] = find('POST', `/purchases/${purchaseNumber}/cancel`);
    expect(cancel.body).toBeUndefined();
    expect(cancel.response).toEqual({ id: purchaseNumber });
    expect(shape(cancel.response)).toEqual(shape(fixture('purchase-cancel-response.json')));
  });

  it('synchronises with POST /synchronise_products and gets a process id back', async () => {
    await adapter().synchroniseProducts(ctx('C-sync'), [{ code: 'C-1', alternativeCode: 'A1', description: 'One', familyCode: 'F', brandCode: 'B' }]);
    const [sync] = find('POST', '/synchronise_products');
    expect(shape(sync.body)).toEqual(shape(fixture('synchronise-products-request.json')));
    expect(shape(sync.response)).toEqual(shape(fixture('synchronise-products-response.json')));
  });

  it('monitors the process with GET /synchronise_products/{id}: IN_PROGRESS, then COMPLETED with each product', async () => {
    const { processId } = await adapter().synchroniseProducts(ctx('C-sync-status'), [{ code: 'C-ST-1' }, { code: 'C-ST-2', familyCode: 'Iced Coffee' }]);
    await adapter().syncProcess(ctx('C-sync-status'), processId!);
    const [running] = find('GET', `/synchronise_products/${processId}`);
    expect(running.response).toEqual({ id: processId, status: 'IN_PROGRESS' });
    await eventually(() => adapter().syncProcess(ctx('C-sync-status'), processId!), (s) => s.done === true, { timeoutMs: 5000, intervalMs: 100 });
    const done = find('GET', `/synchronise_products/${processId}`).at(-1)!;
    expect(done.body).toBeUndefined();
    expect(shape(done.response)).toEqual(shape(fixture('synchronise-products-status-response.json')));
    expect(done.response).toMatchObject({ status: 'COMPLETED', processed_products: [{ sku: 'C-ST-1' }], unprocessed_products: [{ sku: 'C-ST-2' }] });
  });

  it("pins the purchase answer's names to vendors.md §1.2 (the document has none): spend.approved is what the till deducts, awarded what was awarded", async () => {
    const customer = await identified();
    // 8.00 asked on a 10.00 sale: the sandbox's spend rule approves at most half, 5.00; the offer awards 1 %.
    const result = await adapter().submitPurchase(ctx('C-answer'), customer, purchase, 800);
    const [post] = find('POST', '/purchases');
    expect(post.response).toEqual({ id: result.purchaseNumber, reference_number: 'C-answer', spend: { requested: 8, approved: 5 }, awarded: 0.1 });
    expect(Object.keys(post.response as object).sort()).toEqual(Object.keys(fixture('purchase-response.json') as object).sort());
    // The adapter reads exactly those names: approved (not requested) is deducted, awarded is the award.
    expect(result).toMatchObject({ awardedMinor: 10, spend: { requestedMinor: 800, approvedMinor: 500 } });
  });

  it('answers errors with HTTP 400 and the document example body {status, message, error, parameters}', async () => {
    const expected = shape(fixture('error-not-found.json'));
    await adapter().identify(ctx('C-err'), { type: 'code', value: 'nope' }).catch(() => undefined);
    const customer = { accountNumber: '789dacae-cf71-414f-9483-ca88acaa46432', walletBalanceMinor: 0 };
    await adapter().submitPurchase(ctx('C-err'), customer, purchase).catch(() => undefined);
    const errors = exchanges.filter((e) => e.status === 400);
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(shape(e.response)).toEqual(expected);
    expect(errors[1].response).toEqual(fixture('error-not-found.json'));
  });

  it('refuses a purchase in another currency_code than the account keeps (EUR), and books nothing', async () => {
    const customer = await identified();
    await expect(adapter().submitPurchase({ ...ctx('C-usd'), currency: 'USD' }, customer, purchase)).rejects.toThrow();
    const [post] = find('POST', '/purchases');
    expect(post.body).toMatchObject({ currency_code: 'USD' });
    expect(post.response).toMatchObject({ status: 400, error: 'CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION', parameters: ['currency_code', 'USD'] });
    expect(await journalOf(sandbox.url, 'C-usd')).toEqual([]);
  });

  it('answers a bad API key with HTTP 401 in the same error shape', async () => {
    const res = await request(sandbox.url).get(`${PREFIX}/customers`).query({ cim: '22265577' }).set('api_key', 'wrong');
    expect(res.status).toBe(401);
    expect(shape(res.body)).toEqual(shape(fixture('error-not-found.json')));
  });
});
