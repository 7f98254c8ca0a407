import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { createCapillaryVendor } from '../../activities/vendors/capillary.vendor';
import { createCrmcomLegacyVendor } from '../../activities/vendors/crmcom-legacy.vendor';
import { loadConfig } from '../../core/config/app-config';
import { buildSandboxApp } from '../../src/sandbox/sandbox-app';

/** `POST /_sandbox/balances`: the benchmark's wallet and points for thousands of checkouts, seen through our adapters. */
describe('sandbox balances', () => {
  let sandbox: FastifyInstance;
  let url: string;
  const ctx: VendorCallContext = { reference: 'R-balances', store: 'S1', till: 'T1', attempt: 1, currency: 'EUR', recorder: { record: async () => undefined } };
  const vendors = () => {
    const config = loadConfig({ SANDBOX_PORT: new URL(url).port });
    return { crmcom: createCrmcomLegacyVendor(config), capillary: createCapillaryVendor(config) };
  };
  const wallet = async () => (await vendors().crmcom.identify(ctx, { type: 'code', value: '22265577' })).walletBalanceMinor;
  const points = async () => (await vendors().capillary.findCustomer(ctx, { type: 'phone', value: '919999999999' })).pointsBalance;

  beforeAll(async () => {
    sandbox = buildSandboxApp();
    await sandbox.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;
  });
  afterAll(() => sandbox.close());
  beforeEach(() => request(url).post('/_sandbox/reset').expect(200));

  it('sets the CRM.COM wallet and the Capillary points, and reset brings back the seeds', async () => {
    expect(await wallet()).toBe(1000);
    expect(await points()).toBe(1000);
    await request(url)
      .post('/_sandbox/balances')
      .send({ crmcom: { code: '22265577', walletCents: 123_456_789 }, capillary: { mobile: '919999999999', points: 5_000_000 } })
      .expect(200, { crmcom: true, capillary: true });
    expect(await wallet()).toBe(123_456_789);
    expect(await points()).toBe(5_000_000);
    await request(url).post('/_sandbox/reset').expect(200);
    expect(await wallet()).toBe(1000);
  });

  it('refuses a negative or fractional amount, and says when the participant does not exist', async () => {
    await request(url).post('/_sandbox/balances').send({ crmcom: { code: '22265577', walletCents: -1 } }).expect(400);
    await request(url).post('/_sandbox/balances').send({ capillary: { mobile: '919999999999', points: 1.5 } }).expect(400);
    await request(url).post('/_sandbox/balances').send({ crmcom: { code: 'nobody', walletCents: 10 } }).expect(404);
    expect(await wallet()).toBe(1000);
  });
});
