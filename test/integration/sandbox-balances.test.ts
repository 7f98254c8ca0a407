import request from 'supertest';
import { createCapillaryVendor } from '../../activities/vendors/capillary.vendor';
import { createCrmcomLegacyVendor } from '../../activities/vendors/crmcom-legacy.vendor';
import { loadConfig } from '../../core/config/app-config';
import { sandboxForFile } from '../support/sandbox-server';
import { callContext } from '../support/vendor-calls';

/** `POST /_sandbox/balances`: the benchmark's wallet and points for thousands of checkouts, seen through our adapters. */
describe('sandbox balances', () => {
  const sandbox = sandboxForFile();
  const { ctx } = callContext('R-balances');
  const vendors = () => {
    const config = loadConfig({ APP_ENV: 'test', SANDBOX_PORT: new URL(sandbox.url).port });
    return { crmcom: createCrmcomLegacyVendor(config), capillary: createCapillaryVendor(config) };
  };
  const wallet = async () => (await vendors().crmcom.identify(ctx, { type: 'code', value: '22265577' })).walletBalanceMinor;
  const points = async () => (await vendors().capillary.findCustomer(ctx, { type: 'phone', value: '919999999999' })).pointsBalance;

  it('sets the CRM.COM wallet and the Capillary points, and reset brings back the seeds', async () => {
    expect(await wallet()).toBe(1000);
    expect(await points()).toBe(1000);
    await request(sandbox.url)
      .post('/_sandbox/balances')
      .send({ crmcom: { code: '22265577', walletCents: 123_456_789 }, capillary: { mobile: '919999999999', points: 5_000_000 } })
      .expect(200, { crmcom: true, capillary: true });
    expect(await wallet()).toBe(123_456_789);
    expect(await points()).toBe(5_000_000);
    await sandbox.reset();
    expect(await wallet()).toBe(1000);
  });

  it('refuses a negative or fractional amount, and says when the participant does not exist', async () => {
    await request(sandbox.url).post('/_sandbox/balances').send({ crmcom: { code: '22265577', walletCents: -1 } }).expect(400);
    await request(sandbox.url).post('/_sandbox/balances').send({ capillary: { mobile: '919999999999', points: 1.5 } }).expect(400);
    await request(sandbox.url).post('/_sandbox/balances').send({ crmcom: { code: 'nobody', walletCents: 10 } }).expect(404);
    expect(await wallet()).toBe(1000);
  });
});
