import request from 'supertest';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { injectFault, journalOf } from '../support/journal';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { checkInvariants } from './invariants';
import { callApi, useApiKey } from './support/chaos-http';
import { chaosProfile } from './support/chaos-profile';
import { printScenarioSummary } from './support/chaos-summary';
import { sleep } from './support/pos-client';

/**
 * Scenario 3: Capillary answers 503 to every call from the commit on. The commit's points
 * redemption retries a bounded number of times (5), then every effect already applied is undone
 * newest first. Capillary's own undo (points reverse) must ask Capillary whether anything was
 * redeemed, so it retries with backoff (~35 s): a vendor back within that window ends the checkout
 * `compensated`; one that never comes back ends it `compensation_failed`, named, for ops.
 */
// Points are redeemed at commit only for an org configured for it (CAPILLARY_POINTS_REDEMPTION=
// before_payment, with Allow_points_redemption_reversal); by default Capillary is called after payment.
describe('chaos 3: a vendor answering 5xx to every call', () => {
  const profile = chaosProfile();
  let stack: TestStack;

  beforeAll(async () => {
    // Bounded retries, then the saga unwinds: the case this scenario is about. With Capillary's circuit
    // breaker in play (off in the test stack) an open circuit would leave Capillary out of the sale under
    // the till's deadline instead (test/integration/till-budget.test.ts, vendor-circuits.test.ts).
    stack = await startTestStack({ CHECKOUT_ANSWER_TIMEOUT_MS: '120000', CAPILLARY_POINTS_REDEMPTION: 'before_payment', CAPILLARY_POINTS_REVERSAL_ALLOWED: 'true' });
    useApiKey(stack.keys.admin);
  });
  afterAll(() => stack?.stop());

  /** Reserves `n` reference checkouts (every vendor), then makes Capillary answer 503 to everything. */
  async function reserveThenBreakCapillary(n: number): Promise<{ refs: string[]; ids: string[] }> {
    await request(stack.sandboxUrl).post('/_sandbox/reset').expect(200);
    await request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send({ allowPointsRedemptionReversal: true }).expect(200);
    const refs = Array.from({ length: n }, () => uniquePosReference('C3'));
    const ids: string[] = [];
    for (const ref of refs) {
      const reserved = await callApi(stack.apiUrl, 'POST', '/v1/checkouts', await referenceCheckoutBody(stack.sandboxUrl, ref));
      expect(reserved.status).toBe(201);
      ids.push(reserved.body.checkoutId);
    }
    await injectFault(stack.sandboxUrl, { path: '/capillary/*', kind: 'status', status: 503 });
    return { refs, ids };
  }

  const commitAll = (ids: string[]) => Promise.all(ids.map((id) => callApi(stack.apiUrl, 'POST', `/v1/checkouts/${encodeURIComponent(id)}/commit`, {})));

  async function maxAttempts(ids: string[], step: string): Promise<number> {
    const [row] = await stack.dataSource.query<Array<{ n: number }>>(
      `SELECT max(attempt) AS n FROM audit_events WHERE checkout_id = ANY($1) AND vendor = 'capillary' AND step = $2`,
      [ids, step],
    );
    return Number(row.n);
  }

  it('retries the step a bounded number of times, then compensates newest first: every checkout compensated', async () => {
    const { refs, ids } = await reserveThenBreakCapillary(profile.faultCheckouts);
    const started = Date.now();
    const commits = commitAll(ids);
    // Capillary is back after 15 s: past the commit's retries, inside the undo's.
    await sleep(15_000);
    await request(stack.sandboxUrl).delete('/_sandbox/faults').expect(200);
    const answers = await commits;
    const commitSeconds = (Date.now() - started) / 1000;

    const report = await checkInvariants({ ...stack, posReferences: refs });
    const redeemAttempts = await maxAttempts(ids, 'points redeem');
    printScenarioSummary('3 vendor-5xx', report, {
      vendor_down_s: 15,
      answer_s: commitSeconds.toFixed(1),
      redeem_attempts: redeemAttempts,
      reverse_attempts: await maxAttempts(ids, 'points reverse'),
      '5xx_other_than_502': answers.filter((a) => a.status >= 500 && a.status !== 502).length,
    });

    expect(report.violations).toEqual([]);
    expect(answers.map((c) => c.status)).toEqual(ids.map(() => 502));
    expect(report.counts.compensated).toBe(refs.length);
    expect(redeemAttempts).toBe(5); // the commit's retry policy: 5 attempts, then the saga unwinds
    for (const ref of refs) {
      const seq = Object.fromEntries(
        (await journalOf(stack.sandboxUrl, `demo:S1:T1:${ref}`)).map((e) => [`${e.vendor}:${e.effect}`, (e as unknown as { seq: number }).seq]),
      );
      expect(seq['capillary:points.redeem']).toBeUndefined();
      // Newest first: CRM.COM's spend (when the wallet allowed one) is cancelled before its
      // purchase, and both before the coupon locked at reserve is released.
      if (seq['crmcom:spend.cancel']) expect(seq['crmcom:purchase.cancel']).toBeGreaterThan(seq['crmcom:spend.cancel']);
      expect(seq['coupontools:coupon.unlock']).toBeGreaterThan(seq['crmcom:purchase.cancel']);
      expect(seq['crmcom:purchase.cancel']).toBeGreaterThan(seq['coupontools:coupon.lock']);
    }
  }, 300_000);

  it('ends compensation_failed, naming the undo, when the vendor never comes back; every other effect undone', async () => {
    const { refs, ids } = await reserveThenBreakCapillary(1);
    const [answer] = await commitAll(ids);
    const report = await checkInvariants({ ...stack, posReferences: refs });
    await request(stack.sandboxUrl).delete('/_sandbox/faults').expect(200);
    printScenarioSummary('3 vendor-5xx-permanent', report, { reverse_attempts: await maxAttempts(ids, 'points reverse') });

    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ state: 'compensation_failed', failureReason: expect.stringContaining('points') });
    const effects = report.effects[refs[0]];
    expect(effects['crmcom:purchase.cancel']).toBe(1);
    expect(effects['coupontools:coupon.unlock']).toBe(1);
    expect(report.violations).toEqual([]);
  }, 300_000);
});
