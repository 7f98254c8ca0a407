import { createHash } from 'node:crypto';
import request from 'supertest';
import { CAPILLARY_SANDBOX_CUSTOMER, CAPILLARY_SANDBOX_TILL } from '../../src/sandbox/capillary-sandbox-org';
import { checkoutReference } from '../../workflows/checkout.contract';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { injectFault, journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Retro-tagging (vendor-docs/capillary-pos-integration.md: CONF_RETRO_TRANSACTION_ENABLE "To allow
 * conversion of not-interested transactions to loyalty transactions", CONF_CLIENT_RETRO_MAX_ALLOWED_AGE_DAYS),
 * through the API against the sandbox over HTTP: a batch sale without a customer is billed
 * `not_interested`; the customer identifies later and POST /v1/checkouts/{id}/capillary-customer
 * converts the bill (transaction/update, from Capillary's API reference) to a regular bill of theirs.
 * The sales are dated relative to now (an hour ago unless a test says otherwise): the sandbox org's
 * limit is 30 days unless a test lowers it, so a fixed date would start failing 30 days after it.
 */
describe('Capillary retro-tagging of a not_interested bill', () => {
  const stack = testStackForFile({}, { resetSandbox: true });
  const api = () => stack.api();
  const phone = { type: 'phone', value: CAPILLARY_SANDBOX_CUSTOMER.mobile };
  const till = `Basic ${Buffer.from(`${CAPILLARY_SANDBOX_TILL.code}:${createHash('md5').update(CAPILLARY_SANDBOX_TILL.password).digest('hex')}`).toString('base64')}`;
  const orgConfig = (patch: object) => request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send(patch).expect(200);
  const points = async () =>
    Number((await request(stack.sandboxUrl).get('/capillary/v1.1/customer/get').query({ format: 'json', mobile: CAPILLARY_SANDBOX_CUSTOMER.mobile }).set('authorization', till).expect(200)).body.customers.customer.loyalty_points);
  const retroSends = async (posReference: string) =>
    (await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), 'capillary')).filter((e) => e.effect === 'transaction.retro');

  /** A batch sale without any customer: completed, its bill `not_interested`. */
  const anonymousSale = async (hoursAgo = 1) => {
    const posReference = uniquePosReference('RT');
    const performedOn = `${new Date(Date.now() - hoursAgo * 3_600_000).toISOString().slice(0, 19)}Z`;
    const sale = oneShotCheckoutBody(posReference, { customer: undefined, complete: undefined, performedOn });
    const accepted = await api().post('/v1/checkouts/batch').send({ sales: [sale] }).expect(202);
    const progress = await eventually(
      async () => (await api().get(`/v1/checkouts/batch/${accepted.body.batchId}`).expect(200)).body,
      (p) => p.status === 'completed',
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    const [result] = progress.results as Array<{ checkoutId: string; state: string }>;
    expect(result.state).toBe('completed');
    return { posReference, checkoutId: result.checkoutId };
  };
  const tag = (checkoutId: string, identifier: object) => api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/capillary-customer`).send({ identifier });

  it('converts the bill to a regular bill of the customer (who earns its points), and answers the same again without a second conversion', async () => {
    await orgConfig({ retroEnabled: true });
    const { posReference, checkoutId } = await anonymousSale();
    const before = await points();
    const first = await tag(checkoutId, phone).expect(200);
    expect(first.body).toEqual({ checkoutId, capillaryBill: { number: checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), transactionId: expect.any(String), type: 'regular' } });
    expect(await points()).toBe(before + 10); // the 10.00 sale earns as a regular bill would
    const again = await tag(checkoutId, phone).expect(200);
    expect(again.body).toEqual(first.body);
    // The same phone spelled with its "+" and spaces is the same customer (as the adapter sends it).
    const spelled = await tag(checkoutId, { type: 'phone', value: `+${phone.value.slice(0, 2)} ${phone.value.slice(2)}` }).expect(200);
    expect(spelled.body).toEqual(first.body);
    expect(await retroSends(posReference)).toHaveLength(1);
    // Audited under the checkout, the customer by keyed reference only.
    const rows = (await stack.dataSource.query(`SELECT operation, customer_ref, request_excerpt::text AS req FROM audit_events WHERE checkout_id = $1 AND step = 'capillary retro-tag'`, [checkoutId])) as Array<{ operation: string; customer_ref: string; req: string | null }>;
    expect(rows.map((r) => r.operation)).toEqual(expect.arrayContaining(['customer.get', 'transaction.get', 'transaction.update']));
    for (const row of rows) {
      expect(row.customer_ref).toMatch(/^hmac:/);
      expect(row.req ?? '').not.toContain(CAPILLARY_SANDBOX_CUSTOMER.mobile);
    }
    // Another customer for the same bill: 409, nothing sent.
    const other = await tag(checkoutId, { type: 'phone', value: '44700900999' }).expect(409);
    expect(other.body.errors).toEqual([{ field: 'identifier', message: expect.any(String) }]);
    expect(await retroSends(posReference)).toHaveLength(1);
  });

  it('a void after tagging returns the bill as the customer\'s regular bill', async () => {
    await orgConfig({ retroEnabled: true });
    const { posReference, checkoutId } = await anonymousSale();
    await tag(checkoutId, phone).expect(200);
    const voided = await api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/void`).send().expect(200);
    expect(voided.body).toMatchObject({ state: 'voided', void: { exceptions: [] } });
    const effects = (await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), 'capillary')).map((e) => e.effect);
    expect(effects).toEqual(['transaction.add', 'transaction.retro', 'transaction.return']);
  });

  it('refuses to tag a checkout that has a return, even a refused one (409 naming the state): the returns keep the sale as they read it', async () => {
    await orgConfig({ retroEnabled: true });
    const { posReference, checkoutId } = await anonymousSale();
    // More than the sale: refused, but the checkout's returns workflow now exists with the bill as not_interested.
    await api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/returns`).send({ returnReference: 'R-TOO-MUCH', amount: '99.00' }).expect(422);
    const refused = await tag(checkoutId, phone).expect(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.detail).toMatch(/return of the checkout/);
    expect(await retroSends(posReference)).toEqual([]);
  });

  it('refuses a void while the tagging runs (409, retry), and voids the tagged bill as regular once it has ended', async () => {
    await orgConfig({ retroEnabled: true });
    const { posReference, checkoutId } = await anonymousSale();
    // The tag lands but its reply is lost: the run stays open until its retry (5 s later) finds the bill tagged.
    await injectFault(stack.sandboxUrl, { path: '/capillary/v1.1/transaction/update', kind: 'apply_then_timeout', latencyMs: 3000, times: 1 });
    const tagging = tag(checkoutId, phone).then((res) => res);
    await eventually(
      async () => (await stack.temporal.workflow.getHandle(`capillary-retro:${checkoutId}`).describe().catch(() => undefined))?.status.name,
      (status) => status === 'RUNNING',
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const busy = await api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/void`).send().expect(409);
    expect(busy.body.detail).toMatch(/retro-tagging of the checkout is running/);
    const returned = await api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/returns`).send({ returnReference: 'R-1', amount: '1.00' }).expect(409);
    expect(returned.body.detail).toMatch(/retro-tagging of the checkout is running/);
    expect((await tagging).status).toBe(200);
    const voided = await api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/void`).send().expect(200);
    expect(voided.body).toMatchObject({ state: 'voided', void: { exceptions: [] } });
    const effects = (await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), 'capillary')).map((e) => e.effect);
    expect(effects).toEqual(['transaction.add', 'transaction.retro', 'transaction.return']);
  }, 30_000);

  it('refuses a void after a tagging that ended without an answer (409: tag again first), and voids once the tag is settled', async () => {
    await orgConfig({ retroEnabled: true });
    const { checkoutId } = await anonymousSale();
    // Capillary unavailable for the tagging's three tries: the run fails, the API answers 503.
    await injectFault(stack.sandboxUrl, { path: '/capillary/v1.1/transaction/update', kind: 'status', status: 503, times: 3 });
    await tag(checkoutId, phone).expect(503);
    expect((await stack.temporal.workflow.getHandle(`capillary-retro:${checkoutId}`).describe()).status.name).toBe('FAILED');
    const refused = await api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/void`).send().expect(409);
    expect(refused.body.detail).toMatch(/retro-tagging ended failed/);
    await tag(checkoutId, phone).expect(200);
    await api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/void`).send().expect(200);
  }, 40_000);

  it('a void returns the bill as Capillary holds it when it runs: a tag this service never recorded still makes it a RETURN of that customer', async () => {
    await orgConfig({ retroEnabled: true });
    const { posReference, checkoutId } = await anonymousSale();
    const view = (await api().get(`/v1/checkouts/${encodeURIComponent(checkoutId)}`).expect(200)).body;
    const number = checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference });
    // Tagged at Capillary directly (as a tagging whose run failed after its tag landed): no run of ours answered it.
    const before = await points();
    await request(stack.sandboxUrl)
      .post('/capillary/v1.1/transaction/update')
      .query({ format: 'json' })
      .set('authorization', till)
      .send({ root: { transaction: [{ id: view.receipt.references.capillaryTransactionId, number, type: 'regular', customer: { mobile: CAPILLARY_SANDBOX_CUSTOMER.mobile } }] } })
      .expect(200);
    expect(await points()).toBe(before + 10);
    const voided = await api().post(`/v1/checkouts/${encodeURIComponent(checkoutId)}/void`).send().expect(200);
    // Returned as the customer's regular bill (a not_interested return would be refused: no such bill now).
    expect(voided.body).toMatchObject({ state: 'voided', void: { exceptions: [] } });
    expect(await points()).toBe(before);
  });

  it('answers 422 with Capillary\'s refusal when retro-tagging is off (the org default), and tags once it is on', async () => {
    const { posReference, checkoutId } = await anonymousSale();
    const refused = await tag(checkoutId, phone).expect(422);
    expect(refused.body.refusal).toMatchObject({ vendor: 'capillary', code: '656' });
    expect(await retroSends(posReference)).toEqual([]);
    await orgConfig({ retroEnabled: true });
    await tag(checkoutId, phone).expect(200);
    expect(await retroSends(posReference)).toHaveLength(1);
  });

  it('answers 422 when the bill is older than CONF_CLIENT_RETRO_MAX_ALLOWED_AGE_DAYS', async () => {
    await orgConfig({ retroEnabled: true, retroMaxAgeDays: 1 });
    const { posReference, checkoutId } = await anonymousSale(50);
    const refused = await tag(checkoutId, phone).expect(422);
    expect(refused.body.refusal).toMatchObject({ code: '643' });
    expect(await retroSends(posReference)).toEqual([]);
  });

  it('refuses with 409 a bill that had its customer, and 404 naming identifier.value an unknown customer', async () => {
    await orgConfig({ retroEnabled: true });
    const regular = await api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(uniquePosReference(), { points: { provider: 'capillary', points: 100, identifier: phone } }))
      .expect(201);
    await tag(regular.body.checkoutId, phone).expect(409);
    const { posReference, checkoutId } = await anonymousSale();
    const unknown = await tag(checkoutId, { type: 'phone', value: '447000000001' }).expect(404);
    expect(unknown.body.errors).toEqual([{ field: 'identifier.value', message: expect.any(String) }]);
    expect(await retroSends(posReference)).toEqual([]);
    const malformed = await tag(checkoutId, { type: 'code', value: '22265577' }).expect(400);
    expect(malformed.body.errors).toEqual([{ field: 'identifier.type', message: expect.any(String) }]);
    await tag(checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference: 'NO-SUCH' }), phone).expect(404);
  });
});
