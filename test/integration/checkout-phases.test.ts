import request from 'supertest';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { CAPILLARY_SANDBOX_COUPONS } from '../../src/sandbox/capillary.sandbox';
import { oneShotCheckoutBody, referenceCheckoutBody } from '../support/checkout-requests';
import { checkoutReference } from '../../workflows/checkout.contract';
import { checkoutEffects, injectFault, journalOf, REFERENCE_COMMITTED_THEN_UNDONE } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * The checkout saga's paths through the API, against the real dev server, Postgres and every
 * vendor's sandbox over HTTP. The sandbox journal is the vendors' side of the story: each effect
 * must be there once, and each undo once.
 */
describe('checkout phases (reserve, commit, complete, cancel)', () => {
  // custom3: where the Coupontools account keeps a coupon's value when the value field is empty.
  const stack = testStackForFile({ CHECKOUT_HOLD_TIMEOUT_MS: '60000', COUPONTOOLS_VALUE_CUSTOM_FIELD: 'custom3' }, { resetSandbox: true });

  const api = () => stack.api();
  const effects = (posReference: string) => checkoutEffects(stack.sandboxUrl, posReference);

  it('quotes, commits with the vendors\' approved amounts, and completes with the receipt; every effect once', async () => {
    const posReference = uniquePosReference();
    const body = await referenceCheckoutBody(stack.sandboxUrl, posReference);
    const coupon = (body.coupons as Array<{ code: string }>)[0].code;

    const reserved = await api().post('/v1/checkouts').send(body).expect(201);
    const id = reserved.body.checkoutId as string;
    expect(reserved.body).toMatchObject({
      state: 'reserved',
      quote: {
        total: '70.00',
        loyalty: { walletBalance: '10.00', requestedSpend: '5.00' },
        points: { points: 100, value: '1.00', accepted: true },
        coupons: [{ provider: 'coupontools', code: coupon, accepted: true, value: '5.00' }],
      },
    });
    expect(await effects(posReference)).toEqual({ 'coupontools:coupon.lock': 1 });

    const committed = await api().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);
    expect(committed.body).toMatchObject({ state: 'committed', commitment: { discounts: { spend: '5.00', points: '1.00', coupons: '5.00' } } });
    const amountDue = committed.body.commitment.amountDue as string;
    expect(amountDue).toBe('59.00');

    const completed = await api().post(`/v1/checkouts/${id}/complete`).send({ tender: { paid: amountDue, method: 'card' } }).expect(200);
    expect(completed.body).toMatchObject({
      state: 'completed',
      receipt: {
        total: '70.00',
        amountDue: '59.00',
        paid: '59.00',
        paymentMethod: 'card',
        awarded: '0.70',
        spent: '5.00',
        walletBalanceBefore: '10.00',
        walletBalanceAfter: '5.70',
        pointsRedeemed: 100,
        pointsValue: '1.00',
        coupons: [{ provider: 'coupontools', code: coupon, value: '5.00' }],
        postTender: { qrCodeLinkUrl: expect.stringContaining('https://') },
        references: {
          crmcomPurchaseNumber: expect.any(String),
          crmcomSpendNumber: expect.any(String),
          pointsRedemptionId: expect.any(String),
          capillaryTransactionId: expect.any(String),
          cmcTransactionId: expect.any(String),
        },
        exceptions: [],
      },
    });
    expect(await effects(posReference)).toEqual({
      'crmcom:purchase.create': 1,
      'crmcom:spend.create': 1,
      'capillary:points.redeem': 1,
      'capillary:transaction.add': 1,
      'coupontools:coupon.lock': 1,
      'coupontools:coupon.validate': 1,
      'cmc:posttender.transaction': 1,
    });

    const audit = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: id }, order: { id: 'ASC' } });
    expect(audit.filter((r) => r.kind === 'transition').map((r) => r.outcome)).toEqual(['reserved', 'committed', 'completed']);
    expect(audit.filter((r) => r.kind === 'vendor_call').every((r) => r.outcome === 'success')).toBe(true);
    const keys = audit.map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(JSON.stringify(audit)).not.toContain('919999999999');
  });

  it('cancels a committed checkout by undoing every effect exactly once, newest first', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    const id = reserved.body.checkoutId as string;
    await api().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);
    const cancelled = await api().post(`/v1/checkouts/${id}/cancel`).send().expect(200);

    expect(cancelled.body.state).toBe('cancelled');
    // The purchase (with its spend) and the coupon hold; the points were never redeemed (after payment only).
    expect(cancelled.body.compensations.map((c: { outcome: string }) => c.outcome)).toEqual(['done', 'done']);
    expect(await effects(posReference)).toEqual(REFERENCE_COMMITTED_THEN_UNDONE);
    // Newest first, in the vendors' own journal: the commit's effects are undone before the coupon
    // locked at reserve is released, and CRM.COM's spend before the purchase it was made on.
    const order = (await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }))).map(
      (e) => `${e.vendor}:${e.effect}`,
    );
    expect(order.at(-1)).toBe('coupontools:coupon.unlock');
    expect(order.indexOf('crmcom:spend.cancel')).toBeLessThan(order.indexOf('crmcom:purchase.cancel'));
    // A POS retry of the cancel answers the same and undoes nothing again; completing is refused.
    await api().post(`/v1/checkouts/${id}/cancel`).send().expect(200);
    await api().post(`/v1/checkouts/${id}/complete`).send({}).expect(409);
    expect(Object.values(await effects(posReference)).every((n) => n === 1)).toBe(true);
  });

  // Capillary points redeemed at commit (an org configured for it): checkout-capillary-before-payment.test.ts.
  it.each([
    ['CRM.COM purchase', '/crmcom/crmapi/rest/v2/customer_events/purchases/create'],
  ])('compensates everything when the %s keeps failing at commit', async (_name, path) => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    await injectFault(stack.sandboxUrl, { path, kind: 'status', status: 503 });
    const res = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(502);

    expect(res.body).toMatchObject({ state: 'compensated', failureReason: expect.stringContaining('commit failed') });
    // A POS retry gets the same answer.
    const again = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(502);
    expect(again.body).toEqual(res.body);
    const counts = await effects(posReference);
    // Whatever was applied was undone once; the coupon hold was released once.
    expect(counts['coupontools:coupon.unlock']).toBe(1);
    expect(counts['crmcom:purchase.create'] ?? 0).toBe(counts['crmcom:purchase.cancel'] ?? 0);
    expect(counts['crmcom:spend.create'] ?? 0).toBe(counts['crmcom:spend.cancel'] ?? 0);
    expect(counts['capillary:points.redeem'] ?? 0).toBe(counts['capillary:points.reverse'] ?? 0);
    expect(Object.values(counts).every((n) => n <= 1)).toBe(true);
  }, 90_000);

  it('resolves a purchase whose reply was lost by lookup, and posts it only once', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    await injectFault(stack.sandboxUrl, {
      path: '/crmcom/crmapi/rest/v2/customer_events/purchases/create',
      kind: 'apply_then_timeout',
      latencyMs: 5000,
      times: 1,
    });
    await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(200);
    const completed = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/complete`).send({}).expect(200);

    expect(completed.body.state).toBe('completed');
    expect((await effects(posReference))['crmcom:purchase.create']).toBe(1);
  });

  it.each([
    ['CMC transaction', '/cmc/pos/checkout-saga/transaction', 'cmc:posttender.transaction'],
    ['Capillary transaction add', '/capillary/v1.1/transaction/add', 'capillary:transaction.add'],
    ['Coupontools validate', '/coupontools/v3/couponsession/update', 'coupontools:coupon.validate'],
  ])('retries the %s forward after payment and completes with one effect', async (_name, path, effect) => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(200);
    await injectFault(stack.sandboxUrl, { path, kind: 'status', status: 503, times: 2 });
    const completed = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/complete`).send({}).expect(200);

    expect(completed.body).toMatchObject({ state: 'completed', receipt: { exceptions: [] } });
    expect((await effects(posReference))[effect]).toBe(1);
  });

  it('records a coupon Coupontools refuses after payment as an exception, and the sale stands', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(200);
    await injectFault(stack.sandboxUrl, {
      path: '/coupontools/v3/couponsession/update',
      kind: 'status',
      status: 200,
      body: { status: { status: 'ERROR', code: 514, message: 'Coupon session already validated' } },
      times: 1,
    });
    const completed = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/complete`).send({}).expect(200);

    expect(completed.body.state).toBe('completed');
    expect(completed.body.receipt.exceptions).toEqual([expect.objectContaining({ vendor: 'coupontools', code: '514' })]);
  });

  it('answers a repeated commit with its first answer, and refuses a commit with another spend (409)', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    const id = reserved.body.checkoutId as string;
    const first = await api().post(`/v1/checkouts/${id}/commit`).send({ spend: { amount: '3.00' } }).expect(200);
    const again = await api().post(`/v1/checkouts/${id}/commit`).send({ spend: { amount: '3.00' } }).expect(200);
    const other = await api().post(`/v1/checkouts/${id}/commit`).send({ spend: { amount: '4.00' } }).expect(409);

    expect(again.body).toEqual(first.body);
    expect(first.body.commitment.discounts.spend).toBe('3.00');
    expect(other.body).toMatchObject({ type: '/problems/checkout-phase-conflict', status: 409 });
    expect((await effects(posReference))['crmcom:spend.create']).toBe(1);
    await api().post(`/v1/checkouts/${id}/cancel`).send().expect(200);
  });

  it('answers a cancel sent while the commit runs once the commit has ended: the commit stands answered, then is undone once', async () => {
    // The commit's steps are local activities of one workflow task (checkoutWorkflowV2): the cancel
    // reaches the saga when that task ends, as the next call, not as a busy refusal.
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    const id = reserved.body.checkoutId as string;
    await injectFault(stack.sandboxUrl, { path: '/crmcom/crmapi/rest/v2/customer_events/purchases/create', kind: 'latency', latencyMs: 1500, times: 1 });
    const commit = api().post(`/v1/checkouts/${id}/commit`).send({}).then((r) => r); // supertest sends on then()
    await new Promise((r) => setTimeout(r, 500));
    const cancelled = await api().post(`/v1/checkouts/${id}/cancel`).send();

    expect((await commit).status).toBe(200);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect((await effects(posReference))['crmcom:purchase.cancel']).toBe(1);
  });

  it('prints CRM.COM reclaim codes on the receipt of a sale without a CRM.COM customer, and only then', async () => {
    const posReference = uniquePosReference();
    const body = await referenceCheckoutBody(stack.sandboxUrl, posReference, { complete: true, spend: undefined });
    const anonymous = { ...body, customer: undefined };
    const res = await api().post('/v1/checkouts').send(anonymous).expect(201);

    expect(res.body.receipt.crmcomReclaim).toEqual({
      qr: `${posReference};M0001;S1;7000`,
      barcode: `M0001;${posReference};7000;S1`,
    });
    expect((await effects(posReference))['crmcom:purchase.create']).toBeUndefined();
    const identified = await api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference())).expect(201);
    expect(identified.body.receipt.crmcomReclaim).toBeUndefined();
  });

  it('bills a checkout whose key is too long for a bill number under a compact one (≤ 50, the org format), and voids that same bill', async () => {
    const posReference = uniquePosReference('LONG');
    // A real store (a row) with the longest id there is.
    await stack.dataSource.query(`INSERT INTO stores (merchant, store, time_zone) VALUES ('demo', $1, 'Asia/Nicosia') ON CONFLICT DO NOTHING`, [`S${'x'.repeat(39)}`]);
    const body = {
      // No CMC: its sandbox knows the terminals of store S1 only.
      ...(await referenceCheckoutBody(stack.sandboxUrl, posReference, { complete: true, postTender: undefined })),
      store: `S${'x'.repeat(39)}`,
      till: `T${'y'.repeat(39)}`,
    };
    const completed = await api().post('/v1/checkouts').send(body).expect(201);

    const bill = completed.body.receipt.references.capillaryBillNumber as string;
    expect(completed.body.receipt.exceptions).toEqual([]);
    expect(bill.length).toBeLessThanOrEqual(50);
    expect(bill).toMatch(stack.config.capillaryBillNumberFormat);
    expect(bill).toMatch(new RegExp(`^${posReference}-[0-9A-Z]{16}$`));
    const capillary = await journalOf(stack.sandboxUrl, bill, 'capillary');
    expect(capillary.map((e) => `${e.effect} ${e.reference}`).sort()).toEqual([`points.redeem ${bill}`, `transaction.add ${bill}`]);
    // The void returns the bill the sale was billed under.
    await api().post(`/v1/checkouts/${completed.body.checkoutId as string}/void`).send().expect(200);
    expect((await journalOf(stack.sandboxUrl, bill, 'capillary')).filter((e) => e.effect === 'transaction.return').map((e) => e.reference)).toEqual([`${bill}:void`]);
  });

  it("discounts a coupon by its custom-field value and a Capillary percentage coupon by its share; a coupon without value is never locked, validated or redeemed", async () => {
    const posReference = uniquePosReference();
    const [custom, valueless] = [`cf${posReference.replace(/[^A-Za-z0-9]/g, '')}`, `nv${posReference.replace(/[^A-Za-z0-9]/g, '')}`];
    await request(stack.sandboxUrl).post('/_sandbox/coupontools/sessions').send({ code: custom, value: '', custom: { custom3: '7.50' } }).expect(201);
    await request(stack.sandboxUrl).post('/_sandbox/coupontools/sessions').send({ code: valueless, value: '' }).expect(201);
    const body = await referenceCheckoutBody(stack.sandboxUrl, posReference, {
      spend: undefined,
      coupons: [
        { provider: 'coupontools', code: custom },
        { provider: 'capillary', code: CAPILLARY_SANDBOX_COUPONS.percent },
        { provider: 'coupontools', code: valueless },
      ],
    });

    const reserved = await api().post('/v1/checkouts').send(body).expect(201);
    const id = reserved.body.checkoutId as string;
    expect(reserved.body.quote.coupons).toEqual([
      { provider: 'coupontools', code: custom, accepted: true, value: '7.50' },
      // 10 % of the 70.00 total.
      { provider: 'capillary', code: CAPILLARY_SANDBOX_COUPONS.percent, accepted: true, value: '7.00' },
      { provider: 'coupontools', code: valueless, accepted: false, refusal: expect.objectContaining({ code: 'NO_DISCOUNT_VALUE' }) },
    ]);
    const committed = await api().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);
    expect(committed.body.commitment.discounts.coupons).toBe('14.50');
    const completed = await api().post(`/v1/checkouts/${id}/complete`).send({}).expect(200);
    expect(completed.body.receipt.coupons.map((c: { code: string }) => c.code)).toEqual([custom, CAPILLARY_SANDBOX_COUPONS.percent]);
    expect(completed.body.receipt.exceptions).toEqual([]);

    const journal = await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }));
    const of = (code: string) => journal.filter((e) => e.vendorReference === code || e.reference.endsWith(`:${code}`)).map((e) => e.effect).sort();
    expect(of(custom)).toEqual(['coupon.lock', 'coupon.validate']);
    expect((await effects(posReference))['capillary:coupon.redeem']).toBe(1);
    expect(of(valueless)).toEqual([]);
    const session = await request(stack.sandboxUrl)
      .post('/coupontools/v3/couponsession/data')
      .set({ 'x-client-id': stack.config.COUPONTOOLS_CLIENT_ID, 'x-client-secret': stack.config.COUPONTOOLS_CLIENT_SECRET })
      .send({ couponsession: valueless });
    expect(session.body.data.status).toMatchObject({ locked: '0', validated: '0' });
  });
});
