import request from 'supertest';
import { VendorHttp } from '../../activities/vendors/vendor-http';
import type { FaultSpec } from '../../src/sandbox/sandbox-faults';
import { FailureTypes } from '../../workflows/checkout.contract';
import { injectFault, journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';

/** The sandbox's fault injection, seen from our HTTP client as a vendor's failures would be. */
describe('sandbox fault injection', () => {
  const sandbox = sandboxForFile();
  const http = new VendorHttp('crmcom', 500);
  const tokenPath = '/crmcom/crmapi/rest/v2/authentication/web_api_key/token';
  const token = () =>
    http.send({
      operation: 'token',
      method: 'POST',
      url: `${sandbox.url}${tokenPath}`,
      headers: { authorization: `Basic ${Buffer.from('sandbox-web-api-key:').toString('base64')}` },
      body: {},
    });
  const inject = (fault: FaultSpec) => injectFault(sandbox.url, fault);

  it('answers 429 with Retry-After, which the client turns into a retry no sooner than asked', async () => {
    await inject({ path: tokenPath, kind: 'rate_limit', retryAfterSeconds: 2, times: 1 });
    await expect(token()).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable, nextRetryDelay: 2000 });
    await expect(token()).resolves.toMatchObject({ status: 200 });
  });

  it('answers an injected status without running the vendor logic', async () => {
    await inject({ path: '/crmcom/*', kind: 'status', status: 503 });
    await expect(token()).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable, details: [expect.objectContaining({ httpStatus: 503 })] });
  });

  it('holds the reply of an applied effect past the client timeout (the lost reply)', async () => {
    const { body: auth } = await request(sandbox.url)
      .post(tokenPath)
      .set('authorization', `Basic ${Buffer.from('sandbox-web-api-key:').toString('base64')}`)
      .send({});
    const purchasePath = '/crmcom/crmapi/rest/v2/customer_events/purchases/create';
    await inject({ path: purchasePath, kind: 'apply_then_timeout', latencyMs: 2000, times: 1 });
    const started = Date.now();
    const send = http.send({
      operation: 'purchases.create',
      method: 'POST',
      url: `${sandbox.url}${purchasePath}`,
      body: {
        token: auth.data.token,
        accounts_receivable_identifier: { number: '400' },
        reference_number: 'R-lost',
        products_set: [{ product_identifier: { code: 'Soft Drinks' }, quantity: 1, total_amount: 10, net_amount: 8, vat_amount: 2 }],
      },
    });
    await expect(send).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable, message: expect.stringContaining('no answer within 500 ms') });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await journalOf(sandbox.url, 'R-lost')).toHaveLength(1);
  });

  it('delays a reply by the injected latency', async () => {
    await inject({ path: tokenPath, kind: 'latency', latencyMs: 300, times: 1 });
    const started = Date.now();
    await token();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('refuses a fault without a path or kind', async () => {
    await request(sandbox.url).post('/_sandbox/faults').send({ kind: 'nope' }).expect(400);
  });
});
