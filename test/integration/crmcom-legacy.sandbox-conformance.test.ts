import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { intentSeenFrom } from '../support/vendor-calls';
import { CrmcomLegacyVendor } from '../../activities/vendors/crmcom-legacy.vendor';
import { CRMCOM_SANDBOX_BACK_END_CODE, CRMCOM_SANDBOX_WEB_API_KEY, CrmcomLegacySandbox } from '../../src/sandbox/crmcom-legacy.sandbox';
import { sandboxForFile } from '../support/sandbox-server';

const API = '/crmcom/crmapi/rest/v2';
type Json = Record<string, unknown>;

const fixture = (name: string): Json => JSON.parse(readFileSync(join(__dirname, '../fixtures/crmcom-legacy', `${name}.json`), 'utf8')) as Json;

/** Keys and nesting, with each leaf reduced to its JSON type: what "same field names and nesting" means. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, shape((value as Json)[key])]));
  }
  return value === null ? 'null' : typeof value;
}

/**
 * The adapter's requests against the vendor document's example requests, and the sandbox's answers
 * to the document's own example requests against its example responses (test/fixtures/crmcom-legacy).
 */
describe(CrmcomLegacySandbox.name, () => {
  const sent: Array<{ path: string; body: Json }> = [];

  const sandbox = sandboxForFile((app) => {
    app.addHook('preHandler', async (req) => {
      if (req.url.startsWith(API)) sent.push({ path: req.url.slice(API.length + 1), body: req.body as Json });
    });
  });
  beforeEach(() => {
    sent.length = 0;
  });

  describe('requests the adapter sends', () => {
    const ctx: VendorCallContext = {
      reference: 'REF00001',
      store: 'S1',
      till: 'POSID01',
      attempt: 1,
      currency: 'EUR',
      recorder: { record: async () => undefined },
      effectMayHaveBeenSent: intentSeenFrom(1),
    };
    // The document's two purchase lines.
    const purchase = {
      performedOn: '2017-05-22T16:05:00Z',
      externalSystem: 'POSID01',
      lines: [
        { sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 },
        { sku: 'Sandwiches', quantity: 4, totalMinor: 1000, netMinor: 800, vatMinor: 200 },
      ],
    };
    const body = (path: string) => {
      const found = sent.filter((s) => s.path === path);
      expect(found).toHaveLength(1);
      return found[0].body;
    };
    let vendor: CrmcomLegacyVendor;

    beforeEach(async () => {
      vendor = new CrmcomLegacyVendor({ baseUrl: `${sandbox.url}${API}`, webApiKey: CRMCOM_SANDBOX_WEB_API_KEY, unitName: 'Unit', timeoutMs: 2000 });
      const customer = await vendor.identify(ctx, { type: 'code', value: '22265577' });
      await vendor.preview(ctx, customer, purchase);
      const posted = await vendor.submitPurchase(ctx, customer, purchase, 1000);
      await vendor.voidPurchase(ctx, { purchaseNumber: posted.purchaseNumber, spendNumber: posted.spend?.spendNumber });
      await vendor.synchroniseProducts(ctx, [
        { code: 'Orange Cookie', alternativeCode: '10021', description: 'Cookie with orange cream' },
        { code: 'Iced Caramel Latte', alternativeCode: '20071', description: 'Latte with caramel syrup', familyCode: 'Iced Coffee' },
      ]);
    });

    it('identifies with the document body of rewards_participants/show', () => {
      expect(shape(body('rewards_participants/show'))).toEqual(shape(fixture('rewards-participants-show.request')));
      expect(body('rewards_participants/show').fields_set).toBe('accounts_receivable,wallet');
    });

    it('previews with the document body, naming the customer by accounts_receivable_identifier as the prose says', () => {
      // The doc's example names the participant by access token; its prose lists accounts_receivable_identifier.
      const documented = fixture('purchases-preview.request');
      delete documented.rewards_participant_identifier;
      expect(shape(body('customer_events/purchases/preview'))).toEqual(shape({ ...documented, accounts_receivable_identifier: { number: '400' } }));
      expect(body('customer_events/purchases/preview').fields_set).toBe(documented.fields_set);
    });

    it('creates the purchase with the document body of purchases/create', () => {
      const sentBody = body('customer_events/purchases/create');
      expect(shape(sentBody)).toEqual(shape(fixture('purchases-create.request')));
      expect(sentBody).toMatchObject({ reference_number: 'REF00001', performed_on: '2017-05-22T16:05:00' });
      expect(String(sentBody.fields_set).split(',')).toEqual(expect.arrayContaining(['number', 'total_awarded_amount', 'reference_number', 'total_spend_amount']));
    });

    it('spends with the document body of spend_requests/create plus external_system_reference_number', () => {
      const sentBody = body('customer_events/spend_requests/create');
      expect(shape(sentBody)).toEqual(shape({ ...fixture('spend-requests-create.request'), external_system_reference_number: 'REF00001:spend' }));
      expect(sentBody).toMatchObject({ spend_amount: 10, purchase_customer_request_identifier: { number: '111' }, external_system_reference_number: 'REF00001:spend' });
      expect(sentBody.fields_set).toBe(fixture('spend-requests-create.request').fields_set);
    });

    it('cancels the spend, then the purchase, with customer_event_identifier {number} (spend_requests/cancel body)', () => {
      const cancels = sent.filter((s) => s.path.endsWith('/cancel'));
      expect(cancels.map((c) => c.path)).toEqual(['customer_events/spend_requests/cancel', 'customer_events/purchases/cancel']);
      for (const cancel of cancels) {
        expect(shape(cancel.body)).toEqual(shape({ ...fixture('spend-requests-cancel.request'), fields_set: 'number,life_cycle_state' }));
      }
      expect(cancels.map((c) => c.body.customer_event_identifier)).toEqual([{ number: '294' }, { number: '111' }]);
    });

    it('synchronises with the document body of products/synchronise', () => {
      const sentBody = body('products/synchronise');
      expect(shape(sentBody)).toEqual(shape(fixture('products-synchronise.request')));
      expect(sentBody.synchronisation_definition_identifier).toEqual({ alternative_code: 'Product_Sync' });
      expect(sentBody.products_set).toEqual(fixture('products-synchronise.request').products_set);
    });
  });

  describe("answers to the document's example requests", () => {
    let token: string;
    const ask = async (path: string, example: Json, changes: Json = {}) =>
      (await request(sandbox.url).post(`${API}/${path}`).send({ ...example, token, ...changes }).expect(200)).body as Json;

    beforeEach(async () => {
      const res = await request(sandbox.url)
        .post(`${API}/authentication/web_api_key/token`)
        .set('authorization', `Basic ${Buffer.from(`${CRMCOM_SANDBOX_WEB_API_KEY}:`).toString('base64')}`)
        .send({})
        .expect(200);
      token = res.body.data.token as string;
    });

    // The seeded account is 400 (as rewards_participants/show prints it); the create examples say 001.
    const account = { accounts_receivable_identifier: { number: '400' } };

    it('rewards_participants/show answers the document response, field for field', async () => {
      const answer = await ask('rewards_participants/show', fixture('rewards-participants-show.request'));
      expect(answer).toEqual(fixture('rewards-participants-show.response'));
    });

    it('purchases/preview answers the document response fields', async () => {
      const answer = await ask('customer_events/purchases/preview', fixture('purchases-preview.request'));
      expect(shape(answer)).toEqual(shape(fixture('purchases-preview.response')));
      // 7.9 as printed: the wallet's 10.00 capped by the spend rule's maximum.
      expect(answer.data).toMatchObject({ total_additional_spend_amount: 7.9, reduction_method: 'FRONT_END_REDUCTION' });
    });

    it('purchases/create answers the document response fields, starting at purchase number 111', async () => {
      const answer = await ask('customer_events/purchases/create', fixture('purchases-create.request'), account);
      expect(shape(answer)).toEqual(shape(fixture('purchases-create.response')));
      expect(answer.data).toMatchObject({ number: '111', reference_number: 'REF00001' });
    });

    it("spend_requests/create answers the document response, with total_amount where the sample misspells total_number", async () => {
      const purchase = await ask('customer_events/purchases/create', fixture('purchases-create.request'), account);
      const number = (purchase.data as Json).number;
      const answer = await ask('customer_events/spend_requests/create', fixture('spend-requests-create.request'), {
        ...account,
        purchase_customer_request_identifier: { number },
      });
      const documented = fixture('spend-requests-create.response');
      const { total_number: spent, ...transaction } = (documented.data as Json).spend_reward_transaction as Json;
      const expected = { ...documented, data: { ...(documented.data as Json), spend_reward_transaction: { ...transaction, total_amount: spent } } };
      // Values too: the document's 10 requested against a 10.00 wallet comes back as 7.9 spent.
      expect(answer).toEqual(expected);
    });

    it('products/synchronise answers the document response, with the Iced Coffee family unprocessed exactly as printed', async () => {
      const answer = await ask('products/synchronise', fixture('products-synchronise.request'));
      const documented = fixture('products-synchronise.response');
      expect(shape(answer)).toEqual(shape(documented));
      expect((answer.data as Json).unprocessed_products_set).toEqual((documented.data as Json).unprocessed_products_set);
      expect((answer.data as Json).processed_products_set).toEqual([
        { code: 'Orange Cookie', request_code: 'Orange Cookie', id: expect.stringMatching(/^[0-9A-F]{32}$/) },
      ]);
    });

    it('previews a back-end-reduction account as BACK_END_REDUCTION, and its purchase takes the automatic spend itself', async () => {
      const backEnd = { rewards_participant_identifier: { access_token_identifier: { authentication_code: CRMCOM_SANDBOX_BACK_END_CODE } } };
      const preview = await ask('customer_events/purchases/preview', fixture('purchases-preview.request'), backEnd);
      expect(shape(preview)).toEqual(shape(fixture('purchases-preview.response')));
      // 5.00 automatic spend (the account's preference) out of its 20.00 wallet.
      expect(preview.data).toMatchObject({ reduction_method: 'BACK_END_REDUCTION', total_automatic_spend_amount: 5 });
      const purchase = await ask('customer_events/purchases/create', fixture('purchases-create.request'), {
        accounts_receivable_identifier: { number: '401' },
        fields_set: 'number,total_awarded_amount,total_spend_amount,reference_number',
      });
      expect(purchase.data).toMatchObject({ number: '111', total_spend_amount: 5 });
      const show = await ask('rewards_participants/show', fixture('rewards-participants-show.request'), backEnd);
      // 20.00 + 0.20 awarded (1 % of the example's 20.00) - 5.00 spent by CRM.COM and paid out.
      expect((show.data as { wallet: { balance: string } }).wallet.balance).toBe('15.20');
    });

    it('purchases/list ignores the undocumented reference_number filter: oldest first, at most 50 a page (the document\'s pagination)', async () => {
      for (const reference of ['L-1', 'L-2', 'L-3']) {
        await ask('customer_events/purchases/create', fixture('purchases-create.request'), { ...account, reference_number: reference });
      }
      const list = await ask('customer_events/purchases/list', {}, { reference_number: 'L-3', number_of_results: 1, offset: 0 });
      expect((list.data as Json[]).map((p) => p.reference_number)).toEqual(['L-1']);
      const all = await ask('customer_events/purchases/list', {}, { reference_number: 'L-3', number_of_results: 500, offset: 1 });
      expect((all.data as Json[]).map((p) => p.reference_number)).toEqual(['L-2', 'L-3']);
    });

    it('refuses spend_requests/list: no document names it', async () => {
      await request(sandbox.url).post(`${API}/customer_events/spend_requests/list`).send({ token }).expect(404);
    });

    it('answers failures in the same envelope, with the exception name as status.code and data null', async () => {
      const answer = await ask('rewards_participants/show', fixture('rewards-participants-show.request'), {
        rewards_participant_identifier: { access_token_identifier: { authentication_code: 'unknown' } },
      });
      expect(shape(answer)).toEqual(shape({ data: null, status: { message: 'x', description: 'x', code: 'x' } }));
      expect(answer.status).toMatchObject({ code: 'NotFoundAPIValueException' });
    });
  });
});
