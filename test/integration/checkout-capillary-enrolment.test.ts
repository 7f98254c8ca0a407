import { createHash } from 'node:crypto';
import request from 'supertest';
import { CAPILLARY_SANDBOX_TILL } from '../../src/sandbox/capillary-sandbox-org';
import { checkoutReference } from '../../workflows/checkout.contract';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { injectFault, journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Enrolment of an unknown Capillary customer (vendor-docs/capillary-pos-integration.md, "Customer Add
 * (Enroll)": "If the customer exists, display … Else, display a message stating the customer does not
 * exist and prompt for enrollment"), through the API against the sandbox over HTTP: a checkout whose
 * points carry the customer's details enrols the customer Capillary does not know (`customer/add`)
 * and goes on; the bill is then a regular one of that customer.
 */
describe('Capillary enrolment in a checkout', () => {
  const stack = testStackForFile({}, { resetSandbox: true });
  const api = () => stack.api();
  const till = `Basic ${Buffer.from(`${CAPILLARY_SANDBOX_TILL.code}:${createHash('md5').update(CAPILLARY_SANDBOX_TILL.password).digest('hex')}`).toString('base64')}`;
  const newPhone = () => `4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;

  const capillaryCustomer = async (mobile: string) =>
    (await request(stack.sandboxUrl).get('/capillary/v1.1/customer/get').query({ format: 'json', mobile }).set('authorization', till).expect(200)).body.customers.customer;
  const bill = async (posReference: string) =>
    (await request(stack.sandboxUrl).get('/capillary/v1.1/transaction/get').query({ format: 'json', number: checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }) }).set('authorization', till).expect(200)).body;
  const enrolments = async () => (await journalOf(stack.sandboxUrl, 'user:', 'capillary')).filter((e) => e.effect === 'customer.add');
  const sale = (posReference: string, mobile: string, enrol?: object) =>
    oneShotCheckoutBody(posReference, {
      customer: undefined,
      points: { provider: 'capillary', points: 10, identifier: { type: 'phone', value: mobile }, ...(enrol && { enrol }) },
    });

  it('enrols an unknown customer with the details, then bills the sale to them (the new customer has no points to redeem yet)', async () => {
    const mobile = newPhone();
    const posReference = uniquePosReference();
    const res = await api().post('/v1/checkouts').send(sale(posReference, mobile, { firstName: 'Becky', lastName: 'Thatcher', email: 'becky@example.com' })).expect(201);
    expect(res.body.state).toBe('completed');
    // Enrolled: the points are checked against the new customer's balance (0), not refused as unknown.
    expect(res.body.quote.points).toMatchObject({ accepted: false, refusal: { vendor: 'capillary', code: '804' } });
    expect(await enrolments()).toHaveLength(1);
    expect(await capillaryCustomer(mobile)).toMatchObject({ firstname: 'Becky', lastname: 'Thatcher', email: 'becky@example.com', item_status: { code: '1000' } });
    expect(JSON.stringify(await bill(posReference))).toContain(mobile);
    // The details are personal data: not in the view, not in the audit rows in clear.
    expect(JSON.stringify(res.body)).not.toContain('Thatcher');
    const [{ dump }] = (await stack.dataSource.query(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM audit_events t WHERE checkout_id = $1`, [res.body.checkoutId])) as Array<{ dump: string }>;
    expect(dump).toContain('customer.add');
    for (const personal of ['Thatcher', 'Becky', 'becky@example.com', mobile]) expect(dump).not.toContain(personal);
  });

  it('looks the customer up again before a retried enrolment: a lost customer/add reply enrols once', async () => {
    const mobile = newPhone();
    await injectFault(stack.sandboxUrl, { path: '/capillary/v1.1/customer/add', kind: 'apply_then_timeout', latencyMs: 5000, times: 1 });
    const res = await api().post('/v1/checkouts').send(sale(uniquePosReference(), mobile, { firstName: 'Huck' })).expect(201);
    expect(res.body.quote.points).toMatchObject({ accepted: false, refusal: { code: '804' } });
    expect(await enrolments()).toHaveLength(1);
    expect(await capillaryCustomer(mobile)).toMatchObject({ firstname: 'Huck' });
  });

  it('does not enrol a known customer: the details are not needed', async () => {
    const res = await api().post('/v1/checkouts').send(sale(uniquePosReference(), '919999999999', { firstName: 'Someone' })).expect(201);
    expect(res.body.quote.points).toMatchObject({ accepted: true });
    expect(await enrolments()).toEqual([]);
    expect(await capillaryCustomer('919999999999')).toMatchObject({ firstname: 'Tom' });
  });

  it('without details an unknown customer refuses the points, as before, and nobody is enrolled', async () => {
    const res = await api().post('/v1/checkouts').send(sale(uniquePosReference(), newPhone())).expect(201);
    expect(res.body.quote.points).toMatchObject({ accepted: false, refusal: { code: '1012' } });
    expect(await enrolments()).toEqual([]);
  });

  it('refuses details that name another customer or are malformed, with 400 naming the field', async () => {
    const other = await api().post('/v1/checkouts').send(sale(uniquePosReference(), newPhone(), { mobile: '447700900111' })).expect(400);
    expect(other.body.errors).toEqual([{ field: 'points.enrol.mobile', message: expect.any(String) }]);
    const email = await api().post('/v1/checkouts').send(sale(uniquePosReference(), newPhone(), { email: 'not-an-email' })).expect(400);
    expect(email.body.errors).toEqual([{ field: 'points.enrol.email', message: expect.any(String) }]);
    expect(await enrolments()).toEqual([]);
  });
});
