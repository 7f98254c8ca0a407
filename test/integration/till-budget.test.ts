import { oneShotCheckoutBody, referenceCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { checkoutEffects, injectFault } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

const CRMCOM = '/crmcom/crmapi/rest/v2';
const BUDGET_MS = 2000;
/** How late past its budget an answer may come on a loaded CI machine: the HTTP round trip and scheduling, not a vendor's time. */
const SLACK_MS = 500;

/**
 * A till's time budget (issue 22) through the API, a real worker and Temporal, and the sandbox over
 * HTTP: a vendor that hangs or loses its reply is left out of the phase within the budget and named
 * `unavailable`, the sale goes on without it, and an effect of its that landed anyway is undone.
 * The stack's own budgets are long (test-stack.ts): each call here names its budget in the header.
 */
describe("a till's time budget: loyalty never blocks the sale", () => {
  // A short cool-down: after ops hand a forced-open circuit back, its probe comes soon.
  // VENDOR_TIMEOUT_MS: a call cut short may land up to this (+ 5 s) later; its undo waits that long.
  const stack = testStackForFile({ VENDOR_TIMEOUT_MS: '3000', VENDOR_BREAKER_COOLDOWN_MS: '1000' }, { resetSandbox: true });
  const pos = () => stack.api().set('Till-Budget-Ms', String(BUDGET_MS));
  // A warm worker, as a till meets it in production: the first checkout of a fresh worker pays for its
  // workflow bundle and vendor tokens, which a budget is not about.
  beforeAll(async () => {
    await stack.api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, uniquePosReference('TB-WARM'), { complete: true })).expect(201);
  }, 60_000);

  async function timed<T>(call: () => Promise<T>): Promise<{ answer: T; ms: number }> {
    const started = Date.now();
    const answer = await call();
    return { answer, ms: Date.now() - started };
  }

  it('Capillary hanging: the reserve answers within its budget without the points, and the sale completes without redeeming them', async () => {
    const ref = uniquePosReference('TB-CAP');
    await injectFault(stack.sandboxUrl, { path: '/capillary/v1.1/customer/get', kind: 'hang' });
    const { answer: reserved, ms } = await timed(async () => pos().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, ref)));
    expect(reserved.status).toBe(201);
    expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS);
    expect(reserved.body.quote.unavailable).toEqual(['capillary']);
    expect(reserved.body.quote.points).toMatchObject({ accepted: false, refusal: { vendor: 'capillary', code: 'VENDOR_UNAVAILABLE' } });
    // What answered is in the quote: CRM.COM's loyalty and the Coupontools coupon.
    expect(reserved.body.quote.loyalty).toMatchObject({ requestedSpend: '5.00' });
    expect(reserved.body.quote.coupons).toEqual([expect.objectContaining({ provider: 'coupontools', accepted: true })]);

    await fetch(`${stack.sandboxUrl}/_sandbox/faults`, { method: 'DELETE' });
    const id = reserved.body.checkoutId as string;
    const committed = await pos().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);
    expect(committed.body.commitment).toMatchObject({ discounts: { points: '0.00', spend: '5.00', coupons: '5.00' }, unavailable: ['capillary'] });
    const completed = await pos().post(`/v1/checkouts/${id}/complete`).send({}).expect(200);
    expect(completed.body.receipt).toMatchObject({ pointsRedeemed: 0, unavailable: ['capillary'] });
    const effects = await checkoutEffects(stack.sandboxUrl, ref);
    expect(effects['capillary:points.redeem']).toBeUndefined();
    expect(effects['crmcom:purchase.create']).toBe(1);
  }, 60_000);

  it('a vendor hanging in each round of the reserve (Capillary customer, then the CRM.COM preview): still one budget, both named', async () => {
    const ref = uniquePosReference('TB-TWO');
    await injectFault(stack.sandboxUrl, { path: '/capillary/v1.1/customer/get', kind: 'hang' });
    await injectFault(stack.sandboxUrl, { path: `${CRMCOM}/customer_events/purchases/preview`, kind: 'hang' });
    const body = await referenceCheckoutBody(stack.sandboxUrl, ref);
    const { answer: reserved, ms } = await timed(() => pos().post('/v1/checkouts').send(body));
    expect(reserved.status).toBe(201);
    expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS);
    expect(reserved.body.quote.unavailable).toEqual(['capillary', 'crmcom']);
    expect(reserved.body.quote.loyalty).toBeUndefined();
    expect(reserved.body.quote.coupons).toEqual([expect.objectContaining({ provider: 'coupontools', accepted: true })]);
  }, 60_000);

  it("a coupon hold whose reply is lost: left out within the budget, and the lock that landed is released", async () => {
    const ref = uniquePosReference('TB-CPN');
    const body = await referenceCheckoutBody(stack.sandboxUrl, ref, { complete: true, points: undefined, postTender: undefined });
    // The lock is applied at Coupontools, its reply held past the budget.
    await injectFault(stack.sandboxUrl, { path: '/coupontools/v3/couponsession/update', kind: 'apply_then_timeout', latencyMs: 20_000, times: 1 });
    const { answer: done, ms } = await timed(() => stack.api().set('Till-Budget-Ms', '3000').post('/v1/checkouts').send(body));
    expect(done.status).toBe(201);
    expect(ms).toBeLessThan(3000 + SLACK_MS);
    expect(done.body.state).toBe('completed');
    expect(done.body.quote).toMatchObject({ unavailable: ['coupontools'], coupons: [expect.objectContaining({ accepted: false, refusal: expect.objectContaining({ code: 'VENDOR_UNAVAILABLE' }) })] });
    expect(done.body.receipt).toMatchObject({ coupons: [], unavailable: ['coupontools'] });
    // The late lock is undone, never validated: the coupon is not left locked.
    // Released once the lock, sent before the deadline, can no longer land unseen (VENDOR_TIMEOUT_MS + 5 s).
    const effects = await eventually(() => checkoutEffects(stack.sandboxUrl, ref), (e) => e['coupontools:coupon.unlock'] !== undefined, { timeoutMs: 30_000 });
    expect(effects).toMatchObject({ 'coupontools:coupon.lock': 1, 'coupontools:coupon.unlock': 1, 'crmcom:purchase.create': 1 });
    expect(effects['coupontools:coupon.validate']).toBeUndefined();
  }, 60_000);

  it('CRM.COM hanging at commit: left out within the budget, no purchase or spend posted, the receipt carries the reclaim codes', async () => {
    const ref = uniquePosReference('TB-CRM');
    const reserved = await pos().post('/v1/checkouts').send(oneShotCheckoutBody(ref, { complete: false, spend: { amount: '5.00' } })).expect(201);
    expect(reserved.body.quote.unavailable).toBeUndefined();
    await injectFault(stack.sandboxUrl, { path: `${CRMCOM}/customer_events/purchases/create`, kind: 'hang' });
    const id = reserved.body.checkoutId as string;
    const { answer: committed, ms } = await timed(() => pos().post(`/v1/checkouts/${id}/commit`).send({}));
    expect(committed.status).toBe(200);
    expect(ms).toBeLessThan(BUDGET_MS + SLACK_MS);
    expect(committed.body.commitment).toMatchObject({ discounts: { spend: '0.00' }, amountDue: '10.00', unavailable: ['crmcom'] });
    expect(committed.body.commitment.refusals).toContainEqual(expect.objectContaining({ vendor: 'crmcom', code: 'VENDOR_UNAVAILABLE' }));
    const completed = await pos().post(`/v1/checkouts/${id}/complete`).send({}).expect(200);
    expect(completed.body.receipt).toMatchObject({ awarded: '0.00', spent: '0.00', unavailable: ['crmcom'], crmcomReclaim: { qr: expect.any(String), barcode: expect.any(String) } });
    // The void of the cut-short purchase looked it up first and found none: nothing posted, nothing to undo.
    const effects = await checkoutEffects(stack.sandboxUrl, ref);
    expect(effects['crmcom:purchase.create']).toBeUndefined();
    expect(effects['crmcom:spend.create']).toBeUndefined();
  }, 60_000);

  it("Capillary's circuit forced open by ops: the reserve answers at once without it, nothing sent to Capillary; back to auto, it is used again", async () => {
    const ops = () => stack.api(stack.keys.ops);
    const capillaryForced = (forced: string | null) =>
      eventually(
        async () => ((await ops().get('/v1/ops/vendors/circuits').expect(200)).body.vendors as Array<{ vendor: string; state: string; workers: Array<{ forced: string | null }> }>).find((v) => v.vendor === 'capillary'),
        // Handed back, it stays open until its cool-down ends; then a probe decides.
        (v) => v?.workers[0]?.forced === forced && (forced !== null || v.state !== 'open'),
        { timeoutMs: 10_000, intervalMs: 100 },
      );
    await ops().post('/v1/ops/vendors/capillary/circuit').send({ force: 'open' }).expect(200);
    await capillaryForced('open');
    try {
      const ref = uniquePosReference('TB-OPEN');
      const body = await referenceCheckoutBody(stack.sandboxUrl, ref);
      const { answer: reserved, ms } = await timed(() => pos().post('/v1/checkouts').send(body));
      expect(reserved.status).toBe(201);
      // At once: no Capillary step waited for its share of the budget.
      expect(ms).toBeLessThan(BUDGET_MS / 2);
      expect(reserved.body.quote).toMatchObject({ unavailable: ['capillary'], points: { accepted: false, refusal: { code: 'VENDOR_UNAVAILABLE' } } });
    } finally {
      await ops().post('/v1/ops/vendors/capillary/circuit').send({ force: 'auto' }).expect(200);
      await capillaryForced(null);
    }
    const again = await pos().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, uniquePosReference('TB-AUTO'))).expect(201);
    expect(again.body.quote.unavailable).toBeUndefined();
    expect(again.body.quote.points).toMatchObject({ accepted: true });
  }, 60_000);

  it('a Till-Budget-Ms that is not a number of milliseconds in range is a 400 naming the header, and starts nothing', async () => {
    const ref = uniquePosReference('TB-BAD');
    const res = await stack.api().set('Till-Budget-Ms', 'soon').post('/v1/checkouts').send(oneShotCheckoutBody(ref)).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'header Till-Budget-Ms' })]);
    await stack.api().set('Till-Budget-Ms', '10').post('/v1/checkouts').send(oneShotCheckoutBody(ref)).expect(400);
    expect(await checkoutEffects(stack.sandboxUrl, ref)).toEqual({});
  }, 30_000);
});
