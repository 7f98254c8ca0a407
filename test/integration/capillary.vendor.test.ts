import request from 'supertest';
import type { CustomerIdentifier, PointsCustomer, SaleTransaction } from '../../activities/vendors/capabilities';
import { CapillaryVendor, type CapillaryOptions } from '../../activities/vendors/capillary.vendor';
import { REDACTED } from '../../activities/vendors/redact';
import { FailureTypes } from '../../workflows/checkout.contract';
import {
  CAPILLARY_SANDBOX_COUPONS as COUPONS,
  CAPILLARY_SANDBOX_CUSTOMER as TOM,
  CAPILLARY_SANDBOX_OAUTH,
} from '../../src/sandbox/capillary.sandbox';
import type { FaultSpec } from '../../src/sandbox/sandbox-faults';
import { injectFault, journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';
import { callContext, failureOf, recordedCalls } from '../support/vendor-calls';

/** The Capillary adapter against the sandbox over real HTTP. */
describe(CapillaryVendor.name, () => {
  const tokenRequests: string[] = [];
  const sandbox = sandboxForFile((app) =>
    app.addHook('onRequest', async (req) => {
      if (req.url.endsWith('/v3/oauth/token/generate')) tokenRequests.push(req.url);
    }),
  );
  beforeEach(() => {
    tokenRequests.length = 0;
  });

  const adapter = (overrides: Partial<CapillaryOptions> = {}) =>
    new CapillaryVendor({ baseUrl: `${sandbox.url}/capillary`, oauthKey: CAPILLARY_SANDBOX_OAUTH.key, oauthSecret: CAPILLARY_SANDBOX_OAUTH.secret, timeoutMs: 1000, ...overrides });
  const context = (reference: string, attempt = 1) => callContext(reference, attempt, 'EUR');
  const phone: CustomerIdentifier = { type: 'phone', value: `+${TOM.mobile}` };
  const tom: PointsCustomer = { identifier: phone };
  const stranger: PointsCustomer = { identifier: { type: 'phone', value: '910000000001' } };
  const inject = (fault: FaultSpec) => injectFault(sandbox.url, fault);
  const orgConfig = (patch: object) => request(sandbox.url).put('/capillary/_sandbox/org-config').send(patch).expect(200);
  // The org raised the ticket for Allow_points_redemption_reversal (off by default, as at a real org).
  beforeEach(() => orgConfig({ allowPointsRedemptionReversal: true }));
  /** The journalled applications of `effect` (of `reference`, or of every reference). */
  const effects = async (effect: string, reference = '') => (await journalOf(sandbox.url, reference, 'capillary')).filter((e) => e.effect === effect);
  const rejection = (code: string) => expect.objectContaining({ type: FailureTypes.vendorRejection, nonRetryable: true, details: [expect.objectContaining({ code })] });
  const unavailable = expect.objectContaining({ type: FailureTypes.vendorUnavailable, nonRetryable: false });
  /** The lost reply: Capillary applies the effect, the answer never arrives within our timeout. */
  const loseReplyOf = (path: string) => inject({ path: `/capillary${path}`, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
  const failOnce = (path: string, status = 503) => inject({ path: `/capillary${path}`, kind: 'status', status, times: 1 });
  const sale = (overrides: Partial<SaleTransaction> = {}): SaleTransaction => ({
    billingTime: '2026-11-21T10:00:00Z',
    amountMinor: 90_000,
    grossAmountMinor: 100_000,
    discountMinor: 10_000,
    lines: [{ sku: 'skuattr9', description: 'soap', quantity: 2, totalMinor: 100_000, netMinor: 90_000, vatMinor: 10_000 }],
    customer: phone,
    ...overrides,
  });

  describe('findCustomer', () => {
    it('finds the document customer by mobile, with the Capillary user id and 1000 points', async () => {
      const { ctx, records } = context('B-find');
      await expect(adapter().findCustomer(ctx, phone)).resolves.toEqual({ identifier: phone, vendorCustomerId: '98662653', pointsBalance: 1000 });
      expect(records).toEqual([expect.objectContaining({ operation: 'customer.get', outcome: 'success', httpStatus: 200, vendorReference: '98662653' })]);
    });

    it('finds the same customer by e-mail and by external id', async () => {
      const vendor = adapter();
      await expect(vendor.findCustomer(context('B-e').ctx, { type: 'email', value: TOM.email })).resolves.toMatchObject({ vendorCustomerId: '98662653' });
      await expect(vendor.findCustomer(context('B-x').ctx, { type: 'externalId', value: TOM.externalId })).resolves.toMatchObject({ vendorCustomerId: '98662653' });
    });

    it('refuses identifier types Capillary cannot search by, without calling it', async () => {
      const { ctx, records } = context('B-code');
      expect(await failureOf(adapter().findCustomer(ctx, { type: 'code', value: '22265577' }))).toEqual(rejection('UNSUPPORTED_IDENTIFIER'));
      expect(records).toEqual([]);
    });

    it('rejects a customer Capillary does not know when enrolment is not asked for', async () => {
      expect(await failureOf(adapter().findCustomer(context('B-unknown').ctx, stranger.identifier))).toEqual(rejection('1012'));
      expect(await effects('customer.add')).toHaveLength(0);
    });

    it('enrols a customer Capillary does not know when asked, then finds them', async () => {
      const vendor = adapter();
      const { ctx, records } = context('B-enrol');
      const enrolled = await vendor.findCustomer(ctx, stranger.identifier, { enrol: true });
      expect(enrolled).toEqual({ identifier: stranger.identifier, vendorCustomerId: expect.any(String), pointsBalance: 0 });
      expect(records.map((r) => r.operation)).toEqual(['customer.get', 'customer.add']);
      // Personal data never reaches the audit excerpt.
      expect(records[1].requestExcerpt).toEqual({ root: { customer: [{ mobile: REDACTED, type: 'LOYALTY', source: 'INSTORE' }] } });
      await expect(vendor.findCustomer(context('B-enrol2').ctx, stranger.identifier)).resolves.toEqual(enrolled);
      expect(await effects('customer.add')).toHaveLength(1);
    });

    it('reports a 503 as VendorUnavailable and succeeds on the next attempt', async () => {
      await failOnce('/v1.1/customer/get');
      expect(await failureOf(adapter().findCustomer(context('B-503').ctx, phone))).toEqual(unavailable);
      await expect(adapter().findCustomer(context('B-503', 2).ctx, phone)).resolves.toMatchObject({ pointsBalance: 1000 });
    });

    it('enrols once when the reply to customer/add is lost: the retry finds the customer', async () => {
      await loseReplyOf('/v1.1/customer/add');
      const vendor = adapter({ timeoutMs: 300 });
      expect(await failureOf(vendor.findCustomer(context('B-lost', 1).ctx, stranger.identifier, { enrol: true }))).toEqual(unavailable);
      const retry = context('B-lost', 2);
      await expect(vendor.findCustomer(retry.ctx, stranger.identifier, { enrol: true })).resolves.toMatchObject({ pointsBalance: 0 });
      expect(retry.records.map((r) => r.operation)).toEqual(['customer.get']);
      expect(await effects('customer.add')).toHaveLength(1);
    });
  });

  describe('checkPoints', () => {
    it('prices redeemable points at the org ratio (1 point = 0.01)', async () => {
      const { ctx, records } = context('B-check');
      await expect(adapter().checkPoints(ctx, tom, 150)).resolves.toEqual({ redeemable: true, points: 150, valueMinor: 150 });
      expect(records).toEqual([expect.objectContaining({ operation: 'points.isredeemable', outcome: 'success' })]);
    });

    it.each([
      ['804 not enough points', tom, 2000, '804'],
      ['816 customer not found', stranger, 100, '816'],
      ['821 below the minimum', tom, 5, '821'],
    ])('returns %s as a refusal instead of throwing', async (_name, customer, points, code) => {
      const result = await adapter().checkPoints(context('B-refuse').ctx, customer, points);
      expect(result).toEqual({ redeemable: false, points, valueMinor: 0, refusal: { code, reason: expect.any(String) } });
    });

    it('returns 807 when the points are not a multiple the org allows', async () => {
      await orgConfig({ pointsMultiple: 10 });
      await expect(adapter().checkPoints(context('B-807').ctx, tom, 15)).resolves.toMatchObject({
        redeemable: false,
        refusal: { code: '807', reason: 'Points must be redeemed in the multiple the loyalty programme allows' },
      });
    });

    it('refuses an identifier type Capillary cannot search by without calling it', async () => {
      const { ctx, records } = context('B-check-code');
      await expect(adapter().checkPoints(ctx, { identifier: { type: 'number', value: '400' } }, 100)).resolves.toMatchObject({
        redeemable: false,
        refusal: { code: 'UNSUPPORTED_IDENTIFIER' },
      });
      expect(records).toEqual([]);
    });

    it('reports a 429 as VendorUnavailable and succeeds on the next attempt', async () => {
      await inject({ path: '/capillary/v1.1/points/isredeemable', kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
      expect(await failureOf(adapter().checkPoints(context('B-429').ctx, tom, 100))).toEqual(unavailable);
      await expect(adapter().checkPoints(context('B-429', 2).ctx, tom, 100)).resolves.toMatchObject({ redeemable: true });
    });

    it('treats request code 521 (another action runs for this customer) as retryable', async () => {
      await inject({
        path: '/capillary/v1.1/points/isredeemable',
        kind: 'status',
        status: 200,
        body: { response: { status: { success: 'false', code: 521, message: 'Another action is running for the customer, retry later' } } },
        times: 1,
      });
      expect(await failureOf(adapter().checkPoints(context('B-521').ctx, tom, 100))).toEqual(unavailable);
    });

    it('treats item code 886 (unable to process points, try later) as retryable', async () => {
      await inject({
        path: '/capillary/v1.1/points/isredeemable',
        kind: 'status',
        status: 200,
        body: { response: { status: { success: false, code: '500' }, points: { redeemable: { is_redeemable: false, item_status: { success: false, code: 886, message: 'Try again later' } } } } },
        times: 1,
      });
      expect(await failureOf(adapter().checkPoints(context('B-886').ctx, tom, 100))).toEqual(unavailable);
    });
  });

  describe('redeemPoints', () => {
    it('redeems on the bill number and returns the redemption id, value and new balance', async () => {
      const { ctx, records } = context('B-redeem');
      const redemption = await adapter().redeemPoints(ctx, tom, 100);
      expect(redemption).toEqual({ redemptionId: expect.any(String), points: 100, valueMinor: 100, balanceAfter: 900 });
      expect(records).toEqual([expect.objectContaining({ operation: 'points.redeem', outcome: 'success', vendorReference: redemption.redemptionId, amountMinor: 100 })]);
      expect(await effects('points.redeem', 'B-redeem')).toEqual([expect.objectContaining({ reference: 'B-redeem', vendorReference: redemption.redemptionId })]);
    });

    it.each([
      ['803 not enough points', tom, 2000, '803'],
      ['816 customer not found', stranger, 100, '816'],
    ])('rejects %s without redeeming', async (_name, customer, points, code) => {
      const { ctx, records } = context('B-no');
      expect(await failureOf(adapter().redeemPoints(ctx, customer, points))).toEqual(rejection(code));
      expect(records[0]).toMatchObject({ outcome: 'rejected', errorCode: code });
      expect(await effects('points.redeem')).toHaveLength(0);
    });

    it('rejects 807 when the points are not a multiple the org allows', async () => {
      await orgConfig({ pointsMultiple: 10 });
      expect(await failureOf(adapter().redeemPoints(context('B-807r').ctx, tom, 15))).toEqual(rejection('807'));
    });

    it('reports a 503 as VendorUnavailable and redeems once on the next attempt', async () => {
      await failOnce('/v1.1/points/redeem');
      expect(await failureOf(adapter().redeemPoints(context('B-r503', 1).ctx, tom, 100))).toEqual(unavailable);
      await adapter().redeemPoints(context('B-r503', 2).ctx, tom, 100);
      expect(await effects('points.redeem', 'B-r503')).toHaveLength(1);
    });

    it('finds the redemption of a lost reply on the retry instead of redeeming twice', async () => {
      await loseReplyOf('/v1.1/points/redeem');
      const vendor = adapter({ timeoutMs: 300 });
      expect(await failureOf(vendor.redeemPoints(context('B-rlost', 1).ctx, tom, 100))).toEqual(unavailable);
      const retry = context('B-rlost', 2);
      const found = await vendor.redeemPoints(retry.ctx, tom, 100);
      const [applied] = await effects('points.redeem', 'B-rlost');
      expect(found).toEqual({ redemptionId: applied.vendorReference, points: 100, valueMinor: 100 });
      expect(recordedCalls(retry.records)).toEqual(['customer.redemptions.points', 'points.isredeemable', 'points.redeem (recovered)']);
      expect(await effects('points.redeem', 'B-rlost')).toHaveLength(1);
    });

    it('redeems on a retry when the first attempt never reached Capillary', async () => {
      const retry = context('B-never', 2);
      await adapter().redeemPoints(retry.ctx, tom, 100);
      expect(retry.records.map((r) => r.operation)).toEqual(['customer.redemptions.points', 'points.redeem']);
      expect(await effects('points.redeem', 'B-never')).toHaveLength(1);
    });

    it('finds the redemption made on a bill for an undo, and nothing for another bill', async () => {
      const vendor = adapter();
      const redemption = await vendor.redeemPoints(context('B-find-r').ctx, tom, 100);
      await expect(vendor.findRedemption(context('B-find-r').ctx, tom, 100)).resolves.toMatchObject({ redemptionId: redemption.redemptionId, points: 100 });
      await expect(vendor.findRedemption(context('B-other').ctx, tom, 100)).resolves.toBeUndefined();
    });
  });

  describe('reversePoints', () => {
    it('reverses a redemption and gives the points back', async () => {
      const vendor = adapter();
      const redemption = await vendor.redeemPoints(context('B-rev').ctx, tom, 100);
      await expect(vendor.reversePoints(context('B-rev').ctx, tom, redemption)).resolves.toEqual({ alreadyReversed: false });
      await expect(vendor.findCustomer(context('B-rev').ctx, phone)).resolves.toMatchObject({ pointsBalance: 1000 });
      expect(await effects('points.reverse', 'B-rev')).toHaveLength(1);
    });

    it('treats 3802 (already reversed) as done', async () => {
      const vendor = adapter();
      const redemption = await vendor.redeemPoints(context('B-rev2').ctx, tom, 100);
      await vendor.reversePoints(context('B-rev2').ctx, tom, redemption);
      const { ctx, records } = context('B-rev2');
      await expect(vendor.reversePoints(ctx, tom, redemption)).resolves.toEqual({ alreadyReversed: true });
      expect(records[0]).toMatchObject({ operation: 'points.reverse', outcome: 'success', httpStatus: 400 });
      expect(await effects('points.reverse', 'B-rev2')).toHaveLength(1);
    });

    it('reports a reversal refused by an org without Allow_points_redemption_reversal (4101) as a VendorRejection', async () => {
      await orgConfig({ allowPointsRedemptionReversal: false });
      const vendor = adapter();
      const redemption = await vendor.redeemPoints(context('B-rev4101').ctx, tom, 100);
      expect(await failureOf(vendor.reversePoints(context('B-rev4101').ctx, tom, redemption))).toEqual(rejection('4101'));
      expect(await effects('points.reverse', 'B-rev4101')).toHaveLength(0);
    });

    it('treats a redemption Capillary does not know (902) as nothing to undo', async () => {
      await expect(adapter().reversePoints(context('B-rev3').ctx, tom, { redemptionId: 'nope', points: 10, valueMinor: 10 })).resolves.toEqual({ alreadyReversed: true });
    });

    it('reports a 503 as VendorUnavailable and reverses once on the next attempt', async () => {
      const vendor = adapter();
      const redemption = await vendor.redeemPoints(context('B-rev503').ctx, tom, 100);
      await failOnce('/v2/points/reverse');
      expect(await failureOf(vendor.reversePoints(context('B-rev503', 1).ctx, tom, redemption))).toEqual(unavailable);
      await expect(vendor.reversePoints(context('B-rev503', 2).ctx, tom, redemption)).resolves.toEqual({ alreadyReversed: false });
      expect(await effects('points.reverse', 'B-rev503')).toHaveLength(1);
    });

    it('resolves a lost reversal reply on the retry through 3802, reversing once', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      const redemption = await vendor.redeemPoints(context('B-revlost').ctx, tom, 100);
      await loseReplyOf('/v2/points/reverse');
      expect(await failureOf(vendor.reversePoints(context('B-revlost', 1).ctx, tom, redemption))).toEqual(unavailable);
      await expect(vendor.reversePoints(context('B-revlost', 2).ctx, tom, redemption)).resolves.toEqual({ alreadyReversed: true });
      expect(await effects('points.reverse', 'B-revlost')).toHaveLength(1);
    });
  });

  describe('lookUp', () => {
    it('finds a redeemable coupon with its absolute value and expiry', async () => {
      await expect(adapter().lookUp(context('B-c').ctx, COUPONS.redeemable, phone)).resolves.toEqual({
        code: COUPONS.redeemable,
        redeemable: true,
        valueMinor: 1000,
        expiresAt: '2099-12-31',
      });
    });

    it('gives no money value for a percentage coupon', async () => {
      const lookup = await adapter().lookUp(context('B-perc').ctx, COUPONS.percent, phone);
      expect(lookup).toMatchObject({ redeemable: true });
      expect(lookup.valueMinor).toBeUndefined();
    });

    it.each([
      ['702 invalid code', 'NOPE0000', '702'],
      ['711 already redeemed', COUPONS.redeemed, '711'],
      ['713 expired', COUPONS.expired, '713'],
    ])('returns %s as a refusal', async (_name, code, refusal) => {
      await expect(adapter().lookUp(context('B-cref').ctx, code, phone)).resolves.toMatchObject({ code, redeemable: false, refusal: { code: refusal } });
    });

    it('refuses without a customer, because Capillary checks coupons per customer', async () => {
      const { ctx, records } = context('B-cnone');
      await expect(adapter().lookUp(ctx, COUPONS.redeemable)).resolves.toMatchObject({ redeemable: false, refusal: { code: 'CUSTOMER_REQUIRED' } });
      expect(records).toEqual([]);
    });

    it('reports a 503 as VendorUnavailable and succeeds on the next attempt', async () => {
      await failOnce('/v1.1/coupon/isredeemable');
      expect(await failureOf(adapter().lookUp(context('B-c503').ctx, COUPONS.redeemable, phone))).toEqual(unavailable);
      await expect(adapter().lookUp(context('B-c503', 2).ctx, COUPONS.redeemable, phone)).resolves.toMatchObject({ redeemable: true });
    });
  });

  describe('hold and release', () => {
    it('holds nothing and releases nothing, without calling Capillary (it has no hold)', async () => {
      const { ctx, records } = context('B-hold');
      await expect(adapter().hold(ctx, COUPONS.redeemable)).resolves.toEqual({ held: false });
      await expect(adapter().release(ctx, COUPONS.redeemable)).resolves.toBeUndefined();
      expect(records).toEqual([]);
    });
  });

  describe('redeem (coupon)', () => {
    const couponCtx = (bill: string, attempt = 1) => context(`${bill}:${COUPONS.redeemable}`, attempt);

    it('redeems against the bill number and returns the redemption id', async () => {
      const redemption = await adapter().redeem(couponCtx('B-cr').ctx, COUPONS.redeemable, { billAmountMinor: 90_000, customer: phone });
      expect(redemption).toEqual({ code: COUPONS.redeemable, redemptionId: expect.any(String), compensable: true });
      expect(await effects('coupon.redeem', 'B-cr')).toEqual([expect.objectContaining({ reference: 'B-cr', vendorReference: redemption.redemptionId })]);
    });

    it.each([
      ['702 invalid code', 'NOPE0000', '702'],
      ['711 already redeemed', COUPONS.redeemed, '711'],
      ['713 expired', COUPONS.expired, '713'],
    ])('rejects %s', async (_name, code, expected) => {
      expect(await failureOf(adapter().redeem(context(`B-crr:${code}`).ctx, code, { billAmountMinor: 100, customer: phone }))).toEqual(rejection(expected));
    });

    it('rejects a coupon redemption without a customer', async () => {
      expect(await failureOf(adapter().redeem(couponCtx('B-crn').ctx, COUPONS.redeemable, { billAmountMinor: 100 }))).toEqual(rejection('CUSTOMER_REQUIRED'));
    });

    it('reports a 503 as VendorUnavailable and redeems once on the next attempt', async () => {
      await failOnce('/v1.1/coupon/redeem');
      expect(await failureOf(adapter().redeem(couponCtx('B-cr503', 1).ctx, COUPONS.redeemable, { billAmountMinor: 100, customer: phone }))).toEqual(unavailable);
      await adapter().redeem(couponCtx('B-cr503', 2).ctx, COUPONS.redeemable, { billAmountMinor: 100, customer: phone });
      expect(await effects('coupon.redeem', 'B-cr503')).toHaveLength(1);
    });

    it.each([
      ['a single-use coupon', COUPONS.redeemable],
      ['a multi-use coupon, which a re-send would redeem twice', COUPONS.multiUse],
    ])('on a retry after a lost reply, finds its redemption on the bill in the coupon history and sends nothing: %s', async (_name, code) => {
      await loseReplyOf('/v1.1/coupon/redeem');
      const vendor = adapter({ timeoutMs: 300 });
      const bill = `B-crlost-${code}`;
      expect(await failureOf(vendor.redeem(context(`${bill}:${code}`, 1).ctx, code, { billAmountMinor: 100, customer: phone }))).toEqual(unavailable);
      const retry = context(`${bill}:${code}`, 2);
      const found = await vendor.redeem(retry.ctx, code, { billAmountMinor: 100, customer: phone });
      // Every send, applied or refused as a duplicate: the lost one only.
      const sends = await effects('coupon.redeem', bill);
      expect(sends.map((e) => e.outcome)).toEqual(['applied']);
      expect(found).toEqual({ code, redemptionId: sends[0].vendorReference, compensable: true });
      // The find is marked as the earlier attempt's effect, so the audit writer never counts it twice.
      expect(recordedCalls(retry.records)).toEqual(['customer.redemptions.coupons', 'coupon.redeem (recovered)']);
      expect(retry.records[1]).toMatchObject({ outcome: 'success', vendorReference: sends[0].vendorReference, recoveredBy: 'customer.redemptions.coupons' });
    });

    it('still rejects 711 on a retry when the coupon was redeemed on another bill', async () => {
      const retry = context(`B-crother:${COUPONS.redeemed}`, 2);
      expect(await failureOf(adapter().redeem(retry.ctx, COUPONS.redeemed, { billAmountMinor: 100, customer: phone }))).toEqual(rejection('711'));
      // Looked up (not on our bill), sent, refused, looked up again in case our earlier send landed in between.
      expect(recordedCalls(retry.records)).toEqual(['customer.redemptions.coupons', 'coupon.redeem', 'customer.redemptions.coupons']);
      expect(retry.records[1]).toMatchObject({ outcome: 'rejected', errorCode: '711' });
    });

    it('rejects 711 on a first send without looking for an earlier redemption', async () => {
      const first = context(`B-crfirst:${COUPONS.redeemed}`, 1);
      expect(await failureOf(adapter().redeem(first.ctx, COUPONS.redeemed, { billAmountMinor: 100, customer: phone }))).toEqual(rejection('711'));
      expect(recordedCalls(first.records)).toEqual(['coupon.redeem']);
    });
  });

  describe('reinstate', () => {
    const redeemCoupon = (bill: string) =>
      adapter().redeem(context(`${bill}:${COUPONS.redeemable}`).ctx, COUPONS.redeemable, { billAmountMinor: 100, customer: phone });

    it('reactivates a redeemed coupon, which is then redeemable again', async () => {
      const redemption = await redeemCoupon('B-re');
      await expect(adapter().reinstate(context('B-re').ctx, redemption)).resolves.toEqual({ alreadyReinstated: false });
      await expect(adapter().lookUp(context('B-re').ctx, COUPONS.redeemable, phone)).resolves.toMatchObject({ redeemable: true });
      expect(await effects('coupon.reactivate', 'B-re')).toHaveLength(1);
    });

    it('treats a coupon that is no longer redeemed as already reinstated', async () => {
      const redemption = await redeemCoupon('B-re2');
      await adapter().reinstate(context('B-re2').ctx, redemption);
      const { ctx, records } = context('B-re2');
      await expect(adapter().reinstate(ctx, redemption)).resolves.toEqual({ alreadyReinstated: true });
      expect(records.map((r) => [r.operation, r.outcome])).toEqual([
        ['coupon.reactivate', 'rejected'],
        ['coupon.get', 'success'],
      ]);
      expect(await effects('coupon.reactivate', 'B-re2')).toHaveLength(1);
    });

    it('reports a 503 as VendorUnavailable and reactivates once on the next attempt', async () => {
      const redemption = await redeemCoupon('B-re503');
      await failOnce('/v2/coupon/reactivate');
      expect(await failureOf(adapter().reinstate(context('B-re503', 1).ctx, redemption))).toEqual(unavailable);
      await expect(adapter().reinstate(context('B-re503', 2).ctx, redemption)).resolves.toEqual({ alreadyReinstated: false });
      expect(await effects('coupon.reactivate', 'B-re503')).toHaveLength(1);
    });

    it('resolves a lost reactivation reply on the retry, reactivating once', async () => {
      const redemption = await redeemCoupon('B-relost');
      await loseReplyOf('/v2/coupon/reactivate');
      expect(await failureOf(adapter({ timeoutMs: 300 }).reinstate(context('B-relost', 1).ctx, redemption))).toEqual(unavailable);
      await expect(adapter().reinstate(context('B-relost', 2).ctx, redemption)).resolves.toEqual({ alreadyReinstated: true });
      expect(await effects('coupon.reactivate', 'B-relost')).toHaveLength(1);
    });
  });

  describe('addTransaction', () => {
    it('adds a regular bill for the customer', async () => {
      const { ctx, records } = context('B-tx');
      const result = await adapter().addTransaction(ctx, sale());
      expect(result).toEqual({ transactionId: expect.stringMatching(/^\d+$/), duplicate: false });
      expect(records).toEqual([expect.objectContaining({ operation: 'transaction.add', outcome: 'success', vendorReference: result.transactionId, amountMinor: 90_000 })]);
      expect(records[0].recoveredBy).toBeUndefined();
      expect(await effects('transaction.add', 'B-tx')).toHaveLength(1);
    });

    it('adds a sale without a customer as not_interested', async () => {
      await expect(adapter().addTransaction(context('B-ni').ctx, sale({ customer: undefined }))).resolves.toMatchObject({ duplicate: false });
    });

    it('rejects a bill number that already exists (604) on a first attempt', async () => {
      await adapter().addTransaction(context('B-dup').ctx, sale());
      expect(await failureOf(adapter().addTransaction(context('B-dup').ctx, sale()))).toEqual(rejection('604'));
      // The journal shows the second send, refused: nothing was added twice.
      expect((await effects('transaction.add', 'B-dup')).map((e) => e.outcome)).toEqual(['applied', 'refused-duplicate']);
    });

    it('reports a 503 as VendorUnavailable and adds once on the next attempt', async () => {
      await failOnce('/v1.1/transaction/add');
      expect(await failureOf(adapter().addTransaction(context('B-tx503', 1).ctx, sale()))).toEqual(unavailable);
      await expect(adapter().addTransaction(context('B-tx503', 2).ctx, sale())).resolves.toMatchObject({ duplicate: false });
      expect(await effects('transaction.add', 'B-tx503')).toHaveLength(1);
    });

    it('looks the bill up on a retry after a lost reply instead of sending it again, and returns its id', async () => {
      await loseReplyOf('/v1.1/transaction/add');
      expect(await failureOf(adapter({ timeoutMs: 300 }).addTransaction(context('B-txlost', 1).ctx, sale()))).toEqual(unavailable);
      const retry = context('B-txlost', 2);
      const result = await adapter().addTransaction(retry.ctx, sale());
      const [applied] = await effects('transaction.add', 'B-txlost');
      expect(result).toEqual({ transactionId: applied.vendorReference, duplicate: true });
      expect(recordedCalls(retry.records)).toEqual(['transaction.get', 'transaction.add (recovered)']);
      expect(retry.records[1]).toMatchObject({ outcome: 'success', recoveredBy: 'transaction.get', vendorReference: applied.vendorReference, amountMinor: 90_000 });
      // One send: a re-send refused with 604 would show here as a second entry.
      expect(await effects('transaction.add', 'B-txlost')).toHaveLength(1);
    });

    it('takes 604 on a retry as its own bill when the bill lands between the lookup and the send', async () => {
      // The lookup finds nothing (the bill is not there yet); the send then meets it.
      await inject({ path: '/capillary/v1.1/transaction/get', kind: 'status', status: 200, times: 1, body: { response: { status: { success: 'false', code: 500 }, transactions: { transaction: { number: 'B-txrace', item_status: { success: 'false', code: '625', message: 'Transaction number does not exist.' } } } } } });
      await adapter().addTransaction(context('B-txrace', 1).ctx, sale());
      const retry = context('B-txrace', 2);
      const [applied] = await effects('transaction.add', 'B-txrace');
      await expect(adapter().addTransaction(retry.ctx, sale())).resolves.toEqual({ transactionId: applied.vendorReference, duplicate: true });
      expect(retry.records[1]).toMatchObject({ operation: 'transaction.add', outcome: 'success', recoveredBy: 'transaction.add: 604 duplicate bill' });
      // That re-send is visible as such (the saga invariants count it as a second send).
      expect((await effects('transaction.add', 'B-txrace')).map((e) => e.outcome)).toEqual(['applied', 'refused-duplicate']);
    });

    it('reads a 201 partial answer item by item', async () => {
      const partial = (item: object) =>
        inject({
          path: '/capillary/v1.1/transaction/add',
          kind: 'status',
          status: 200,
          body: { response: { status: { success: 'true', code: '201', message: 'Some requests have failed due to errors' }, transactions: { transaction: item } } },
          times: 1,
        });
      await partial({ id: '42', number: 'B-201', item_status: { success: 'true', code: '600', message: 'Transaction added successfully' } });
      await expect(adapter().addTransaction(context('B-201').ctx, sale())).resolves.toEqual({ transactionId: '42', duplicate: false });
      await partial({ number: 'B-201b', item_status: { success: 'false', code: 601, message: 'Transaction amount is invalid' } });
      expect(await failureOf(adapter().addTransaction(context('B-201b').ctx, sale()))).toEqual(rejection('601'));
    });
  });

  describe('returnTransaction', () => {
    const returned = (returnType: 'FULL' | 'AMOUNT' | 'LINE_ITEM', amountMinor: number) => ({
      originalBillNumber: 'B-orig',
      originalBillingTime: '2026-11-21T10:00:00Z',
      billingTime: '2026-11-22T10:00:00Z',
      returnType,
      amountMinor,
      customer: phone,
    });
    beforeEach(() => adapter().addTransaction(context('B-orig').ctx, sale()));

    it('returns a whole bill (FULL)', async () => {
      const result = await adapter().returnTransaction(context('B-ret').ctx, returned('FULL', 90_000));
      expect(result).toEqual({ transactionId: expect.stringMatching(/^\d+$/), alreadyReturned: false });
      expect(await effects('transaction.return', 'B-ret')).toHaveLength(1);
    });

    it('treats 633 (whole bill already returned) as done', async () => {
      await adapter().returnTransaction(context('B-ret2').ctx, returned('FULL', 90_000));
      await expect(adapter().returnTransaction(context('B-ret3').ctx, returned('FULL', 90_000))).resolves.toEqual({ transactionId: null, alreadyReturned: true });
      expect(await effects('transaction.return')).toHaveLength(1);
    });

    it('returns part of a bill by AMOUNT, treats 634 after the rest as done, and rejects more than is left (630)', async () => {
      await adapter().returnTransaction(context('B-amt1').ctx, returned('AMOUNT', 40_000));
      expect(await failureOf(adapter().returnTransaction(context('B-amt2').ctx, returned('AMOUNT', 60_000)))).toEqual(rejection('630'));
      await adapter().returnTransaction(context('B-amt3').ctx, returned('AMOUNT', 50_000));
      await expect(adapter().returnTransaction(context('B-amt4').ctx, returned('AMOUNT', 10_000))).resolves.toEqual({ transactionId: null, alreadyReturned: true });
      expect(await effects('transaction.return')).toHaveLength(2);
    });

    it('returns line items (LINE_ITEM)', async () => {
      const lines = [{ sku: 'skuattr9', quantity: 1, totalMinor: 45_000, netMinor: 45_000, vatMinor: 0 }];
      await expect(adapter().returnTransaction(context('B-li').ctx, { ...returned('LINE_ITEM', 45_000), lines })).resolves.toMatchObject({ alreadyReturned: false });
    });

    it('reports a 503 as VendorUnavailable and returns once on the next attempt', async () => {
      await failOnce('/v1.1/transaction/add');
      expect(await failureOf(adapter().returnTransaction(context('B-ret503', 1).ctx, returned('AMOUNT', 10_000)))).toEqual(unavailable);
      await adapter().returnTransaction(context('B-ret503', 2).ctx, returned('AMOUNT', 10_000));
      expect(await effects('transaction.return', 'B-ret503')).toHaveLength(1);
    });

    it('finds its own partial return after a lost reply instead of returning twice', async () => {
      await loseReplyOf('/v1.1/transaction/add');
      expect(await failureOf(adapter({ timeoutMs: 300 }).returnTransaction(context('B-retlost', 1).ctx, returned('AMOUNT', 10_000)))).toEqual(unavailable);
      const retry = context('B-retlost', 2);
      const result = await adapter().returnTransaction(retry.ctx, returned('AMOUNT', 10_000));
      const [applied] = await effects('transaction.return', 'B-retlost');
      expect(result).toEqual({ transactionId: applied.vendorReference, alreadyReturned: false });
      expect(recordedCalls(retry.records)).toEqual(['transaction.get', 'transaction.return (recovered)']);
      expect(await effects('transaction.return', 'B-retlost')).toHaveLength(1);
    });

    it('treats 637 (points could not be reverted yet) as retryable', async () => {
      await inject({
        path: '/capillary/v1.1/transaction/add',
        kind: 'status',
        status: 200,
        body: { response: { status: { success: 'false', code: 500 }, transactions: { transaction: [{ item_status: { success: 'false', code: '637', message: 'Try again later' } }] } } },
        times: 1,
      });
      expect(await failureOf(adapter().returnTransaction(context('B-637').ctx, returned('FULL', 90_000)))).toEqual(unavailable);
    });
  });

  describe('OAuth token', () => {
    it('reuses one token across calls', async () => {
      const vendor = adapter();
      await vendor.findCustomer(context('B-t1').ctx, phone);
      await vendor.checkPoints(context('B-t1').ctx, tom, 100);
      expect(tokenRequests).toHaveLength(1);
    });

    it('renews the token before its ttl ends', async () => {
      await orgConfig({ tokenTtlSeconds: 1 });
      const vendor = adapter();
      await vendor.findCustomer(context('B-t2').ctx, phone);
      await new Promise((resolve) => setTimeout(resolve, 850));
      await vendor.findCustomer(context('B-t2').ctx, phone);
      expect(tokenRequests).toHaveLength(2);
    });

    it('renews a token Capillary no longer accepts and repeats the call once', async () => {
      const vendor = adapter();
      await vendor.findCustomer(context('B-t3').ctx, phone);
      await request(sandbox.url).post('/capillary/_sandbox/expire-tokens').expect(200);
      const { ctx, records } = context('B-t3');
      await expect(vendor.findCustomer(ctx, phone)).resolves.toMatchObject({ pointsBalance: 1000 });
      expect(records.map((r) => [r.outcome, r.errorCode ?? null])).toEqual([
        ['rejected', '401'],
        ['success', null],
      ]);
    });

    it('refuses a wrong OAuth secret', async () => {
      expect(await failureOf(adapter({ oauthSecret: 'wrong' }).findCustomer(context('B-t4').ctx, phone))).toEqual(rejection('401'));
    });

    it('reports an unreachable Capillary as retryable VendorUnavailable', async () => {
      expect(await failureOf(adapter({ baseUrl: 'http://127.0.0.1:9/capillary' }).findCustomer(context('B-t5').ctx, phone))).toEqual(unavailable);
    });
  });
});
