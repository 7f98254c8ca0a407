import request from 'supertest';
import { CAPILLARY_SANDBOX_COUPONS, CAPILLARY_SANDBOX_CUSTOMER } from '../../src/sandbox/capillary-sandbox-org';
import { checkoutReference } from '../../workflows/checkout.contract';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Capillary card-number identifiers (the guide's "Insert the primary identifier of a customer (mobile
 * no., email ID, card number, etc.)"; vendors.md §2: customer/get `card_number`), through the API
 * against the sandbox over HTTP. The sandbox finds by card on customer/get only, as documented, so a
 * card sale that redeems and bills proves every later call named the customer the documented way.
 */
describe('Capillary card identifiers', () => {
  const stack = testStackForFile({}, { resetSandbox: true });
  const api = () => stack.api();
  const card = { type: 'card', value: CAPILLARY_SANDBOX_CUSTOMER.cardNumber };
  const capillaryEffects = async (posReference: string) =>
    (await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), 'capillary')).map((e) => e.effect);

  it('redeems points and a Capillary coupon for the customer found by card, and bills the sale to them', async () => {
    const posReference = uniquePosReference();
    const res = await api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(posReference, { points: { provider: 'capillary', points: 100, identifier: card }, coupons: [{ provider: 'capillary', code: CAPILLARY_SANDBOX_COUPONS.redeemable }] }))
      .expect(201);
    expect(res.body).toMatchObject({ state: 'completed', receipt: { pointsRedeemed: 100, pointsValue: '1.00', exceptions: [] } });
    expect(res.body.quote.coupons).toEqual([expect.objectContaining({ code: CAPILLARY_SANDBOX_COUPONS.redeemable, accepted: true })]);
    expect((await capillaryEffects(posReference)).sort()).toEqual(['coupon.redeem', 'points.redeem', 'transaction.add']);
    const rows = (await stack.dataSource.query(`SELECT request_excerpt::text AS req, response_excerpt::text AS res FROM audit_events WHERE checkout_id = $1`, [res.body.checkoutId])) as Array<{ req: string | null; res: string | null }>;
    for (const row of rows) expect(`${row.req}${row.res}`).not.toContain(CAPILLARY_SANDBOX_CUSTOMER.cardNumber);
  });

  it('finds the customer by the card\'s external id too', async () => {
    const res = await api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(uniquePosReference(), { points: { provider: 'capillary', points: 100, identifier: { type: 'cardExternalId', value: CAPILLARY_SANDBOX_CUSTOMER.cardExternalId } } }))
      .expect(201);
    expect(res.body).toMatchObject({ state: 'completed', receipt: { pointsRedeemed: 100, exceptions: [] } });
  });

  it('refuses the points of an unknown card in the quote (1012), and the sale stands', async () => {
    const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference(), { points: { provider: 'capillary', points: 100, identifier: { type: 'card', value: '7000999999999999' } } })).expect(201);
    expect(res.body).toMatchObject({ state: 'completed', quote: { points: { accepted: false, refusal: { vendor: 'capillary', code: '1012' } } } });
  });

  it('sends a validation code to the customer found by card', async () => {
    await api().post('/v1/capillary/validation-codes').send({ store: 'S1', till: 'T1', identifier: card, points: 100 }).expect(202);
    await request(stack.sandboxUrl).get('/capillary/_sandbox/validation-codes').query({ mobile: CAPILLARY_SANDBOX_CUSTOMER.mobile }).expect(200);
  });

  it('refuses a card for the CRM.COM customer and enrolment by card, with 400 naming the field', async () => {
    const crmcom = await api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference(), { customer: { provider: 'crmcom', identifier: card } })).expect(400);
    expect(crmcom.body.errors).toEqual([{ field: 'customer.identifier.type', message: expect.any(String) }]);
    const enrol = await api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(uniquePosReference(), { points: { provider: 'capillary', points: 100, identifier: card, enrol: { firstName: 'Tom' } } }))
      .expect(400);
    expect(enrol.body.errors).toEqual([{ field: 'points.enrol', message: expect.any(String) }]);
  });
});
