import request from 'supertest';
import { CouponToolsVendor } from '../../activities/vendors/coupontools.vendor';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { intentSeenFrom } from '../support/vendor-calls';
import {
  COUPONTOOLS_SANDBOX_CLIENT_ID,
  COUPONTOOLS_SANDBOX_CLIENT_SECRET,
  COUPONTOOLS_SANDBOX_SESSIONS as SESSIONS,
  CouponToolsSandbox,
} from '../../src/sandbox/coupontools.sandbox';
import dataRequest from '../fixtures/coupontools/couponsession-data.request.json';
import dataResponse from '../fixtures/coupontools/couponsession-data.response.json';
import errorResponse from '../fixtures/coupontools/couponsession-error.response.json';
import lockRequest from '../fixtures/coupontools/couponsession-update-lock.request.json';
import unlockRequest from '../fixtures/coupontools/couponsession-update-unlock.request.json';
import validateRequest from '../fixtures/coupontools/couponsession-update-validate.request.json';
import updateResponse from '../fixtures/coupontools/couponsession-update.response.json';
import { sandboxForFile } from '../support/sandbox-server';

/**
 * Adapter and sandbox against vendor-docs/coupontools-pos-integration.txt. Fixtures:
 * couponsession-data.response.json is the document's example (its stray comma in "session" fixed);
 * the request fixtures use the document's parameter names (couponsession, validate, money_spent 0.000,
 * lock) and vendors.md's suggested lock/unlock commands; the error and update replies are not in the
 * document and follow vendors.md's simulator suggestion and the sandbox's own choice.
 */
describe(`${CouponToolsSandbox.name} conformance`, () => {
  const sent: Array<{ method: string; path: string; headers: Record<string, unknown>; body: unknown }> = [];

  const sandbox = sandboxForFile((app) => {
    app.addHook('preHandler', async (req) => {
      if (req.url.startsWith('/coupontools/')) sent.push({ method: req.method, path: req.url, headers: req.headers, body: req.body });
    });
  });
  beforeEach(() => {
    sent.length = 0;
  });

  const vendor = () =>
    new CouponToolsVendor({
      baseUrl: `${sandbox.url}/coupontools/v3`,
      clientId: COUPONTOOLS_SANDBOX_CLIENT_ID,
      clientSecret: COUPONTOOLS_SANDBOX_CLIENT_SECRET,
      timeoutMs: 1000,
    });
  const ctx: VendorCallContext = { reference: 'CT-conf', store: 'S1', till: 'T1', attempt: 1, currency: 'EUR', recorder: { record: async () => undefined }, effectMayHaveBeenSent: intentSeenFrom(1) };
  const post = (path: string, body: object) =>
    request(sandbox.url)
      .post(`/coupontools/v3/${path}`)
      .set({ 'x-client-id': COUPONTOOLS_SANDBOX_CLIENT_ID, 'x-client-secret': COUPONTOOLS_SANDBOX_CLIENT_SECRET })
      .send(body);

  describe('requests the adapter sends', () => {
    const lastRequest = () => sent[sent.length - 1];

    it.each([
      ['lookUp', 'couponsession/data', dataRequest, () => vendor().lookUp(ctx, SESSIONS.claimed)],
      ['hold', 'couponsession/update', lockRequest, () => vendor().hold(ctx, SESSIONS.claimed)],
      ['release', 'couponsession/update', unlockRequest, () => vendor().release(ctx, SESSIONS.claimed)],
      ['redeem', 'couponsession/update', validateRequest, () => vendor().redeem(ctx, SESSIONS.claimed, { billAmountMinor: 1250 })],
    ])('%s POSTs %s with the document parameters and the client headers', async (_op, path, fixture, call) => {
      await call();
      expect(lastRequest()).toMatchObject({ method: 'POST', path: `/coupontools/v3/${path}` });
      expect(lastRequest().body).toEqual(fixture);
      expect(lastRequest().headers).toMatchObject({
        'x-client-id': COUPONTOOLS_SANDBOX_CLIENT_ID,
        'x-client-secret': COUPONTOOLS_SANDBOX_CLIENT_SECRET,
        'content-type': 'application/json',
      });
    });

    it('keeps money_spent in the 0.000 format the document asks for', async () => {
      await vendor().redeem(ctx, SESSIONS.claimed, { billAmountMinor: 7 });
      expect(lastRequest().body).toMatchObject({ money_spent: '0.070' });
    });
  });

  describe('responses the sandbox gives', () => {
    it('answers couponsession/data with the document example, field for field', async () => {
      const { body } = await post('couponsession/data', dataRequest).expect(200);
      expect(shape(body)).toEqual(shape(dataResponse));
      // Same values as the document except what the seed sets: a value and a future expiry.
      expect(body.data.status).toEqual({ ...dataResponse.data.status, value: '5.00', expiration_date: '2099-12-31 23:59:59' });
      expect({ ...body, data: { ...body.data, status: undefined } }).toEqual({ ...dataResponse, data: { ...dataResponse.data, status: undefined } });
    });

    it('gives every seeded session the document shape, with string flags and document dates', async () => {
      for (const code of Object.values(SESSIONS)) {
        const { body } = await post('couponsession/data', { couponsession: code }).expect(200);
        expect(shape(body)).toEqual(shape(dataResponse));
        for (const flag of ['claimed', 'validated', 'voided', 'locked']) expect(body.data.status[flag]).toMatch(/^[01]$/);
        expect(body.data.status.expiration_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      }
    });

    it('keeps the document shape after a state change', async () => {
      await post('couponsession/update', { couponsession: SESSIONS.claimed, validate: '1', money_spent: '1.000' }).expect(200);
      const { body } = await post('couponsession/data', dataRequest).expect(200);
      expect(shape(body)).toEqual(shape(dataResponse));
      expect(body.data.status).toMatchObject({ validated: '1', validation_date_utc: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
    });

    it.each([
      [{ couponsession: 'nOsUcHsEsSiOn' }, 513, 'Coupon session not found'],
      [{ couponsession: 'bad code!' }, 300, 'Invalid character in parameter: couponsession'],
      [{}, 200, 'Missing parameter: couponsession'],
    ])('answers %j with the document error %d', async (body, code, message) => {
      for (const path of ['couponsession/data', 'couponsession/update']) {
        const res = await post(path, body);
        expect(shape(res.body)).toEqual(shape(errorResponse));
        expect(res.body.status).toEqual({ status: 'ERROR', code, message });
      }
    });

    it('answers couponsession/update with the status envelope', async () => {
      const { body } = await post('couponsession/update', lockRequest).expect(200);
      expect(shape(body)).toEqual(shape(updateResponse));
      expect(body.status).toEqual({ status: 'OK' });
    });

    it('runs the state machine: locked <-> unlocked, then validated; voided <-> unvoided alongside', async () => {
      const status = async () => (await post('couponsession/data', dataRequest)).body.data.status as Record<string, string>;
      const update = (command: object) => post('couponsession/update', { couponsession: SESSIONS.claimed, ...command });
      await update({ lock: '1' });
      expect(await status()).toMatchObject({ locked: '1' });
      await update({ unlock: '1' });
      expect(await status()).toMatchObject({ locked: '0' });
      await update({ void: '1' });
      expect((await update({ validate: '1' })).body.status).toMatchObject({ status: 'ERROR', code: 516 });
      await update({ unvoid: '1' });
      expect(await status()).toMatchObject({ voided: '0' });
      await update({ validate: '1', money_spent: '3.250' });
      expect((await update({ validate: '1' })).body.status).toMatchObject({ status: 'ERROR', code: 514 });
      expect((await update({ lock: '1' })).body.status).toMatchObject({ status: 'ERROR', code: 514 });
      const effects = (await request(sandbox.url).get('/_sandbox/journal').query({ vendor: 'coupontools' })).body.entries;
      expect(effects.map((e: { effect: string; amount?: string; outcome: string }) => [e.effect, e.amount ?? null, e.outcome])).toEqual([
        ['coupon.lock', null, 'applied'],
        ['coupon.unlock', null, 'applied'],
        ['coupon.void', null, 'applied'],
        ['coupon.unvoid', null, 'applied'],
        ['coupon.validate', '3.250', 'applied'],
        // The refused re-validate is a second send of the validation; a lock of a validated session is no repeat of a lock.
        ['coupon.validate', null, 'refused-duplicate'],
      ]);
    });

    describe('journals every send, a refused duplicate included (a second send of an effect must show)', () => {
      const journal = async () =>
        ((await request(sandbox.url).get('/_sandbox/journal').query({ vendor: 'coupontools' })).body.entries as Array<Record<string, string>>).map(
          (e) => [e.effect, e.reference, e.outcome],
        );
      const update = (reference: string, command: object) =>
        post('couponsession/update', { couponsession: SESSIONS.claimed, ...command }).set('x-correlation-id', reference).expect(200);

      it('a re-lock answers OK (the lock is a cooperative flag) but is journaled as a refused duplicate', async () => {
        expect((await update('R1', { lock: '1' })).body.status).toEqual({ status: 'OK' });
        expect((await update('R1', { lock: '1' })).body.status).toEqual({ status: 'OK' });
        expect(await journal()).toEqual([
          ['coupon.lock', 'R1', 'applied'],
          ['coupon.lock', 'R1', 'refused-duplicate'],
        ]);
      });

      it('a re-validate answers 514 and is journaled as a refused duplicate, validation_date_utc unchanged', async () => {
        await update('R2', { validate: '1', money_spent: '5.000' });
        const validatedAt = (await post('couponsession/data', dataRequest)).body.data.status.validation_date_utc;
        expect((await update('R2', { validate: '1', money_spent: '5.000' })).body.status).toMatchObject({ status: 'ERROR', code: 514 });
        expect((await post('couponsession/data', dataRequest)).body.data.status.validation_date_utc).toBe(validatedAt);
        expect(await journal()).toEqual([
          ['coupon.validate', 'R2', 'applied'],
          ['coupon.validate', 'R2', 'refused-duplicate'],
        ]);
      });
    });

    it('refuses money_spent outside the 0.000 format', async () => {
      const { body } = await post('couponsession/update', { couponsession: SESSIONS.claimed, validate: '1', money_spent: '12.5' });
      expect(body.status).toMatchObject({ status: 'ERROR', code: 310 });
    });

    it('answers wrong credentials with HTTP 401 and the error envelope', async () => {
      const res = await request(sandbox.url).post('/coupontools/v3/couponsession/data').set({ 'x-client-id': 'x', 'x-client-secret': 'y' }).send(dataRequest);
      expect(res.status).toBe(401);
      expect(shape(res.body)).toEqual(shape(errorResponse));
    });
  });
});

/** Keys and nesting, with each leaf reduced to its JSON type: the values may be illustrative. */
function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shape(v)]));
  }
  return typeof value;
}
