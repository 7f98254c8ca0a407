import request from 'supertest';
import { CouponToolsVendor } from '../../activities/vendors/coupontools.vendor';
import {
  COUPONTOOLS_SANDBOX_CLIENT_ID,
  COUPONTOOLS_SANDBOX_CLIENT_SECRET,
  COUPONTOOLS_SANDBOX_SESSIONS as SESSIONS,
} from '../../src/sandbox/coupontools.sandbox';
import type { FaultSpec } from '../../src/sandbox/sandbox-faults';
import { FailureTypes } from '../../workflows/checkout.contract';
import { injectFault, journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';
import { callContext, failureOf, recordedCalls } from '../support/vendor-calls';

/** The Coupontools adapter against the sandbox over real HTTP. */
describe(CouponToolsVendor.name, () => {
  const sandbox = sandboxForFile();
  const updatePath = '/coupontools/v3/couponsession/update';
  const dataPath = '/coupontools/v3/couponsession/data';

  const adapter = (overrides: Partial<{ baseUrl: string; clientSecret: string; timeoutMs: number; valueCustomField: string }> = {}) =>
    new CouponToolsVendor({
      baseUrl: `${sandbox.url}/coupontools/v3`,
      clientId: COUPONTOOLS_SANDBOX_CLIENT_ID,
      clientSecret: COUPONTOOLS_SANDBOX_CLIENT_SECRET,
      timeoutMs: 1000,
      ...overrides,
    });
  const journal = (reference: string) => journalOf(sandbox.url, reference, 'coupontools');
  const inject = (fault: FaultSpec) => injectFault(sandbox.url, fault);
  const sessionStatus = async (code: string) =>
    (
      await request(sandbox.url)
        .post(dataPath)
        .set({ 'x-client-id': COUPONTOOLS_SANDBOX_CLIENT_ID, 'x-client-secret': COUPONTOOLS_SANDBOX_CLIENT_SECRET })
        .send({ couponsession: code })
    ).body.data.status as Record<string, string>;
  const unavailable = { type: FailureTypes.vendorUnavailable, nonRetryable: false };
  const rejected = (code: string) => ({ type: FailureTypes.vendorRejection, nonRetryable: true, details: [expect.objectContaining({ vendor: 'coupontools', code })] });

  describe('lookUp', () => {
    it('reads the document session as redeemable, worth 5.00, with its expiry as an ISO instant', async () => {
      const { ctx, records } = callContext('CT-look');
      await expect(adapter().lookUp(ctx, SESSIONS.claimed)).resolves.toEqual({
        code: SESSIONS.claimed,
        redeemable: true,
        valueMinor: 500,
        expiresAt: '2099-12-31T23:59:59Z',
      });
      expect(records).toEqual([
        expect.objectContaining({ operation: 'couponsession.data', outcome: 'success', httpStatus: 200, vendorReference: SESSIONS.claimed, amountMinor: 500 }),
      ]);
    });

    it('reads the value from the configured custom field when the value field is empty, and none without one', async () => {
      await request(sandbox.url).post('/_sandbox/coupontools/sessions').send({ code: 'cstm1', value: '', custom: { custom3: '7.50' } }).expect(201);
      const { ctx, records } = callContext('CT-look-custom');
      await expect(adapter({ valueCustomField: 'custom3' }).lookUp(ctx, 'cstm1')).resolves.toMatchObject({ redeemable: true, valueMinor: 750 });
      expect(records).toEqual([expect.objectContaining({ operation: 'couponsession.data', amountMinor: 750 })]);
      const unknown = await adapter().lookUp(callContext('CT-look-custom').ctx, 'cstm1');
      expect(unknown).toMatchObject({ redeemable: true });
      expect(unknown.valueMinor).toBeUndefined();
      // The value field, when filled, is the value; the document's own custom fields ("C") are no amount.
      await expect(adapter({ valueCustomField: 'custom3' }).lookUp(callContext('CT-look-custom').ctx, SESSIONS.claimed)).resolves.toMatchObject({ valueMinor: 500 });
      await request(sandbox.url).post('/_sandbox/coupontools/sessions').send({ code: 'cstm2', value: '' }).expect(201);
      expect((await adapter({ valueCustomField: 'custom3' }).lookUp(callContext('CT-look-custom').ctx, 'cstm2')).valueMinor).toBeUndefined();
    });

    it.each([
      ['an unknown session (513)', 'nOsUcHsEsSiOn', '513', /not found/],
      ['a code with invalid characters (300)', 'bad code!', '300', /characters/],
      ['a missing code (200)', '', '200', /No coupon code/],
    ])('refuses %s with a reason for the cashier', async (_label, code, vendorCode, reason) => {
      const { ctx, records } = callContext('CT-look-bad');
      const result = await adapter().lookUp(ctx, code);
      expect(result).toEqual({ code, redeemable: false, refusal: { code: vendorCode, reason: expect.stringMatching(reason) } });
      expect(records[0]).toMatchObject({ outcome: 'rejected', errorCode: vendorCode });
    });

    it.each([
      ['already validated, naming the date it was used', SESSIONS.validated, 'ALREADY_VALIDATED', 'This coupon was already used on 2024-02-21 09:30:00 UTC.'],
      ['voided', SESSIONS.voided, 'VOIDED', expect.stringMatching(/voided/)],
      ['locked by another checkout', SESSIONS.locked, 'LOCKED', expect.stringMatching(/another checkout/)],
      ['expired (compared by the adapter: Coupontools answers OK)', SESSIONS.expired, 'EXPIRED', 'This coupon expired on 2019-03-02 02:00:00 UTC.'],
    ])('refuses a session %s', async (_label, code, refusalCode, reason) => {
      const result = await adapter().lookUp(callContext('CT-look-refused').ctx, code);
      expect(result).toMatchObject({ code, redeemable: false, valueMinor: 500, refusal: { code: refusalCode, reason } });
    });

    it('reports an injected 503 as VendorUnavailable and succeeds on the next attempt', async () => {
      await inject({ path: dataPath, kind: 'status', status: 503, times: 1 });
      expect(await failureOf(adapter().lookUp(callContext('CT-look-503').ctx, SESSIONS.claimed))).toMatchObject(unavailable);
      await expect(adapter().lookUp(callContext('CT-look-503', 2).ctx, SESSIONS.claimed)).resolves.toMatchObject({ redeemable: true });
      expect(await journal('CT-look-503')).toEqual([]);
    });
  });

  describe('hold', () => {
    it('locks the session under our reference', async () => {
      const { ctx, records } = callContext('CT-hold');
      await expect(adapter().hold(ctx, SESSIONS.claimed)).resolves.toEqual({ held: true });
      expect(records.map((r) => [r.operation, r.outcome])).toEqual([['couponsession.lock', 'success']]);
      expect(await journal('CT-hold')).toEqual([expect.objectContaining({ effect: 'coupon.lock', reference: 'CT-hold', vendorReference: SESSIONS.claimed })]);
      expect((await sessionStatus(SESSIONS.claimed)).locked).toBe('1');
    });

    it.each([
      ['a validated session (514)', SESSIONS.validated, '514'],
      ['a voided session (516)', SESSIONS.voided, '516'],
      ['an unknown session (513)', 'nOsUcHsEsSiOn', '513'],
    ])('refuses to lock %s without retrying', async (_label, code, vendorCode) => {
      expect(await failureOf(adapter().hold(callContext('CT-hold-bad').ctx, code))).toMatchObject(rejected(vendorCode));
      expect(await journal('CT-hold-bad')).toEqual([]);
    });

    it('reports a 429 as VendorUnavailable, then locks once on the next attempt', async () => {
      await inject({ path: updatePath, kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
      expect(await failureOf(adapter().hold(callContext('CT-hold-429').ctx, SESSIONS.claimed))).toMatchObject({ ...unavailable, nextRetryDelay: 1000 });
      await expect(adapter().hold(callContext('CT-hold-429', 2).ctx, SESSIONS.claimed)).resolves.toEqual({ held: true });
      expect((await journal('CT-hold-429')).map((e) => e.effect)).toEqual(['coupon.lock']);
    });

    it('resolves a lost lock reply by reading the session instead of locking again', async () => {
      await inject({ path: updatePath, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      const vendor = adapter({ timeoutMs: 300 });
      expect(await failureOf(vendor.hold(callContext('CT-hold-lost').ctx, SESSIONS.claimed))).toMatchObject(unavailable);
      const retry = callContext('CT-hold-lost', 2);
      await expect(vendor.hold(retry.ctx, SESSIONS.claimed)).resolves.toEqual({ held: true });
      expect(recordedCalls(retry.records)).toEqual(['couponsession.data', 'couponsession.lock (recovered)']);
      expect((await journal('CT-hold-lost')).map((e) => e.effect)).toEqual(['coupon.lock']);
    });
  });

  describe('release', () => {
    it('unlocks a session we locked', async () => {
      const vendor = adapter();
      await vendor.hold(callContext('CT-rel').ctx, SESSIONS.claimed);
      await expect(vendor.release(callContext('CT-rel').ctx, SESSIONS.claimed)).resolves.toBeUndefined();
      expect((await journal('CT-rel')).map((e) => e.effect)).toEqual(['coupon.lock', 'coupon.unlock']);
      expect(await sessionStatus(SESSIONS.claimed)).toMatchObject({ locked: '0', unlocked_date_utc: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
    });

    it.each([
      ['a session that is not locked', SESSIONS.claimed],
      ['an unknown session', 'nOsUcHsEsSiOn'],
      ['a validated session', SESSIONS.validated],
    ])('treats releasing %s as done', async (_label, code) => {
      await expect(adapter().release(callContext('CT-rel-noop').ctx, code)).resolves.toBeUndefined();
      expect(await journal('CT-rel-noop')).toEqual([]);
    });

    it('refuses a release with bad credentials instead of pretending it is done', async () => {
      expect(await failureOf(adapter({ clientSecret: 'wrong' }).release(callContext('CT-rel-auth').ctx, SESSIONS.locked))).toMatchObject(rejected('100'));
    });

    it('reports an injected 503 as VendorUnavailable, then unlocks once on the next attempt', async () => {
      await inject({ path: updatePath, kind: 'status', status: 503, times: 1 });
      expect(await failureOf(adapter().release(callContext('CT-rel-503').ctx, SESSIONS.locked))).toMatchObject(unavailable);
      await adapter().release(callContext('CT-rel-503', 2).ctx, SESSIONS.locked);
      expect((await journal('CT-rel-503')).map((e) => e.effect)).toEqual(['coupon.unlock']);
    });

    it('survives a lost unlock reply: the repeated unlock finds nothing to do', async () => {
      await inject({ path: updatePath, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      const vendor = adapter({ timeoutMs: 300 });
      expect(await failureOf(vendor.release(callContext('CT-rel-lost').ctx, SESSIONS.locked))).toMatchObject(unavailable);
      await expect(vendor.release(callContext('CT-rel-lost', 2).ctx, SESSIONS.locked)).resolves.toBeUndefined();
      expect((await journal('CT-rel-lost')).map((e) => e.effect)).toEqual(['coupon.unlock']);
    });
  });

  describe('redeem', () => {
    it('validates the session with money_spent in the 0.000 format and reports it non-compensable', async () => {
      const { ctx, records } = callContext('CT-redeem');
      await expect(adapter().redeem(ctx, SESSIONS.claimed, { billAmountMinor: 1250 })).resolves.toEqual({ code: SESSIONS.claimed, compensable: false });
      expect(records).toEqual([expect.objectContaining({ operation: 'couponsession.validate', outcome: 'success', amountMinor: 1250, requestExcerpt: { couponsession: SESSIONS.claimed, validate: '1', money_spent: '12.500' } })]);
      expect(await journal('CT-redeem')).toEqual([expect.objectContaining({ effect: 'coupon.validate', reference: 'CT-redeem', vendorReference: SESSIONS.claimed, amount: '12.500' })]);
      expect(await sessionStatus(SESSIONS.claimed)).toMatchObject({ validated: '1', locked: '0' });
    });

    it('sends money_spent with three decimals for a currency without minor units', async () => {
      const { ctx, records } = callContext('CT-redeem-jpy');
      await adapter().redeem({ ...ctx, currency: 'JPY' }, SESSIONS.claimed, { billAmountMinor: 1200 });
      expect(records[0].requestExcerpt).toMatchObject({ money_spent: '1200.000' });
    });

    it.each([
      // A validate of a validated session is a send the vendor refuses as a repeat: journaled as such.
      ['already validated (514)', SESSIONS.validated, '514', /already used/, ['refused-duplicate']],
      ['voided (516)', SESSIONS.voided, '516', /voided/, []],
      ['unknown (513)', 'nOsUcHsEsSiOn', '513', /not found/, []],
    ])('refuses a session that is %s as a non-retryable rejection', async (_label, code, vendorCode, reason, sends) => {
      const error = await failureOf(adapter().redeem(callContext('CT-redeem-bad').ctx, code, { billAmountMinor: 1000 }));
      expect(error).toMatchObject(rejected(vendorCode));
      expect(error).toMatchObject({ details: [expect.objectContaining({ reason: expect.stringMatching(reason) })] });
      expect((await journal('CT-redeem-bad')).map((e) => e.outcome)).toEqual(sends);
    });

    it('reports an injected 503 as VendorUnavailable, then validates once on the next attempt', async () => {
      await inject({ path: updatePath, kind: 'status', status: 503, times: 1 });
      expect(await failureOf(adapter().redeem(callContext('CT-redeem-503').ctx, SESSIONS.claimed, { billAmountMinor: 1000 }))).toMatchObject(unavailable);
      const retry = callContext('CT-redeem-503', 2);
      await adapter().redeem(retry.ctx, SESSIONS.claimed, { billAmountMinor: 1000 });
      expect(retry.records.map((r) => r.operation)).toEqual(['couponsession.data', 'couponsession.validate']);
      expect((await journal('CT-redeem-503')).map((e) => e.effect)).toEqual(['coupon.validate']);
    });

    it('resolves a lost validate reply by reading the session instead of validating again', async () => {
      await inject({ path: updatePath, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      const vendor = adapter({ timeoutMs: 300 });
      expect(await failureOf(vendor.redeem(callContext('CT-redeem-lost').ctx, SESSIONS.claimed, { billAmountMinor: 1000 }))).toMatchObject(unavailable);
      const retry = callContext('CT-redeem-lost', 2);
      await expect(vendor.redeem(retry.ctx, SESSIONS.claimed, { billAmountMinor: 1000 })).resolves.toEqual({ code: SESSIONS.claimed, compensable: false });
      expect(recordedCalls(retry.records)).toEqual(['couponsession.data', 'couponsession.validate (recovered)']);
      expect((await journal('CT-redeem-lost')).map((e) => e.effect)).toEqual(['coupon.validate']);
    });
  });

  describe('reinstate', () => {
    it('refuses: a Coupontools validation has no undo', async () => {
      const error = await failureOf(adapter().reinstate(callContext('CT-reinstate').ctx, { code: SESSIONS.claimed, compensable: false }));
      expect(error).toMatchObject(rejected('NO_UNDO'));
    });
  });

  it('refuses wrong client credentials as a rejection, not a retry', async () => {
    const { ctx, records } = callContext('CT-auth');
    expect(await failureOf(adapter({ clientSecret: 'wrong' }).hold(ctx, SESSIONS.claimed))).toMatchObject(rejected('100'));
    expect(records[0]).toMatchObject({ outcome: 'rejected', httpStatus: 401, errorCode: '100' });
    expect(JSON.stringify(records)).not.toContain('wrong');
  });

  it('reports an unreachable vendor as retryable VendorUnavailable', async () => {
    const error = await failureOf(adapter({ baseUrl: 'http://127.0.0.1:9/v3' }).lookUp(callContext('CT-down').ctx, SESSIONS.claimed));
    expect(error).toMatchObject(unavailable);
  });
});
