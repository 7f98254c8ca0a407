import { Client } from '@temporalio/client';
import { SANDBOX_PASS_CODE } from '../../src/sandbox/crmcom-backoffice.sandbox';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { historyAsText } from '../support/history-text';
import { holdsToken, mintOtp, storedRowsOf } from '../support/stored-secrets';
import { journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * CRM.COM back-office "Purchase with OTP Spend Request" (its ALTERNATIVE FLOW, front-end reduction:
 * "provide back to the front-end system the actual spend amount that should be reduced") and the
 * Front-End Purchase's "pass code (optional)", through the API, Temporal, Postgres and the sandbox.
 */
describe('checkout with a CRM.COM back-office OTP spend token or pass code', () => {
  const stack = testStackForFile({ CRMCOM_API: 'backoffice' }, { resetSandbox: true });
  const api = () => stack.api();
  const effects = async (posReference: string) =>
    (await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`, 'crmcom')).map((e) => `${e.effect} ${e.amount ?? ''}`.trim());
  const withSpend = (posReference: string, spend: Record<string, string>) => oneShotCheckoutBody(posReference, { spend: { amount: '4.00', ...spend } });

  it('spends with a fresh OTP: the till deducts the approved spend, and the token is never stored or audited in clear', async () => {
    const otp = await mintOtp(stack);
    const posReference = uniquePosReference('OTP');
    const res = await api().post('/v1/checkouts').send(withSpend(posReference, { otp })).expect(201);
    expect(res.body.state).toBe('completed');
    expect(res.body.commitment).toMatchObject({ discounts: { spend: '4.00' }, amountDue: '6.00', refusals: [] });
    expect(res.body.receipt).toMatchObject({ amountDue: '6.00', spent: '4.00', awarded: '0.10', walletBalanceBefore: '10.00', walletBalanceAfter: '6.10' });
    expect(res.body.receipt).not.toHaveProperty('crmcomPaidOut');
    expect(await effects(posReference)).toEqual(['purchase.create 0.10', 'spend.create 4.00']);

    const stored = await storedRowsOf(stack, res.body.checkoutId as string);
    expect(stored).toContain('purchases.create'); // the rows are there to search
    expect(holdsToken(stored, otp)).toBe(false);
    // The history as the Temporal server holds it (no codec): the input and the steps' arguments are sealed.
    const raw = new Client({ connection: stack.temporal.connection });
    const history = JSON.stringify(historyAsText(await raw.workflow.getHandle(res.body.checkoutId as string).fetchHistory()));
    expect(history).toContain('submitLoyaltyPurchase');
    expect(holdsToken(history, otp)).toBe(false);
  }, 60_000);

  it('refuses a used OTP (a consumed token is not restored, even by a void): the sale is awarded without the spend, once', async () => {
    const otp = await mintOtp(stack);
    const first = uniquePosReference('OTP1');
    const sale = await api().post('/v1/checkouts').send(withSpend(first, { otp })).expect(201);
    await api().post(`/v1/checkouts/${sale.body.checkoutId}/void`).send({}).expect(200);

    const second = uniquePosReference('OTP2');
    const res = await api().post('/v1/checkouts').send(withSpend(second, { otp })).expect(201);
    expect(res.body.commitment).toMatchObject({
      discounts: { spend: '0.00' },
      amountDue: '10.00',
      refusals: [{ vendor: 'crmcom', code: 'SPEND_SECRET_REFUSED', reason: expect.stringContaining('already been used') }],
    });
    expect(res.body.receipt).toMatchObject({ amountDue: '10.00', spent: '0.00', awarded: '0.10' });
    // The refused post applied nothing; the purchase went once, without the spend.
    expect(await effects(second)).toEqual(['purchase.create 0.10']);
    const calls = (await stack.dataSource.query(
      `SELECT outcome, error_code FROM audit_events WHERE checkout_id = $1 AND operation = 'purchases.create' ORDER BY id`,
      [res.body.checkoutId],
    )) as Array<{ outcome: string; error_code: string | null }>;
    expect(calls).toEqual([
      { outcome: 'rejected', error_code: 'CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION' },
      { outcome: 'success', error_code: null },
    ]);
    expect(holdsToken(await storedRowsOf(stack, res.body.checkoutId as string), otp)).toBe(false);
  }, 60_000);

  it('refuses an expired OTP and one issued to nobody the same way', async () => {
    for (const [otp, words] of [
      [await mintOtp(stack, 0), 'expired'],
      ['999999', 'not valid'],
    ] as const) {
      const posReference = uniquePosReference('OTPX');
      const res = await api().post('/v1/checkouts').send(withSpend(posReference, { otp })).expect(201);
      expect(res.body.commitment).toMatchObject({ amountDue: '10.00', refusals: [{ code: 'SPEND_SECRET_REFUSED', reason: expect.stringContaining(words) }] });
      expect(await effects(posReference)).toEqual(['purchase.create 0.10']);
    }
  }, 60_000);

  it('refuses a null OTP or pass code with 400 naming the field (null is not absent: sent, it would cost the spend), before any vendor call', async () => {
    for (const field of ['otp', 'passCode'] as const) {
      const posReference = uniquePosReference('OTPN');
      const res = await api().post('/v1/checkouts').send(withSpend(posReference, { [field]: null } as unknown as Record<string, string>)).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([`spend.${field}`]);
      expect(await effects(posReference)).toEqual([]);
      await api().get(`/v1/checkouts/checkout:demo:S1:T1:${posReference}`).expect(404);
    }
  }, 60_000);

  it("spends with the contact's pass code, and refuses a wrong one", async () => {
    const good = uniquePosReference('PC');
    const ok = await api().post('/v1/checkouts').send(withSpend(good, { passCode: SANDBOX_PASS_CODE })).expect(201);
    expect(ok.body.receipt).toMatchObject({ amountDue: '6.00', spent: '4.00' });
    expect(await storedRowsOf(stack, ok.body.checkoutId as string)).not.toContain(`"${SANDBOX_PASS_CODE}"`);

    const bad = uniquePosReference('PCX');
    const refused = await api().post('/v1/checkouts').send(withSpend(bad, { passCode: '1111' })).expect(201);
    expect(refused.body.commitment).toMatchObject({ amountDue: '10.00', refusals: [{ code: 'SPEND_SECRET_REFUSED', reason: expect.stringContaining('pass code') }] });
    expect(await effects(bad)).toEqual(['purchase.create 0.10']);
  }, 60_000);

  it('refuses a malformed OTP or pass code with 400 naming the field, before any saga or vendor call', async () => {
    for (const [spend, field] of [
      [{ otp: '12 34' }, 'spend.otp'],
      [{ otp: '' }, 'spend.otp'],
      [{ otp: 123456 }, 'spend.otp'],
      [{ passCode: 'x'.repeat(33) }, 'spend.passCode'],
      [{ passCode: '12;4' }, 'spend.passCode'],
      [{ amount: '0.00', otp: '123456' }, 'spend.otp'],
    ] as const) {
      const posReference = uniquePosReference('BAD');
      const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { spend: { amount: '4.00', ...spend } })).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
      await api().get(`/v1/checkouts/checkout:demo:S1:T1:${posReference}`).expect(404);
      expect(await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`)).toEqual([]);
    }
  }, 60_000);

  it('refuses an OTP or pass code in a batch upload, whose sales are stored before they run', async () => {
    const sale = withSpend(uniquePosReference('OTPB'), { otp: '123456', passCode: SANDBOX_PASS_CODE });
    const res = await api().post('/v1/checkouts/batch').send({ batchReference: uniquePosReference('B'), sales: [sale] }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['sales[0].spend.otp', 'sales[0].spend.passCode']);
  });
});
