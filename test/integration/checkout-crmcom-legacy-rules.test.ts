import request from 'supertest';
import { CRMCOM_SANDBOX_BACK_END_CODE } from '../../src/sandbox/crmcom-legacy.sandbox';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { injectFault } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

const API = '/crmcom/crmapi/rest/v2';

/**
 * The CRM.COM legacy document's rules through the whole saga (API -> Temporal -> worker -> sandbox
 * over HTTP): who redeems the wallet spend (the preview's reduction_method), and lookup-before-retry
 * that does not trust the undocumented purchases/list filter.
 */
describe('checkout with CRM.COM legacy: reduction method and documented lookups', () => {
  const stack = testStackForFile({ VENDOR_TIMEOUT_MS: '1500' }, { resetSandbox: true });
  const api = () => stack.api();

  const journal = async (reference: string) =>
    ((await request(stack.sandboxUrl).get('/_sandbox/journal').query({ reference })).body.entries as Array<{ effect: string; amount?: string }>).map(
      (e) => `${e.effect} ${e.amount ?? ''}`.trim(),
    );

  it('a back-end-reduction customer pays in full at the till, and CRM.COM alone takes the spend from the wallet (once)', async () => {
    const posReference = uniquePosReference('BE');
    const body = oneShotCheckoutBody(posReference, {
      customer: { provider: 'crmcom', identifier: { type: 'code', value: CRMCOM_SANDBOX_BACK_END_CODE } },
      lines: [{ sku: 'Sandwiches', quantity: 2, totalAmount: '30.00', netAmount: '24.00', vatAmount: '6.00' }],
      spend: { amount: '5.00' },
      complete: false,
    });
    const reserved = await api().post('/v1/checkouts').send(body).expect(201);
    expect(reserved.body.quote.loyalty).toMatchObject({ reductionMethod: 'back_end', maxSpend: '0.00', requestedSpend: '0.00', automaticSpend: '5.00' });

    const committed = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({ spend: { amount: '5.00' } }).expect(200);
    expect(committed.body.commitment).toMatchObject({
      discounts: { spend: '0.00', automaticSpend: '0.00' },
      amountDue: '30.00',
      loyalty: { reductionMethod: 'back_end', backEndSpend: '5.00' },
    });
    const completed = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/complete`).send({}).expect(200);
    expect(completed.body.receipt).toMatchObject({
      total: '30.00',
      amountDue: '30.00',
      awarded: '0.30',
      spent: '5.00',
      walletBalanceBefore: '20.00',
      walletBalanceAfter: '15.30',
      // For finance: CRM.COM pays this spend back itself; the till took it in full.
      crmcomPaidOut: { spend: '5.00' },
    });

    // No spend request from us; the wallet debited once, by CRM.COM's back-end payout.
    expect(await journal(`demo:S1:T1:${posReference}`)).toEqual(['purchase.create 0.30', 'spend.payout 5.00']);
  }, 60_000);

  it("resolves a lost purchase reply by lookup although CRM.COM ignores purchases/list's reference filter: one purchase", async () => {
    // Another sale's purchase first: the oldest, so a list that ignores the filter shows it first.
    await api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('OTHER'))).expect(201);
    const posReference = uniquePosReference('LOST');
    await injectFault(stack.sandboxUrl, { path: `${API}/customer_events/purchases/create`, kind: 'apply_then_timeout', latencyMs: 4000, times: 1 });

    const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference)).expect(201);

    expect(res.body).toMatchObject({ state: 'completed', receipt: { amountDue: '10.00', awarded: '0.10' } });
    expect(await journal(`demo:S1:T1:${posReference}`)).toEqual(['purchase.create 0.10']);
  }, 60_000);

  it('refuses an OTP spend token or a pass code with 400 naming the field: the legacy API takes neither (nothing starts)', async () => {
    for (const [secret, field] of [
      [{ otp: '123456' }, 'spend.otp'],
      [{ passCode: '2468' }, 'spend.passCode'],
    ] as const) {
      const posReference = uniquePosReference('LOTP');
      const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { spend: { amount: '4.00', ...secret } })).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([{ field, message: expect.stringContaining('CRMCOM_API=backoffice') }]);
      await api().get(`/v1/checkouts/checkout:demo:S1:T1:${posReference}`).expect(404);
      expect(await journal(`demo:S1:T1:${posReference}`)).toEqual([]);
    }
  });
});
