import request from 'supertest';
import { CAPILLARY_SANDBOX_COUPONS, CAPILLARY_SANDBOX_CUSTOMER } from '../../src/sandbox/capillary-sandbox-org';
import { checkoutReference } from '../../workflows/checkout.contract';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Capillary validation codes (OTPs) on an org that requires them (CAPILLARY_VALIDATION_REQUIRED=true,
 * sandbox org `validationRequired`), through the API against the sandbox over HTTP: the till asks for
 * a code (POST /v1/capillary/validation-codes), the customer reads it from the SMS (the sandbox's
 * admin route stands in for the phone), and the checkout carries it in points.validationCode and
 * coupons[].validationCode. vendors.md §2: "808 invalid validation code, 824 mobile validation mandatory".
 */
describe('Capillary validation codes on an org that requires them', () => {
  const stack = testStackForFile({ CAPILLARY_VALIDATION_REQUIRED: 'true' }, { resetSandbox: true });
  const api = () => stack.api();
  const phone = { type: 'phone', value: CAPILLARY_SANDBOX_CUSTOMER.mobile };

  beforeEach(async () => {
    await request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send({ validationRequired: true }).expect(200);
  });

  const smsCode = async () => (await request(stack.sandboxUrl).get('/capillary/_sandbox/validation-codes').query({ mobile: CAPILLARY_SANDBOX_CUSTOMER.mobile }).expect(200)).body.code as string;
  const capillaryEffects = async (posReference: string) =>
    (await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), 'capillary')).map((e) => e.effect);
  const pointsSale = (posReference: string, validationCode?: string) =>
    oneShotCheckoutBody(posReference, {
      customer: undefined,
      points: { provider: 'capillary', points: 100, identifier: phone, ...(validationCode !== undefined && { validationCode }) },
    });
  const otpAudit = async () =>
    (await stack.dataSource.query(`SELECT operation, outcome, request_excerpt::text AS req, response_excerpt::text AS res FROM audit_events WHERE checkout_id LIKE 'capillary-otp:%' ORDER BY id`)) as Array<{
      operation: string;
      outcome: string;
      req: string;
      res: string;
    }>;

  it('sends a code on request (202, the code never in the answer), and the same code again within its validity', async () => {
    const first = await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone, points: 100 }).expect(202);
    expect(first.body).toEqual({ status: 'sent' });
    const code = await smsCode();
    expect(JSON.stringify(first.body)).not.toContain(code);
    await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone, points: 100 }).expect(202);
    expect(await smsCode()).toBe(code);
    // Audited: the customer lookup, then the OTP call; no phone in the audit rows.
    const rows = await otpAudit();
    expect(rows.map((r) => r.operation)).toEqual(expect.arrayContaining(['customer.get', 'points.validationcode']));
    for (const row of rows) expect(`${row.req}${row.res}`).not.toContain(CAPILLARY_SANDBOX_CUSTOMER.mobile);
  });

  it('refuses an OTP request for an unknown customer with 404 naming identifier.value, and sends nothing', async () => {
    const sends = async () => (await otpAudit()).filter((r) => r.operation === 'points.validationcode').length;
    const sentBefore = await sends();
    const res = await api()
      .post('/v1/capillary/validation-codes')
      .send({ store: 'S1', till: 'T1', identifier: { type: 'phone', value: '447000000001' }, points: 100 })
      .expect(404)
      .expect('content-type', /application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field: 'identifier.value', message: expect.any(String) }]);
    // Only the customer lookup ran: no OTP call was made for the unknown customer.
    expect(await sends()).toBe(sentBefore);
    expect((await otpAudit()).at(-1)).toMatchObject({ operation: 'customer.get' });
  });

  it('answers 429 naming identifier once Capillary refuses more codes for the day (HTTP 429), without retrying it', async () => {
    await request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send({ validationCodesPerDay: 1 }).expect(200);
    await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone, points: 100 }).expect(202);
    await request(stack.sandboxUrl).post('/capillary/_sandbox/validation-codes/expire').expect(200);
    const started = Date.now();
    const res = await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone, points: 100 }).expect(429);
    expect(res.body.errors).toEqual([{ field: 'identifier', message: expect.any(String) }]);
    // Not retried 5 s apart: a per-day limit does not lift in seconds.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('refuses a malformed OTP request with 400 naming the field, before any vendor call', async () => {
    const before = (await otpAudit()).length;
    const res = await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: { type: 'code', value: '22265577' }, points: 100 }).expect(400);
    expect(res.body.errors).toEqual([{ field: 'identifier.type', message: expect.any(String) }]);
    const noPoints = await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone }).expect(400);
    expect(noPoints.body.errors.map((e: { field: string }) => e.field)).toEqual(['points']);
    expect((await otpAudit()).length).toBe(before);
  });

  it('redeems the points with the customer\'s code after the bill', async () => {
    await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone, points: 100 }).expect(202);
    const code = await smsCode();
    const posReference = uniquePosReference();
    const res = await api().post('/v1/checkouts').send(pointsSale(posReference, code)).expect(201);
    expect(res.body).toMatchObject({ state: 'completed', receipt: { pointsRedeemed: 100, pointsValue: '1.00', exceptions: [] } });
    expect(await capillaryEffects(posReference)).toEqual(['transaction.add', 'points.redeem']);
    // The code is personal data: not in the view, not in any audit row of the sale.
    expect(JSON.stringify(res.body)).not.toContain(code);
    const [{ dump }] = (await stack.dataSource.query(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM audit_events t WHERE checkout_id = $1`, [res.body.checkoutId])) as Array<{ dump: string }>;
    expect(dump.length).toBeGreaterThan(0);
    expect(dump).not.toContain(code);
  });

  it('refuses the points in the quote for a wrong code (808): no discount, nothing redeemed, the sale stands', async () => {
    await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone, points: 100 }).expect(202);
    const posReference = uniquePosReference();
    const res = await api().post('/v1/checkouts').send(pointsSale(posReference, 'WRONG1')).expect(201);
    expect(res.body.quote.points).toMatchObject({ accepted: false, refusal: { vendor: 'capillary', code: '808' } });
    expect(res.body).toMatchObject({ state: 'completed', receipt: { pointsRedeemed: 0 } });
    expect(res.body.commitment.discounts.points ?? '0.00').toBe('0.00');
    expect(await capillaryEffects(posReference)).toEqual(['transaction.add']);
  });

  it('a code that expired between reserve and the redemption after payment: the sale stands, an 808 receipt exception and a refused audit row explain it', async () => {
    await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone, points: 100 }).expect(202);
    const code = await smsCode();
    const reserved = await api().post('/v1/checkouts').send({ ...pointsSale(uniquePosReference(), code), complete: false }).expect(201);
    const id = reserved.body.checkoutId as string;
    expect(reserved.body.quote.points).toMatchObject({ accepted: true });
    const committed = await api().post(`/v1/checkouts/${encodeURIComponent(id)}/commit`).send({}).expect(200);
    expect(committed.body.commitment.discounts.points).toBe('1.00');
    await request(stack.sandboxUrl).post('/capillary/_sandbox/validation-codes/expire').expect(200);
    const completed = await api().post(`/v1/checkouts/${encodeURIComponent(id)}/complete`).send({ tender: { paid: '9.00', method: 'card' } }).expect(200);
    expect(completed.body).toMatchObject({ state: 'completed', receipt: { pointsRedeemed: 0 } });
    expect(completed.body.receipt.exceptions).toEqual([expect.objectContaining({ vendor: 'capillary', code: '808' })]);
    const rows = (await stack.dataSource.query(`SELECT outcome, error_code FROM audit_events WHERE checkout_id = $1 AND operation = 'points.redeem'`, [id])) as Array<{ outcome: string; error_code: string }>;
    expect(rows).toEqual([{ outcome: 'rejected', error_code: '808' }]);
  });

  it('refuses a checkout without a code (400 points.validationCode) and one of the wrong shape, before any saga or vendor call', async () => {
    const missing = uniquePosReference();
    const res = await api().post('/v1/checkouts').send(pointsSale(missing)).expect(400);
    expect(res.body.errors).toEqual([{ field: 'points.validationCode', message: expect.stringContaining('is required') }]);
    const shape = await api().post('/v1/checkouts').send(pointsSale(uniquePosReference(), 'no!')).expect(400);
    expect(shape.body.errors).toEqual([{ field: 'points.validationCode', message: expect.any(String) }]);
    const coupon = await api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(uniquePosReference(), { coupons: [{ provider: 'capillary', code: CAPILLARY_SANDBOX_COUPONS.redeemable, validationCode: '12' }] }))
      .expect(400);
    expect(coupon.body.errors).toEqual([{ field: 'coupons[0].validationCode', message: expect.any(String) }]);
    await api().get(`/v1/checkouts/${encodeURIComponent(checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference: missing }))}`).expect(404);
  });

  it('refuses null for a validation code or an enrolment detail (400 naming the field), before any saga or vendor call', async () => {
    // A null code passed "is required" and was sent as no code at all: skip_validation at reserve, 824/725 after payment.
    const cases: Array<[string, Record<string, unknown>]> = [
      ['points.validationCode', { customer: undefined, points: { provider: 'capillary', points: 100, identifier: phone, validationCode: null } }],
      ['coupons[0].validationCode', { coupons: [{ provider: 'capillary', code: CAPILLARY_SANDBOX_COUPONS.redeemable, validationCode: null }] }],
      // A null detail against the identifier of its kind was a TypeError in the mapper: a 500.
      ['points.enrol.mobile', { customer: undefined, points: { provider: 'capillary', points: 100, identifier: { type: 'phone', value: '447000000002' }, enrol: { mobile: null } } }],
      ['points.enrol.email', { customer: undefined, points: { provider: 'capillary', points: 100, identifier: { type: 'email', value: 'nobody@example.com' }, enrol: { email: null } } }],
      ['points.enrol.firstName', { customer: undefined, points: { provider: 'capillary', points: 100, identifier: phone, enrol: { firstName: null } } }],
    ];
    for (const [field, overrides] of cases) {
      const posReference = uniquePosReference();
      const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, overrides)).expect('content-type', /application\/problem\+json/);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      await api().get(`/v1/checkouts/${encodeURIComponent(checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }))}`).expect(404);
      expect(await capillaryEffects(posReference)).toEqual([]);
    }
  });

  describe('the API and the worker configured apart (or the flag flipped between reserve and redemption)', () => {
    // The worker was built with CAPILLARY_VALIDATION_REQUIRED=true; the API now reads false, so a sale
    // without a code starts. The saga's input (no code: skip_validation) decides the redemption, never
    // the worker's config.
    beforeEach(() => {
      stack.config.CAPILLARY_VALIDATION_REQUIRED = false;
    });
    afterEach(() => {
      stack.config.CAPILLARY_VALIDATION_REQUIRED = true;
    });

    it('an org that does not require validation: redeemed with skip_validation=true after payment, as checked at reserve', async () => {
      await request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send({ validationRequired: false }).expect(200);
      const posReference = uniquePosReference();
      const res = await api().post('/v1/checkouts').send(pointsSale(posReference)).expect(201);
      expect(res.body).toMatchObject({ state: 'completed', receipt: { pointsRedeemed: 100, exceptions: [] } });
      expect(await capillaryEffects(posReference)).toEqual(['transaction.add', 'points.redeem']);
    });

    it('an org that requires validation: the points are refused in the quote (824), before any discount, not after payment', async () => {
      const posReference = uniquePosReference();
      const res = await api().post('/v1/checkouts').send(pointsSale(posReference)).expect(201);
      expect(res.body.quote.points).toMatchObject({ accepted: false, refusal: { vendor: 'capillary', code: '824' } });
      expect(res.body).toMatchObject({ state: 'completed', receipt: { pointsRedeemed: 0, exceptions: [] } });
      expect(res.body.commitment.discounts.points ?? '0.00').toBe('0.00');
      expect(await capillaryEffects(posReference)).toEqual(['transaction.add']);
    });
  });

  it('redeems a Capillary coupon with the customer\'s code; a wrong one is a receipt exception (705) and the sale stands', async () => {
    await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: phone, points: 100 }).expect(202);
    const code = await smsCode();
    const good = uniquePosReference();
    const sale = (posReference: string, couponCode: string, validationCode: string) =>
      oneShotCheckoutBody(posReference, {
        points: { provider: 'capillary', points: 100, identifier: phone, validationCode: code },
        coupons: [{ provider: 'capillary', code: couponCode, validationCode }],
      });
    const ok = await api().post('/v1/checkouts').send(sale(good, CAPILLARY_SANDBOX_COUPONS.multiUse, code)).expect(201);
    expect(ok.body).toMatchObject({ state: 'completed', receipt: { exceptions: [] } });
    expect(await capillaryEffects(good)).toEqual(expect.arrayContaining(['transaction.add', 'points.redeem']));
    const wrong = uniquePosReference();
    const refused = await api().post('/v1/checkouts').send(sale(wrong, CAPILLARY_SANDBOX_COUPONS.multiUse, 'WRONG1')).expect(201);
    expect(refused.body.receipt.exceptions).toEqual([expect.objectContaining({ vendor: 'capillary', code: '705' })]);
  });
});
