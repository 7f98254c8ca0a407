import request from 'supertest';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { SANDBOX_PATHS } from '../../core/config/app-config';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { checkoutEffects, journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Partial returns through the API, against the real dev server, Postgres and the sandboxes over HTTP,
 * with CRM.COM's back-office API (the one with a return of goods). The reference checkout: 70.00
 * (lines 20.00 + 50.00), 5.00 wallet spend, 100 points (1.00), a 5.00 Coupontools coupon: 59.00 paid,
 * 0.70 awarded (1 %). Each return reverses floor(W × returned-so-far / 70.00) minus what earlier ones did.
 */
describe('checkout returns', () => {
  const stack = testStackForFile({ CHECKOUT_HOLD_TIMEOUT_MS: '60000', CRMCOM_API: 'backoffice' }, { resetSandbox: true });
  // The points share of a return is reversed: an org that raised the ticket for Allow_points_redemption_reversal.
  beforeEach(() => request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send({ allowPointsRedemptionReversal: true }).expect(200));

  const api = () => stack.api();
  const effects = (posReference: string) => checkoutEffects(stack.sandboxUrl, posReference);
  const wallet = async () => {
    const res = await request(stack.sandboxUrl)
      .get(`${SANDBOX_PATHS.crmcomBackoffice}/customers`)
      .query({ cim: '22265577' })
      .set('api_key', stack.config.CRMCOM_API_KEY)
      .expect(200);
    return Math.round(Number(res.body.content[0].wallet.balance) * 100);
  };
  const amounts = async (posReference: string, effect: string) =>
    (await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`)).filter((e) => `${e.vendor}:${e.effect}` === effect).map((e) => e.amount);

  async function completedReferenceCheckout() {
    const posReference = uniquePosReference();
    const body = await referenceCheckoutBody(stack.sandboxUrl, posReference, { complete: true });
    const completed = await api().post('/v1/checkouts').send(body).expect(201);
    expect(completed.body).toMatchObject({ state: 'completed', receipt: { total: '70.00', amountDue: '59.00', awarded: '0.70', spent: '5.00' } });
    return { posReference, id: completed.body.checkoutId as string };
  }

  it('two partial returns reverse exactly their share at every vendor, a third beyond the total is refused before any vendor call, a repeat answers the first', async () => {
    const { posReference, id } = await completedReferenceCheckout();
    const walletAfterSale = await wallet();
    const saleEffects = await effects(posReference);

    // 1: the two soft drinks (20.00 of 70.00).
    const first = await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'R1', lines: [{ sku: 'Soft Drinks', quantity: 2, totalAmount: '20.00' }] }).expect(200);
    expect(first.body).toMatchObject({
      checkoutId: id,
      return: {
        returnReference: 'R1', kind: 'lines', amount: '20.00', refund: '16.85', state: 'partially_returned', returnable: '50.00',
        reversed: { awarded: '0.20', spent: '1.42', pointsRedeemed: 28, pointsValue: '0.28', coupons: '1.42' },
        nonCompensable: [{ vendor: 'coupontools', share: '1.42' }],
      },
    });
    expect(first.body.return.exceptions).toEqual([expect.objectContaining({ vendor: 'crmcom', code: 'SPEND_NOT_REVERSED' })]);
    expect(await wallet()).toBe(walletAfterSale - 20);

    // 2: an amount (15.00): 35.00 returned in all.
    const second = await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'R2', amount: '15.00' }).expect(200);
    expect(second.body.return).toMatchObject({
      kind: 'amount', amount: '15.00', refund: '12.65', state: 'partially_returned', returnable: '35.00',
      reversed: { awarded: '0.15', spent: '1.08', pointsRedeemed: 22, pointsValue: '0.22' },
    });
    expect(await wallet()).toBe(walletAfterSale - 35);

    // Each vendor applied each return once, for exactly its share.
    expect(await amounts(posReference, 'crmcom:purchase.ad_hoc_return')).toEqual(['0.20', '0.15']);
    expect(await amounts(posReference, 'capillary:transaction.return')).toEqual(['16.85', '12.65']);
    expect(await amounts(posReference, 'capillary:points.reverse')).toEqual(['0.28', '0.22']);
    // Each return's points share is reversed before its bill share is returned (vendors.md: "Reverse **before** returning the bill").
    const capillary = (await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`, 'capillary')).map((e) => e.effect);
    expect(capillary.slice(-4)).toEqual(['points.reverse', 'transaction.return', 'points.reverse', 'transaction.return']);
    expect(await amounts(posReference, 'cmc:posttender.refund')).toEqual(['-16.85', '-12.65']);
    const afterTwo = await effects(posReference);
    expect(afterTwo).toEqual({
      ...saleEffects,
      'crmcom:purchase.ad_hoc_return': 2,
      'capillary:transaction.return': 2,
      'capillary:points.reverse': 2,
      'cmc:posttender.refund': 2,
    });

    // 3: beyond what is left (35.01 > 35.00): refused naming the field, nothing sent anywhere.
    const third = await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'R3', amount: '35.01' }).expect(422);
    expect(third.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(third.body.errors).toEqual([{ field: 'amount', message: expect.stringContaining('3500') }]);
    const soldOutLine = await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'R4', lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '10.00' }] }).expect(422);
    expect(soldOutLine.body.errors).toEqual([{ field: 'lines[0].quantity', message: expect.any(String) }]);
    expect(await effects(posReference)).toEqual(afterTwo);

    // The same reference and body again: the first answer, nothing new applied; another body: 409.
    const again = await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'R1', lines: [{ sku: 'Soft Drinks', quantity: 2, totalAmount: '20.00' }] }).expect(200);
    expect(again.body).toEqual(first.body);
    await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'R1', amount: '1.00' }).expect(409);
    expect(await effects(posReference)).toEqual(afterTwo);

    // The projection: partially_returned with both returns; void refuses a partially returned sale.
    const shown = await api().get(`/v1/checkouts/${id}`).expect(200);
    expect(shown.body).toMatchObject({ state: 'partially_returned', returns: { returned: '35.00', returnable: '35.00' } });
    expect(shown.body.returns.items.map((r: { returnReference: string }) => r.returnReference)).toEqual(['R1', 'R2']);
    await api().post(`/v1/checkouts/${id}/void`).send().expect(409);

    // The rest (35.00) takes the remainders: the award and points reversed add up to the whole.
    const last = await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'R5', amount: '35.00' }).expect(200);
    expect(last.body.return).toMatchObject({ state: 'returned', returnable: '0.00', refund: '29.50', reversed: { awarded: '0.35', pointsRedeemed: 50 } });
    expect(await wallet()).toBe(walletAfterSale - 70);

    const transitions = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: id, kind: 'transition' }, order: { id: 'ASC' } });
    expect(transitions.map((r) => r.outcome)).toEqual(['reserved', 'committed', 'completed', 'partially_returned', 'partially_returned', 'returned']);
  });

  it("returns and voids batch sales billed at Capillary without points as the bill's customer's", async () => {
    // Batch sales are billed at Capillary under the customer's e-mail even without points (a REGULAR
    // bill); a return sent without that customer goes as NOT_INTERESTED_RETURN, which names no bill of ours.
    const prefix = uniquePosReference('AS');
    const sale = (posReference: string) => ({
      store: 'S1', till: 'T1', posReference, performedOn: '2026-11-21T10:00:00Z', currency: 'EUR',
      customer: { provider: 'crmcom', identifier: { type: 'email', value: 'john.doe@example.com' } },
      lines: [{ sku: 'Soft Drinks', quantity: 2, totalAmount: '20.00', netAmount: '16.00', vatAmount: '4.00' }],
    });
    const [returned, voided] = [`${prefix}-R`, `${prefix}-V`];
    const batch = await api().post('/v1/checkouts/batch').send({ sales: [sale(returned), sale(voided)] }).expect(202);
    const progress = await eventually(
      async () => (await api().get(`/v1/checkouts/batch/${batch.body.batchId}`).expect(200)).body,
      (b) => b.status === 'completed',
      { timeoutMs: 60_000 },
    );
    expect(progress.counts).toMatchObject({ completed: 2 });
    expect(await amounts(returned, 'capillary:transaction.add')).toEqual(['20.00']);

    const part = await api().post(`/v1/checkouts/checkout:demo:S1:T1:${returned}/returns`).send({ returnReference: 'R1', amount: '5.00' }).expect(200);
    expect(part.body.return.exceptions.filter((e: { vendor: string }) => e.vendor === 'capillary')).toEqual([]);
    expect(part.body.return.references.capillaryReturnTransactionId).toEqual(expect.any(String));
    expect(await amounts(returned, 'capillary:transaction.return')).toEqual(['5.00']);

    const whole = await api().post(`/v1/checkouts/checkout:demo:S1:T1:${voided}/void`).send().expect(200);
    expect(whole.body.void.exceptions.filter((e: { vendor: string }) => e.vendor === 'capillary')).toEqual([]);
    expect(await amounts(voided, 'capillary:transaction.return')).toEqual(['20.00']);
  }, 90_000);

  it('two returns racing for the last money: exactly one is made', async () => {
    const { posReference, id } = await completedReferenceCheckout();
    const [a, b] = await Promise.all([
      api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'RA', amount: '40.00' }),
      api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'RB', amount: '40.00' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 422]);
    expect(await amounts(posReference, 'capillary:transaction.return')).toHaveLength(1);
    expect(await amounts(posReference, 'cmc:posttender.refund')).toHaveLength(1);
  });

  it('refuses bad bodies with 400 naming the field, and returns of a voided checkout with 409', async () => {
    const { id } = await completedReferenceCheckout();
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await api().post(`/v1/checkouts/${id}/returns`).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    await bad({ amount: '1.00' }, 'returnReference');
    await bad({ returnReference: 'X1', amount: '1.00', lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '10.00' }] }, 'amount');
    await bad({ returnReference: 'X1' }, 'lines');
    await bad({ returnReference: 'X1', amount: '-1' }, 'amount');
    await bad({ returnReference: 'X1', amount: '0.00' }, 'amount');
    await bad({ returnReference: 'X1', lines: [{ sku: 'Soft Drinks', quantity: 0, totalAmount: '10.00' }] }, 'lines[0].quantity');
    await bad({ returnReference: 'X1', lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '1,00' }] }, 'lines[0].totalAmount');
    await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'X2', lines: [{ sku: 'Nope', quantity: 1, totalAmount: '1.00' }] }).expect(422);

    await api().post(`/v1/checkouts/${id}/void`).send().expect(200);
    await api().post(`/v1/checkouts/${id}/returns`).send({ returnReference: 'X3', amount: '1.00' }).expect(409);
  });
});
