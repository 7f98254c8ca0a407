import type { CapillaryCall, CapillaryClient } from '../../activities/vendors/capillary-client';
import { CapillaryCoupons } from '../../activities/vendors/capillary-coupons';
import { CapillaryCustomers } from '../../activities/vendors/capillary-customers';
import { CapillaryPoints } from '../../activities/vendors/capillary-points';
import type { CallFacts, VendorCallContext, VendorCallRecord } from '../../activities/vendors/vendor-call';
import { intentSeenFrom } from '../support/vendor-calls';
import type { VendorResponse } from '../../activities/vendors/vendor-http';

/**
 * The Capillary parts read answers the way the sandbox tests cannot easily force: the XML-born forms
 * of the redemption history (one row as an object, several as a list) and isredeemable answers without
 * a verdict or with a "try later" one. The client is replaced by canned answers, one per path.
 */
const ok = { success: 'true', code: '200', message: 'SUCCESS' };
const tom = { type: 'phone' as const, value: '+91 99999 99999' };

/** Answers of one path in turn, the last one again once they run out. */
class InTurn {
  constructor(private readonly answers: unknown[]) {}
  next(): unknown {
    return this.answers.length > 1 ? this.answers.shift() : this.answers[0];
  }
}

function cannedClient(answers: Record<string, unknown>) {
  const calls: CapillaryCall[] = [];
  const client = {
    call<B>(_ctx: VendorCallContext, call: CapillaryCall, interpret: (res: VendorResponse<B>) => CallFacts): Promise<VendorResponse<B>> {
      calls.push(call);
      const answer = answers[call.path];
      const res = { status: 200, body: (answer instanceof InTurn ? answer.next() : answer) as B, latencyMs: 0 };
      interpret(res);
      return Promise.resolve(res);
    },
  };
  return { client: client as unknown as CapillaryClient, calls };
}

function parts(answers: Record<string, unknown>) {
  const { client, calls } = cannedClient(answers);
  const customers = new CapillaryCustomers(client);
  return { calls, points: new CapillaryPoints(client, customers), coupons: new CapillaryCoupons(client, customers) };
}

const context = (reference: string, attempt = 1): VendorCallContext => ({
  reference,
  store: 'S1',
  till: 'T1',
  attempt,
  currency: 'INR',
  recorder: { record: () => Promise.resolve() },
  effectMayHaveBeenSent: intentSeenFrom(attempt),
});

const history = (redemptions: unknown) => ({ response: { status: ok, customer: { mobile: '919999999999', redemptions } } });

describe('Capillary redemption history', () => {
  it('sums the reversals of one points redemption, from a list of rows', async () => {
    const { points, calls } = parts({
      '/v1.1/customer/redemptions': history({
        points: {
          point: [
            { id: '11', points_redeemed: '100', transaction_number: 'B-1', reversals: [{ points_reversed: '30' }, { points_reversed: 20 }] },
            { id: '12', points_redeemed: '50', transaction_number: 'B-2', reversals: [{ points_reversed: '50' }] },
          ],
        },
      }),
    });
    await expect(points.pointsReversed(context('B-1:return:R1'), { identifier: tom }, '11')).resolves.toBe(50);
    expect(calls).toEqual([
      { operation: 'customer.redemptions.points', method: 'GET', path: '/v1.1/customer/redemptions', query: { type: 'points', mobile: '919999999999' } },
    ]);
  });

  it('finds the redemption on this bill when the history holds one row as an object', async () => {
    const { points } = parts({
      '/v1.1/customer/redemptions': history({ points: { point: { id: '11', points_redeemed: '100', transaction_number: 'B-1' } } }),
      '/v1.1/points/isredeemable': { response: { status: ok, points: { redeemable: { is_redeemable: 'true', points_redeem_value: '1', item_status: { success: 'true', code: '800', message: '' } } } } },
    });
    await expect(points.findRedemption(context('B-1'), { identifier: tom }, 100)).resolves.toEqual({ redemptionId: '11', points: 100, valueMinor: 100 });
    await expect(points.findRedemption(context('B-2'), { identifier: tom }, 100)).resolves.toBeUndefined();
  });

  const alreadyRedeemed = { response: { status: ok, coupons: { coupon: { code: 'SAVE10', item_status: { success: 'false', code: '711', message: 'redeemed' } } } } };
  const couponHistory = (...rows: Array<{ id: string; transaction_number: string }>) => history({ coupons: { coupon: rows.map((r) => ({ code: 'save10', ...r })) } });

  it('a retried coupon redeem finds the redemption on this bill in the history and sends nothing', async () => {
    const { coupons, calls } = parts({
      '/v1.1/coupon/redeem': alreadyRedeemed,
      '/v1.1/customer/redemptions': couponHistory({ id: '77', transaction_number: 'B-other' }, { id: '78', transaction_number: 'B-1' }),
    });
    const records: VendorCallRecord[] = [];
    await expect(coupons.redeem({ ...context('B-1:SAVE10', 2), recorder: { record: async (r) => void records.push(r) } }, 'SAVE10', { billAmountMinor: 1000, customer: tom })).resolves.toEqual({
      code: 'SAVE10',
      redemptionId: '78',
      compensable: true,
    });
    expect(calls.map((c) => c.operation)).toEqual(['customer.redemptions.coupons']);
    expect(records).toEqual([expect.objectContaining({ operation: 'coupon.redeem', outcome: 'success', vendorReference: '78', recoveredBy: 'customer.redemptions.coupons' })]);
  });

  it('a retry not in the history sends; "already redeemed" then is ours only once the history shows it on this bill (the earlier send landed in between)', async () => {
    const { coupons, calls } = parts({
      '/v1.1/coupon/redeem': alreadyRedeemed,
      '/v1.1/customer/redemptions': new InTurn([couponHistory({ id: '77', transaction_number: 'B-other' }), couponHistory({ id: '77', transaction_number: 'B-other' }, { id: '79', transaction_number: 'B-1' })]),
    });
    await expect(coupons.redeem(context('B-1:SAVE10', 2), 'SAVE10', { billAmountMinor: 1000, customer: tom })).resolves.toEqual({ code: 'SAVE10', redemptionId: '79', compensable: true });
    expect(calls.map((c) => c.operation)).toEqual(['customer.redemptions.coupons', 'coupon.redeem', 'customer.redemptions.coupons']);
  });

  it('"already redeemed" on a first send is a refusal, with no history lookup', async () => {
    const { coupons, calls } = parts({ '/v1.1/coupon/redeem': alreadyRedeemed, '/v1.1/customer/redemptions': couponHistory({ id: '78', transaction_number: 'B-1' }) });
    await expect(coupons.redeem(context('B-1:SAVE10', 1), 'SAVE10', { billAmountMinor: 1000, customer: tom })).rejects.toMatchObject({ nonRetryable: true, details: [expect.objectContaining({ code: '711' })] });
    expect(calls.map((c) => c.operation)).toEqual(['coupon.redeem']);
  });
});

describe('Capillary isredeemable verdicts', () => {
  const itemAnswer = (kind: 'coupons' | 'points', code: string) => ({
    response: { status: ok, [kind]: { redeemable: { is_redeemable: 'false', item_status: { success: 'false', code, message: 'vendor says' } } } },
  });

  it('reports a refusal as data', async () => {
    const { points, coupons } = parts({ '/v1.1/points/isredeemable': itemAnswer('points', '803'), '/v1.1/coupon/isredeemable': itemAnswer('coupons', '712') });
    await expect(points.checkPoints(context('B-1'), { identifier: tom }, 100)).resolves.toEqual({
      redeemable: false,
      points: 100,
      valueMinor: 0,
      refusal: { code: '803', reason: 'Not enough points for this redemption' },
    });
    await expect(coupons.lookUp(context('B-1:X'), 'X', tom)).resolves.toEqual({ code: 'X', redeemable: false, refusal: { code: '712', reason: 'Coupon has expired' } });
  });

  const checks = {
    points: (answer: unknown) => parts({ '/v1.1/points/isredeemable': answer }).points.checkPoints(context('B-1'), { identifier: tom }, 100),
    coupons: (answer: unknown) => parts({ '/v1.1/coupon/isredeemable': answer }).coupons.lookUp(context('B-1:X'), 'X', tom),
  };

  it.each([
    ['points', itemAnswer('points', '815'), 'points.isredeemable: 815 vendor says'],
    ['coupons', itemAnswer('coupons', '786'), 'coupon.isredeemable: 786 vendor says'],
    ['points', { response: { status: ok } }, 'points.isredeemable: answer without points.redeemable'],
    ['coupons', { response: { status: ok } }, 'coupon.isredeemable: answer without coupons.redeemable'],
  ] as const)('throws a %s "try later" or a missing verdict as retryable', async (kind, answer, message) => {
    await expect(checks[kind](answer)).rejects.toMatchObject({ nonRetryable: false, message: `capillary unavailable: ${message}` });
  });
});
