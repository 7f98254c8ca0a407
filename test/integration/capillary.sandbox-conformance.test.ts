import { createHash } from 'node:crypto';
import request from 'supertest';
import type { CustomerIdentifier } from '../../activities/vendors/capabilities';
import { CapillaryVendor } from '../../activities/vendors/capillary.vendor';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { intentSeenFrom } from '../support/vendor-calls';
import {
  CAPILLARY_SANDBOX_COUPONS as COUPONS,
  CAPILLARY_SANDBOX_CUSTOMER as TOM,
  CAPILLARY_SANDBOX_OAUTH,
  CAPILLARY_SANDBOX_TILL,
  CapillarySandbox,
} from '../../src/sandbox/capillary.sandbox';
import couponGet from '../fixtures/capillary/coupon-get.response.json';
import couponIsRedeemable from '../fixtures/capillary/coupon-isredeemable.response.json';
import couponReactivateRequest from '../fixtures/capillary/coupon-reactivate.request.json';
import couponReactivate from '../fixtures/capillary/coupon-reactivate.response.json';
import couponRedeemRequest from '../fixtures/capillary/coupon-redeem.request.json';
import couponRedeem from '../fixtures/capillary/coupon-redeem.response.json';
import customerAddRequest from '../fixtures/capillary/customer-add.request.json';
import customerAdd from '../fixtures/capillary/customer-add.response.json';
import customerGet from '../fixtures/capillary/customer-get.response.json';
import customerRedemptions from '../fixtures/capillary/customer-redemptions.response.json';
import oauthTokenRequest from '../fixtures/capillary/oauth-token.request.json';
import oauthToken from '../fixtures/capillary/oauth-token.response.json';
import pointsIsRedeemable from '../fixtures/capillary/points-isredeemable.response.json';
import pointsRedeemRequest from '../fixtures/capillary/points-redeem.request.json';
import pointsRedeem from '../fixtures/capillary/points-redeem.response.json';
import pointsReverseRequest from '../fixtures/capillary/points-reverse.request.json';
import pointsReverse from '../fixtures/capillary/points-reverse.response.json';
import transactionAddRequest from '../fixtures/capillary/transaction-add.request.json';
import transactionAdd from '../fixtures/capillary/transaction-add.response.json';
import transactionGet from '../fixtures/capillary/transaction-get.response.json';
import transactionReturnRequest from '../fixtures/capillary/transaction-return.request.json';
import transactionReturn from '../fixtures/capillary/transaction-return.response.json';
import { sandboxForFile } from '../support/sandbox-server';

/**
 * Key paths of a JSON value. Capillary's JSON is converted XML, so a one-element list and a single
 * object are the same thing: arrays are transparent here, as they are to the adapter.
 */
function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) keyPaths(v, prefix, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(path);
      keyPaths(v, path, out);
    }
  }
  return out;
}

/** Paths holding an empty list or object: their children depend on data, not on the format. */
function emptyContainers(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    if (value.length === 0 && prefix) out.add(prefix);
    for (const v of value) emptyContainers(v, prefix, out);
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) out.add(prefix);
    for (const [k, v] of entries) emptyContainers(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

const under = (path: string, containers: Set<string>) => [...containers].some((c) => path.startsWith(`${c}.`));

/** Field-for-field difference in both directions, ignoring what hangs under an empty container on the other side. */
function shapeDiff(actual: unknown, documented: unknown) {
  const [a, d] = [keyPaths(actual), keyPaths(documented)];
  const [emptyA, emptyD] = [emptyContainers(actual), emptyContainers(documented)];
  return {
    missing: [...d].filter((p) => !a.has(p) && !under(p, emptyA)).sort(),
    extra: [...a].filter((p) => !d.has(p) && !under(p, emptyD)).sort(),
  };
}

/** Every key we send exists in the document's example at the same place. */
function undocumentedKeys(sent: unknown, ...documented: unknown[]): string[] {
  const known = new Set(documented.flatMap((d) => [...keyPaths(d)]));
  return [...keyPaths(sent)].filter((p) => !known.has(p)).sort();
}

interface Captured {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  reply: unknown;
}

describe(`${CapillarySandbox.name} conformance`, () => {
  const captured: Captured[] = [];
  const basic = (till: string, password: string) => `Basic ${Buffer.from(`${till}:${createHash('md5').update(password).digest('hex')}`).toString('base64')}`;
  const till = basic(CAPILLARY_SANDBOX_TILL.code, CAPILLARY_SANDBOX_TILL.password);
  const get = (path: string, query: Record<string, string>) => request(sandbox.url).get(`/capillary${path}`).query({ format: 'json', ...query }).set('authorization', till);
  const post = (path: string, body: object) => request(sandbox.url).post(`/capillary${path}`).query({ format: 'json' }).set('authorization', till).send(body);

  const sandbox = sandboxForFile((app) => {
    app.addHook('preHandler', async (req) => {
      if (!req.url.startsWith('/capillary/')) return;
      const u = new URL(req.url, 'http://sandbox');
      captured.push({ method: req.method, path: u.pathname.replace('/capillary', ''), query: u.searchParams, headers: req.headers, body: req.body, reply: undefined });
    });
    app.addHook('onSend', async (req, _reply, payload) => {
      const last = [...captured].reverse().find((c) => req.url.includes(c.path));
      if (last && typeof payload === 'string') last.reply = JSON.parse(payload);
      return payload;
    });
  });
  const allowPointsReversal = (allow: boolean) =>
    request(sandbox.url).put('/capillary/_sandbox/org-config').send({ allowPointsRedemptionReversal: allow }).expect(200);
  // The org raised the ticket for Allow_points_redemption_reversal (off by default, as at a real org).
  beforeEach(() => allowPointsReversal(true));
  beforeEach(() => {
    captured.length = 0;
  });

  describe('requests the adapter sends', () => {
    const ctx = (reference: string, attempt = 1): VendorCallContext => ({ reference, store: 'S1', till: 'T1', attempt, currency: 'EUR', recorder: { record: async () => undefined }, effectMayHaveBeenSent: intentSeenFrom(attempt) });
    const phone: CustomerIdentifier = { type: 'phone', value: TOM.mobile };
    const sent = (path: string) => captured.filter((c) => c.path === path);

    beforeEach(async () => {
      const vendor = new CapillaryVendor({ baseUrl: `${sandbox.url}/capillary`, oauthKey: CAPILLARY_SANDBOX_OAUTH.key, oauthSecret: CAPILLARY_SANDBOX_OAUTH.secret, timeoutMs: 2000 });
      const customer = await vendor.findCustomer(ctx('C-1'), phone);
      await vendor.findCustomer(ctx('C-1'), { type: 'email', value: 'new.customer@example.com' }, { enrol: true });
      await vendor.checkPoints(ctx('C-1'), customer, 100);
      const redemption = await vendor.redeemPoints(ctx('C-1'), customer, 100);
      await vendor.findRedemption(ctx('C-1'), customer, 100);
      await vendor.reversePoints(ctx('C-1'), customer, redemption);
      await vendor.lookUp(ctx(`C-1:${COUPONS.redeemable}`), COUPONS.redeemable, phone);
      const coupon = await vendor.redeem(ctx(`C-1:${COUPONS.redeemable}`), COUPONS.redeemable, { billAmountMinor: 90_000, customer: phone });
      await vendor.reinstate(ctx(`C-1:${COUPONS.redeemable}`), coupon);
      await vendor.reinstate(ctx(`C-1:${COUPONS.redeemable}`), coupon);
      const lines = [{ sku: 'skuattr9', description: 'soap', quantity: 2, totalMinor: 100_000, netMinor: 90_000, vatMinor: 10_000 }];
      const sale = { billingTime: '2026-11-21T10:00:00Z', amountMinor: 90_000, grossAmountMinor: 100_000, discountMinor: 10_000, lines, customer: phone, pointsRedemptionIds: [redemption.redemptionId] };
      await vendor.addTransaction(ctx('C-1'), sale);
      await vendor.addTransaction(ctx('C-1', 2), sale);
      const back = { originalBillNumber: 'C-1', originalBillingTime: '2026-11-21T10:00:00Z', billingTime: '2026-11-22T10:00:00Z', customer: phone };
      await vendor.returnTransaction(ctx('C-R1'), { ...back, returnType: 'LINE_ITEM', amountMinor: 50_000, lines: [{ ...lines[0], quantity: 1, totalMinor: 50_000 }] });
      await vendor.returnTransaction(ctx('C-R2', 2), { ...back, returnType: 'LINE_ITEM', amountMinor: 40_000, lines: [{ ...lines[0], quantity: 1, totalMinor: 40_000 }] });
    });

    it('asks for a token with the documented {key, secret} and sends it with the till attribution on every call', () => {
      const [token, ...calls] = captured;
      expect(token.path).toBe('/v3/oauth/token/generate');
      expect(undocumentedKeys(token.body, oauthTokenRequest)).toEqual([]);
      expect(calls.length).toBeGreaterThan(10);
      for (const call of calls) {
        expect(call.headers).toMatchObject({
          'x-cap-api-oauth-token': expect.any(String),
          'x-cap-api-attribution-entity-type': 'TILL',
          'x-cap-api-attribution-entity-code': 'T1',
        });
        if (call.path.startsWith('/v1.1/')) expect(call.query.get('format')).toBe('json');
      }
    });

    it('uses only documented query parameters on the v1.1 reads', () => {
      const documented: Record<string, string[]> = {
        '/v1.1/customer/get': ['format', 'user_id', 'mobile', 'email', 'external_id', 'card_number', 'card_external_id'],
        '/v1.1/points/isredeemable': ['format', 'points', 'skip_validation', 'validation_code', 'mobile', 'email', 'external_id'],
        '/v1.1/customer/redemptions': ['format', 'type', 'mobile', 'email', 'external_id'],
        '/v1.1/coupon/isredeemable': ['format', 'code', 'details', 'mobile', 'email', 'external_id'],
        '/v1.1/coupon/get': ['format', 'code'],
        '/v1.1/transaction/get': ['format', 'number', 'type'],
        '/v1.1/points/redeem': ['format', 'skip_validation', 'validation_type'],
        '/v1.1/coupon/redeem': ['format'],
        '/v1.1/customer/add': ['format'],
        '/v1.1/transaction/add': ['format'],
      };
      for (const call of captured.filter((c) => c.path.startsWith('/v1.1/'))) {
        expect({ path: call.path, params: [...call.query.keys()].filter((k) => !documented[call.path]?.includes(k)) }).toEqual({ path: call.path, params: [] });
      }
      expect(sent('/v1.1/customer/redemptions').map((c) => c.query.get('type'))).toEqual(expect.arrayContaining(['points']));
      expect(sent('/v1.1/points/isredeemable')[0].query.get('mobile')).toBe(TOM.mobile);
    });

    it('sends customer/add, points/redeem and coupon/redeem bodies in the documented root nesting', () => {
      expect(undocumentedKeys(sent('/v1.1/customer/add')[0].body, customerAddRequest)).toEqual([]);
      const [redeem] = sent('/v1.1/points/redeem');
      expect(undocumentedKeys(redeem.body, pointsRedeemRequest)).toEqual([]);
      expect(redeem.body).toMatchObject({ root: { redeem: [{ points_redeemed: 100, transaction_number: 'C-1', external_reference_number: 'C-1', customer: { mobile: TOM.mobile } }] } });
      const [coupon] = sent('/v1.1/coupon/redeem');
      expect(undocumentedKeys(coupon.body, couponRedeemRequest)).toEqual([]);
      // The coupon is redeemed on the bill, not on the coupon step's own reference.
      expect(coupon.body).toMatchObject({ root: { coupon: [{ code: COUPONS.redeemable, transaction: [{ number: 'C-1', amount: '900.00' }] }] } });
    });

    it('sends v2 points/reverse and coupon/reactivate bodies as documented', () => {
      expect(undocumentedKeys(sent('/v2/points/reverse')[0].body, pointsReverseRequest)).toEqual([]);
      expect(sent('/v2/points/reverse')[0].body).toMatchObject({ identifier: { type: 'mobile', value: TOM.mobile }, pointsToBeReversed: 100 });
      expect(undocumentedKeys(sent('/v2/coupon/reactivate')[0].body, couponReactivateRequest)).toEqual([]);
      expect(sent('/v2/coupon/reactivate')[0].body).toEqual({ redemptionIds: [expect.any(Number)] });
    });

    it('sends transaction/add bills and returns with the documented fields', () => {
      // The bill's attempt 2 finds it with transaction/get instead of sending it again: the bill, then the returns.
      const [bill, firstReturn] = sent('/v1.1/transaction/add');
      // `redemptions.points_redemptions.id` comes from the transaction guide's redemption section
      // (vendors.md §2), not from this sample; it is the only key outside it.
      expect(undocumentedKeys(bill.body, transactionAddRequest)).toEqual(['root.transaction.redemptions', 'root.transaction.redemptions.points_redemptions', 'root.transaction.redemptions.points_redemptions.id']);
      expect(bill.body).toMatchObject({ root: { transaction: [{ type: 'regular', number: 'C-1', amount: '900.00', gross_amount: '1000.00', discount: '100.00', billing_time: '2026-11-21 10:00:00' }] } });
      // A return carries bill_client_id and currency_code, both fields of the same transaction entity.
      expect(undocumentedKeys(firstReturn.body, transactionReturnRequest, transactionAddRequest)).toEqual([]);
      expect(firstReturn.body).toMatchObject({ root: { transaction: [{ type: 'RETURN', return_type: 'LINE_ITEM', number: 'C-1', purchase_time: '2026-11-21', bill_client_id: 'C-R1' }] } });
    });
  });

  describe('answers against the document examples', () => {
    const expectShape = (actual: unknown, documented: unknown, allowed: { missing?: string[]; extra?: string[] } = {}) =>
      expect(shapeDiff(actual, documented)).toEqual({ missing: allowed.missing ?? [], extra: allowed.extra ?? [] });

    it('OAuth token generate', async () => {
      const res = await request(sandbox.url).post('/capillary/v3/oauth/token/generate').send(CAPILLARY_SANDBOX_OAUTH).expect(200);
      expectShape(res.body, oauthToken);
      await request(sandbox.url).post('/capillary/v3/oauth/token/generate').send({ key: CAPILLARY_SANDBOX_OAUTH.key, secret: 'wrong' }).expect(401);
    });

    it('customer/get, without the `response` wrapper as in the sample', async () => {
      const res = await get('/v1.1/customer/get', { mobile: TOM.mobile, user_id: 'true' }).expect(200);
      // user_id is the documented answer to user_id=true.
      expectShape(res.body, customerGet, { extra: ['customers.customer.user_id'] });
      expect(res.body.customers.customer).toMatchObject({ mobile: TOM.mobile, loyalty_points: '1000', item_status: { code: '1000' } });
    });

    it('customer/add', async () => {
      const res = await post('/v1.1/customer/add', { root: { customer: [{ mobile: '447700900000', firstname: 'Tom', lastname: 'Cruise', type: 'LOYALTY' }] } }).expect(200);
      expectShape(res.body, customerAdd);
    });

    it('points/isredeemable, against the isredeemable part of the sample', async () => {
      const res = await get('/v1.1/points/isredeemable', { mobile: TOM.mobile, points: '100' }).expect(200);
      expectShape(res.body.response, pointsIsRedeemable.response.responses.points.response);
      expect(res.body.response.points.redeemable).toMatchObject({ is_redeemable: 'true', points_redeem_value: 1, points_currency_ratio: '0.01' });
    });

    // The documented redeem sends a validation code: the customer's, as issued (a code sent is checked, on any org).
    const issuedCode = async () => {
      await get('/v1.1/points/validationcode', { mobile: TOM.mobile, points: '20' }).expect(200);
      return (await request(sandbox.url).get('/capillary/_sandbox/validation-codes').query({ mobile: TOM.mobile }).expect(200)).body.code as string;
    };

    it('points/redeem and customer/redemptions, and a reversal shows in the history', async () => {
      const redeem = await post('/v1.1/points/redeem', { root: { redeem: [{ points_redeemed: 20, customer: { mobile: TOM.mobile }, transaction_number: 'txnre6', validation_code: await issuedCode() }] } }).expect(200);
      expectShape(redeem.body, pointsRedeem);
      const id = redeem.body.response.responses.points.redemption_id as string;
      await post('/v1.1/coupon/redeem', { root: { coupon: [{ code: COUPONS.redeemable, customer: { mobile: TOM.mobile }, transaction: [{ number: 'TestBill-1234', amount: '10' }] }] } }).expect(200);
      await request(sandbox.url).post('/capillary/v2/points/reverse').set('authorization', till).send({ redemptionId: id, pointsToBeReversed: 20, identifier: { type: 'mobile', value: TOM.mobile } }).expect(200);
      const history = await get('/v1.1/customer/redemptions', { mobile: TOM.mobile }).expect(200);
      expectShape(history.body, customerRedemptions);
    });

    it('v2/points/reverse, then 3802 on a repeat (REDEEMED -> REVERSED)', async () => {
      const redeem = await post('/v1.1/points/redeem', { root: { redeem: [{ points_redeemed: 20, customer: { mobile: TOM.mobile }, transaction_number: 'B1', validation_code: await issuedCode() }] } });
      const body = { redemptionId: redeem.body.response.responses.points.redemption_id, pointsToBeReversed: 20, identifier: { type: 'mobile', value: TOM.mobile } };
      const first = await request(sandbox.url).post('/capillary/v2/points/reverse').set('authorization', till).send(body).expect(200);
      expectShape(first.body, pointsReverse);
      const again = await request(sandbox.url).post('/capillary/v2/points/reverse').set('authorization', till).send(body).expect(400);
      expect(again.body.errors[0]).toMatchObject({ code: 3802 });
    });

    it('v2/points/reverse is refused (4101) on an org without Allow_points_redemption_reversal, the default', async () => {
      await request(sandbox.url).post('/_sandbox/reset').expect(200);
      const redeem = await post('/v1.1/points/redeem', { root: { redeem: [{ points_redeemed: 20, customer: { mobile: TOM.mobile }, transaction_number: 'B2', validation_code: await issuedCode() }] } });
      const body = { redemptionId: redeem.body.response.responses.points.redemption_id, pointsToBeReversed: 20, identifier: { type: 'mobile', value: TOM.mobile } };
      const refused = await request(sandbox.url).post('/capillary/v2/points/reverse').set('authorization', till).send(body).expect(400);
      expect(refused.body).toEqual({ errors: [{ status: false, code: 4101, message: 'points redemption reversal is disabled for this org' }], warnings: [] });
      const customer = await get('/v1.1/customer/get', { mobile: TOM.mobile }).expect(200);
      expect(customer.body.customers.customer.loyalty_points).toBe(String(TOM.points - 20));
      await allowPointsReversal(true);
      await request(sandbox.url).post('/capillary/v2/points/reverse').set('authorization', till).send(body).expect(200);
    });

    it('coupon/isredeemable with details, for a coupon that cannot be redeemed again', async () => {
      const res = await get('/v1.1/coupon/isredeemable', { mobile: TOM.mobile, code: COUPONS.redeemed, details: 'true' }).expect(200);
      expectShape(res.body, couponIsRedeemable);
      expect(res.body.response.coupons.redeemable).toMatchObject({ is_redeemable: 'false', item_status: { code: '711' } });
    });

    it('coupon/redeem (no `response` wrapper, as in the sample), coupon/get and v2/coupon/reactivate (REDEEMED -> REACTIVATED)', async () => {
      const redeem = await post('/v1.1/coupon/redeem', { root: { coupon: [{ code: COUPONS.redeemable, customer: { mobile: TOM.mobile }, transaction: [{ number: 'bill-110', amount: '1000' }] }] } }).expect(200);
      expectShape(redeem.body, couponRedeem);
      const coupon = await get('/v1.1/coupon/get', { code: COUPONS.redeemable }).expect(200);
      expectShape(coupon.body, couponGet);
      expect(coupon.body.response.coupons.coupon.redemption_info.redeemed).toBe('true');
      const id = Number(redeem.body.coupons.coupon.redemptionId);
      const reactivate = await request(sandbox.url).post('/capillary/v2/coupon/reactivate').set('authorization', till).send({ redemptionIds: [id] }).expect(200);
      expectShape(reactivate.body, couponReactivate);
      const after = await get('/v1.1/coupon/get', { code: COUPONS.redeemable });
      expect(after.body.response.coupons.coupon.redemption_info.redeemed).toBe('false');
      await request(sandbox.url).post('/capillary/v2/coupon/reactivate').set('authorization', till).send({ redemptionIds: [id] }).expect(400);
    });

    it('coupon/redeem again on the same bill: a single-use coupon answers 711 and the refused send is journaled refused-duplicate', async () => {
      const body = (number: string) => ({ root: { coupon: [{ code: COUPONS.redeemable, customer: { mobile: TOM.mobile }, transaction: [{ number, amount: '1000' }] }] } });
      const first = await post('/v1.1/coupon/redeem', body('bill-111')).expect(200);
      const again = await post('/v1.1/coupon/redeem', body('bill-111')).expect(200);
      expect(again.body.coupons.coupon.item_status).toMatchObject({ code: '711' });
      // Another bill's redeem is refused too, but it is no repeat of that redemption: not journaled.
      const other = await post('/v1.1/coupon/redeem', body('bill-112')).expect(200);
      expect(other.body.coupons.coupon.item_status).toMatchObject({ code: '711' });
      const sends = (await request(sandbox.url).get('/_sandbox/journal').query({ vendor: 'capillary', reference: 'bill-11' }).expect(200)).body.entries;
      const id = String(first.body.coupons.coupon.redemptionId);
      expect(sends.map((e: Record<string, string>) => [e.effect, e.reference, e.vendorReference, e.outcome])).toEqual([
        ['coupon.redeem', 'bill-111', id, 'applied'],
        ['coupon.redeem', 'bill-111', id, 'refused-duplicate'],
      ]);
    });

    it('coupon/redeem again on the same bill: a multi-use coupon (redemptions_left -1) is redeemed twice', async () => {
      const body = { root: { coupon: [{ code: COUPONS.multiUse, customer: { mobile: TOM.mobile }, transaction: [{ number: 'bill-120', amount: '1000' }] }] } };
      const first = await post('/v1.1/coupon/redeem', body).expect(200);
      const second = await post('/v1.1/coupon/redeem', body).expect(200);
      expect([first, second].map((r) => r.body.coupons.coupon.item_status.code)).toEqual(['700', '700']);
      const sends = (await request(sandbox.url).get('/_sandbox/journal').query({ vendor: 'capillary', reference: 'bill-120' }).expect(200)).body.entries;
      expect(sends.map((e: Record<string, string>) => [e.effect, e.outcome])).toEqual([['coupon.redeem', 'applied'], ['coupon.redeem', 'applied']]);
      const history = await get('/v1.1/customer/redemptions', { mobile: TOM.mobile, type: 'coupons' }).expect(200);
      const rows = history.body.response.customer.redemptions.coupons.coupon.filter((c: Record<string, string>) => c.code === COUPONS.multiUse);
      expect(rows.map((c: Record<string, string>) => c.transaction_number)).toEqual(['bill-120', 'bill-120']);
    });

    it('transaction/add, 604 on a duplicate bill, transaction/get, and RETURN with 633 on a repeat (ADDED -> RETURNED)', async () => {
      const bill = {
        type: 'regular', number: 'BILL99', amount: '5000', gross_amount: '5000', discount: '0', billing_time: '2018-04-01',
        customer: { mobile: TOM.mobile }, line_items: { line_item: [{ serial: '1', item_code: 'item-001', description: 'soap', qty: '50', rate: '10', value: '500', amount: '500' }] },
      };
      const added = await post('/v1.1/transaction/add', { root: { transaction: [bill] } }).expect(200);
      expectShape(added.body, transactionAdd);
      const duplicate = await post('/v1.1/transaction/add', { root: { transaction: [bill] } }).expect(200);
      expect(duplicate.body.response).toMatchObject({ status: { code: 500 }, transactions: { transaction: [{ item_status: { code: '604' } }] } });
      // The refused bill is a second send of it: the journal shows it, with the first bill's id, as a refused duplicate.
      const sends = (await request(sandbox.url).get('/_sandbox/journal').query({ vendor: 'capillary', reference: 'BILL99' }).expect(200)).body.entries;
      const billId = String(added.body.response.transactions.transaction[0].id);
      expect(sends.map((e: Record<string, string>) => [e.effect, e.vendorReference, e.amount, e.outcome])).toEqual([
        ['transaction.add', billId, '5000.00', 'applied'],
        ['transaction.add', billId, '5000.00', 'refused-duplicate'],
      ]);
      const fetched = await get('/v1.1/transaction/get', { number: 'BILL99' }).expect(200);
      // bill_client_id is a transaction field (see transaction/add); the sandbox shows it so a retry can find its own return.
      expectShape(fetched.body, transactionGet, { extra: ['response.transactions.transaction.bill_client_id'] });
      // The sample's own shape: an object, not an array, at the root.
      const ret = { type: 'return', return_type: 'FULL', number: 'BILL99', purchase_time: '2018-04-01', amount: '5000', billing_time: '2018-05-31', customer: { mobile: TOM.mobile } };
      const returned = await post('/v1.1/transaction/add', { root: { transaction: ret } }).expect(200);
      expectShape(returned.body, transactionReturn);
      const again = await post('/v1.1/transaction/add', { root: { transaction: ret } }).expect(200);
      expect(again.body.response.transactions.transaction[0].item_status).toMatchObject({ success: 'false', code: '633' });
      const partial = await post('/v1.1/transaction/add', { root: { transaction: { ...ret, return_type: 'AMOUNT', amount: '10' } } });
      expect(partial.body.response.transactions.transaction[0].item_status.code).toBe('634');
    });

    it('transaction/add refuses a bill number over 50 characters or outside the org format (602), and amounts in another currency (601)', async () => {
      const bill = (number: string, extra: object = {}) => ({
        type: 'not_interested', number, amount: '10', billing_time: '2018-04-01',
        line_items: { line_item: [{ serial: '1', item_code: 'item-001', qty: '1', value: '10', amount: '10' }] }, ...extra,
      });
      const code = async (transaction: object) => String(
        (await post('/v1.1/transaction/add', { root: { transaction: [transaction] } }).expect(200)).body.response.transactions.transaction[0].item_status.code as number | string);
      expect(await code(bill('B'.repeat(50)))).toBe('600');
      expect(await code(bill('B'.repeat(51)))).toBe('602');
      expect(await code(bill('demo:S1:T1:REF 1'))).toBe('602');
      await request(sandbox.url).put('/capillary/_sandbox/org-config').send({ billNumberFormat: '^[A-Z0-9-]{1,20}$' }).expect(200);
      expect(await code(bill('demo:S1:T1:REF1'))).toBe('602');
      expect(await code(bill('REF1-0ABC'))).toBe('600');
      expect(await code(bill('REF2', { currency_code: 'INR' }))).toBe('601');
      expect(await code(bill('REF3', { currency_code: 'EUR' }))).toBe('600');
    });
  });

  describe('mobile validation codes (vendors.md §2: points/validationcode, 808, 824, 725, 705, 429)', () => {
    const orgConfig = (patch: object) => request(sandbox.url).put('/capillary/_sandbox/org-config').send(patch).expect(200);
    const smsCode = async () => (await request(sandbox.url).get('/capillary/_sandbox/validation-codes').query({ mobile: TOM.mobile }).expect(200)).body.code as string;
    const issue = (mobile: string = TOM.mobile) => get('/v1.1/points/validationcode', { mobile, points: '100' });
    const redeemPoints = (bill: string, validation_code?: string, query: Record<string, string> = {}) =>
      request(sandbox.url)
        .post('/capillary/v1.1/points/redeem')
        .query({ format: 'json', ...query })
        .set('authorization', till)
        .send({ root: { redeem: [{ points_redeemed: 20, customer: { mobile: TOM.mobile }, transaction_number: bill, ...(validation_code && { validation_code }) }] } });
    const pointsCode = async (res: request.Test) => String((await res.expect(200)).body.response.responses.points.item_status.code);
    const couponCode = async (bill: string, validation_code?: string) =>
      String(
        (await post('/v1.1/coupon/redeem', { root: { coupon: [{ code: COUPONS.multiUse, customer: { mobile: TOM.mobile }, ...(validation_code && { validation_code }), transaction: [{ number: bill, amount: '10' }] }] } }).expect(200))
          .body.coupons.coupon.item_status.code,
      );

    beforeEach(async () => {
      await request(sandbox.url).post('/_sandbox/reset').expect(200);
      await orgConfig({ validationRequired: true });
    });
    afterAll(() => request(sandbox.url).post('/_sandbox/reset').expect(200));

    it('issues a code (item 200), re-sends the same one within its validity, and answers 816 for an unknown customer', async () => {
      const first = await issue().expect(200);
      expect(first.body.response.validation_code.item_status).toMatchObject({ code: '200', message: 'Validation Code Issued' });
      const code = await smsCode();
      expect(code).toMatch(/^[A-Z0-9]{6}$/);
      await issue().expect(200);
      expect(await smsCode()).toBe(code);
      expect((await issue('447000000001').expect(200)).body.response.validation_code.item_status.code).toBe('816');
    });

    it('answers HTTP 429 once the customer had 10 codes in a day ("10 OTPs per user per day by default")', async () => {
      // Each code is let expire, so the next request issues a new one; all ten count for the day.
      for (let i = 0; i < 10; i++) {
        await issue().expect(200);
        await request(sandbox.url).post('/capillary/_sandbox/validation-codes/expire').expect(200);
      }
      await issue().expect(429);
    });

    it('points/redeem: 824 without a code (skip_validation is not honoured), 808 with a wrong one, 800 with the issued one', async () => {
      await issue().expect(200);
      const code = await smsCode();
      expect(await pointsCode(redeemPoints('V1'))).toBe('824');
      expect(await pointsCode(redeemPoints('V2', undefined, { skip_validation: 'true' }))).toBe('824');
      expect(await pointsCode(redeemPoints('V3', 'WRONG1'))).toBe('808');
      expect(await pointsCode(redeemPoints('V4', code, { validation_type: 'SMS' }))).toBe('800');
    });

    const verdict = async (query: Record<string, string>) => (await get('/v1.1/points/isredeemable', { mobile: TOM.mobile, points: '100', ...query }).expect(200)).body.response.points.redeemable;

    it('points/isredeemable checks a code it is given (808), and answers 824 without one, skip_validation or not (as the redemption would)', async () => {
      await issue().expect(200);
      const code = await smsCode();
      expect(await verdict({ validation_code: 'WRONG1' })).toMatchObject({ is_redeemable: 'false', item_status: { code: '808' } });
      expect(await verdict({ validation_code: code })).toMatchObject({ is_redeemable: 'true', item_status: { code: '800' } });
      expect(await verdict({ skip_validation: 'true' })).toMatchObject({ is_redeemable: 'false', item_status: { code: '824' } });
      expect(await verdict({})).toMatchObject({ is_redeemable: 'false', item_status: { code: '824' } });
    });

    it('compares a code exactly as issued: the issued code in lower case is 808 / 705', async () => {
      await issue().expect(200);
      const code = await smsCode();
      expect(code).toMatch(/[A-Z]/);
      expect(await verdict({ validation_code: code.toLowerCase() })).toMatchObject({ item_status: { code: '808' } });
      expect(await pointsCode(redeemPoints('V6', code.toLowerCase(), { validation_type: 'SMS' }))).toBe('808');
      expect(await couponCode('C6', code.toLowerCase())).toBe('705');
    });

    it('coupon/redeem: 725 without a code, 705 with a wrong one, 700 with the issued one', async () => {
      await issue().expect(200);
      const code = await smsCode();
      expect(await couponCode('C1')).toBe('725');
      expect(await couponCode('C2', 'WRONG1')).toBe('705');
      expect(await couponCode('C3', code)).toBe('700');
    });

    it('an org without validation keeps skip_validation=true working, and still checks a code that is sent (808 / 705)', async () => {
      await orgConfig({ validationRequired: false });
      expect(await pointsCode(redeemPoints('V5', undefined, { skip_validation: 'true' }))).toBe('800');
      expect(await couponCode('C4')).toBe('700');
      expect(await verdict({ skip_validation: 'true' })).toMatchObject({ is_redeemable: 'true', item_status: { code: '800' } });
      expect(await verdict({ validation_code: 'WRONG1' })).toMatchObject({ is_redeemable: 'false', item_status: { code: '808' } });
      expect(await pointsCode(redeemPoints('V7', 'WRONG1', { validation_type: 'SMS' }))).toBe('808');
      expect(await couponCode('C7', 'WRONG1')).toBe('705');
    });
  });

  describe('retro-tagging (transaction/update; CONF_RETRO_TRANSACTION_ENABLE, CONF_CLIENT_RETRO_MAX_ALLOWED_AGE_DAYS)', () => {
    const orgConfig = (patch: object) => request(sandbox.url).put('/capillary/_sandbox/org-config').send(patch).expect(200);
    const billedAt = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
    const addBill = async (number: string, type: 'not_interested' | 'regular', daysAgo = 1) => {
      const res = await post('/v1.1/transaction/add', {
        root: { transaction: [{ type, number, amount: '25.00', billing_time: billedAt(daysAgo), ...(type === 'regular' && { customer: { mobile: '44700900999' } }), line_items: { line_item: [{ serial: '1', amount: '25.00', qty: '1', rate: '25.00', value: '25.00', item_code: 'X' }] } }] },
      }).expect(200);
      return String(res.body.response.transactions.transaction[0].id);
    };
    const update = async (id: string, number: string, customer: object = { mobile: TOM.mobile }) =>
      (await post('/v1.1/transaction/update', { root: { transaction: [{ id, number, type: 'regular', customer }] } }).expect(200)).body.response.transactions.transaction[0];

    beforeEach(() => request(sandbox.url).post('/_sandbox/reset').expect(200));
    afterAll(() => request(sandbox.url).post('/_sandbox/reset').expect(200));

    it('refuses while retro is off (the default), converts once on, and the customer earns the bill', async () => {
      const id = await addBill('RETRO-1', 'not_interested');
      expect((await update(id, 'RETRO-1')).item_status).toMatchObject({ code: '656' });
      await orgConfig({ retroEnabled: true });
      const converted = await update(id, 'RETRO-1');
      expect(converted).toMatchObject({ type: 'REGULAR', item_status: { code: 600 } });
      const customer = await get('/v1.1/customer/get', { mobile: TOM.mobile }).expect(200);
      expect(customer.body.customers.customer.loyalty_points).toBe(String(TOM.points + 25));
      const found = await get('/v1.1/transaction/get', { number: 'RETRO-1', type: 'REGULAR' }).expect(200);
      expect(found.body.response.transactions.transaction).toMatchObject({ id, type: 'REGULAR' });
      // Converted already: a second conversion is refused (the adapter looks the bill up first).
      expect((await update(id, 'RETRO-1')).item_status).toMatchObject({ code: '657' });
    });

    it('refuses a bill older than the max age (643), a regular bill (657), an unknown bill (620) and an unknown customer (611)', async () => {
      await orgConfig({ retroEnabled: true, retroMaxAgeDays: 10 });
      const old = await addBill('RETRO-OLD', 'not_interested', 11);
      expect((await update(old, 'RETRO-OLD')).item_status).toMatchObject({ code: '643' });
      const regular = await addBill('RETRO-REG', 'regular');
      expect((await update(regular, 'RETRO-REG')).item_status).toMatchObject({ code: '657' });
      expect((await update('999', 'NOPE')).item_status).toMatchObject({ code: '620' });
      const fresh = await addBill('RETRO-2', 'not_interested');
      expect((await update(fresh, 'RETRO-2', { mobile: '447000000001' })).item_status).toMatchObject({ code: '611' });
    });

    it('refuses to tag a bill already returned, in part (658, the sandbox\'s own code): its points would be earned on goods given back', async () => {
      await orgConfig({ retroEnabled: true });
      const id = await addBill('RETRO-RET', 'not_interested');
      const returned = await post('/v1.1/transaction/add', {
        root: { transaction: [{ type: 'not_interested_return', return_type: 'AMOUNT', number: 'RETRO-RET', amount: '5.00', purchase_time: billedAt(1).slice(0, 10), billing_time: billedAt(0) }] },
      }).expect(200);
      expect(returned.body.response.transactions.transaction[0].item_status).toMatchObject({ success: 'true' });
      expect((await update(id, 'RETRO-RET')).item_status).toMatchObject({ code: '658' });
      const customer = await get('/v1.1/customer/get', { mobile: TOM.mobile }).expect(200);
      expect(customer.body.customers.customer.loyalty_points).toBe(String(TOM.points));
    });
  });

  describe('card numbers', () => {
    it('customer/get finds the seeded customer by card_number and card_external_id, and answers 1012 for an unknown card', async () => {
      const found = await get('/v1.1/customer/get', { card_number: TOM.cardNumber }).expect(200);
      expect(found.body.customers.customer).toMatchObject({ mobile: TOM.mobile, item_status: { code: '1000' } });
      const byExternalId = await get('/v1.1/customer/get', { card_external_id: TOM.cardExternalId }).expect(200);
      expect(byExternalId.body.customers.customer).toMatchObject({ mobile: TOM.mobile, item_status: { code: '1000' } });
      const unknown = await get('/v1.1/customer/get', { card_number: '7000999999999999' }).expect(200);
      expect(unknown.body.customers.customer.item_status.code).toBe('1012');
    });

    it('finds by card_number on customer/get only, the one call vendors.md documents it for', async () => {
      const check = await get('/v1.1/points/isredeemable', { card_number: TOM.cardNumber, points: '100' }).expect(200);
      expect(check.body.response.points.redeemable).toMatchObject({ is_redeemable: 'false', item_status: { code: '816' } });
      const redeem = await post('/v1.1/points/redeem', { root: { redeem: [{ points_redeemed: 20, customer: { card_number: TOM.cardNumber }, transaction_number: 'CARD1', validation_code: 'X' }] } }).expect(200);
      expect(String(redeem.body.response.responses.points.item_status.code)).toBe('816');
    });
  });

  describe('authentication', () => {
    it('accepts till Basic auth (till : md5(password)), also with the space the document example shows', async () => {
      await get('/v1.1/customer/get', { mobile: TOM.mobile }).expect(200);
      const spaced = `Basic ${Buffer.from(`${CAPILLARY_SANDBOX_TILL.code}: ${createHash('md5').update(CAPILLARY_SANDBOX_TILL.password).digest('hex')}`).toString('base64')}`;
      await request(sandbox.url).get('/capillary/v1.1/customer/get').query({ mobile: TOM.mobile }).set('authorization', spaced).expect(200);
    });

    it('answers the v1.1 request code 401 for wrong till credentials, a v2 error for a missing token', async () => {
      const v11 = await request(sandbox.url).get('/capillary/v1.1/customer/get').query({ mobile: TOM.mobile }).set('authorization', basic(CAPILLARY_SANDBOX_TILL.code, 'wrong')).expect(401);
      expect(v11.body).toEqual({ response: { status: { success: 'false', code: 401, message: expect.any(String) } } });
      const v2 = await request(sandbox.url).post('/capillary/v2/points/reverse').send({}).expect(401);
      expect(v2.body.errors[0]).toMatchObject({ code: 401 });
      await request(sandbox.url).get('/capillary/v1.1/customer/get').set('x-cap-api-oauth-token', 'not-a-token').expect(401);
    });
  });
});
