import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import type { VendorCallContext, VendorCallRecord } from '../../activities/vendors/vendor-call';
import { CrmcomLegacyVendor } from '../../activities/vendors/crmcom-legacy.vendor';
import { FailureTypes } from '../../workflows/checkout.contract';
import { buildSandboxApp } from '../../src/sandbox/sandbox-app';
import { CRMCOM_SANDBOX_WEB_API_KEY } from '../../src/sandbox/crmcom-legacy.sandbox';

/** The CRM.COM legacy adapter against the sandbox over real HTTP. */
describe(CrmcomLegacyVendor.name, () => {
  let sandbox: FastifyInstance;
  let baseUrl: string;
  let sandboxUrl: string;

  beforeAll(async () => {
    sandbox = buildSandboxApp();
    await sandbox.listen({ host: '127.0.0.1', port: 0 });
    sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;
    baseUrl = `${sandboxUrl}/crmcom/crmapi/rest/v2`;
  });
  afterAll(() => sandbox.close());
  beforeEach(() => request(sandboxUrl).post('/_sandbox/reset').expect(200));

  const adapter = (overrides: Partial<{ baseUrl: string; webApiKey: string }> = {}) =>
    new CrmcomLegacyVendor({ baseUrl, webApiKey: CRMCOM_SANDBOX_WEB_API_KEY, unitName: 'Unit', timeoutMs: 1000, ...overrides });
  const context = (reference: string, attempt = 1) => {
    const records: VendorCallRecord[] = [];
    const ctx: VendorCallContext = { reference, store: 'S1', till: 'T1', attempt, currency: 'EUR', recorder: { record: async (r) => void records.push(r) } };
    return { ctx, records };
  };
  const purchase = {
    performedOn: '2026-11-21T10:00:00Z',
    externalSystem: 'T1',
    lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }],
  };
  const journalCount = async (reference: string) =>
    (await request(sandboxUrl).get('/_sandbox/journal').query({ reference })).body.entries.length as number;

  it('identifies the document participant 22265577 with wallet balance 10.00', async () => {
    const { ctx, records } = context('R-identify');
    const customer = await adapter().identify(ctx, { type: 'code', value: '22265577' });
    expect(customer).toEqual({ accountNumber: '400', walletBalanceMinor: 1000 });
    expect(records).toEqual([expect.objectContaining({ operation: 'rewards_participants.show', outcome: 'success', httpStatus: 200, vendorReference: '400' })]);
  });

  it('classifies an unknown participant as a business rejection that is not retried', async () => {
    const { ctx, records } = context('R-unknown');
    const error = await adapter().identify(ctx, { type: 'code', value: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: FailureTypes.vendorRejection, nonRetryable: true });
    expect(records[0]).toMatchObject({ outcome: 'rejected', errorCode: 'NotFoundAPIValueException' });
  });

  it('submits a purchase and, on a retried attempt, finds it by reference instead of posting again', async () => {
    const vendor = adapter();
    const customer = await vendor.identify(context('R-p').ctx, { type: 'code', value: '22265577' });
    const first = await vendor.submitPurchase(context('R-lost-reply', 1).ctx, customer, purchase);
    expect(first).toEqual({ purchaseNumber: expect.any(String), awardedMinor: 10, automaticSpendMinor: 0 });

    // Attempt 2 after a lost reply: the purchase exists, so no second effect.
    const retry = context('R-lost-reply', 2);
    const second = await vendor.submitPurchase(retry.ctx, customer, purchase);
    expect(second).toEqual(first);
    expect(retry.records.map((r) => r.operation)).toEqual(['purchases.list']);
    expect(await journalCount('R-lost-reply')).toBe(1);
  });

  it('posts on a retried attempt when the first one never reached CRM.COM', async () => {
    const vendor = adapter();
    const customer = await vendor.identify(context('R-p2').ctx, { type: 'code', value: '22265577' });
    const retry = context('R-never-arrived', 2);
    await vendor.submitPurchase(retry.ctx, customer, purchase);
    expect(retry.records.map((r) => r.operation)).toEqual(['purchases.list', 'purchases.create']);
    expect(await journalCount('R-never-arrived')).toBe(1);
  });

  it('renews a token CRM.COM no longer accepts and repeats the call once', async () => {
    const vendor = adapter();
    await vendor.identify(context('R-t1').ctx, { type: 'code', value: '22265577' });
    await request(sandboxUrl).post('/_sandbox/crmcom/expire-tokens').expect(200);
    const { ctx, records } = context('R-t2');
    await expect(vendor.identify(ctx, { type: 'code', value: '22265577' })).resolves.toMatchObject({ accountNumber: '400' });
    expect(records.map((r) => [r.outcome, r.errorCode ?? null])).toEqual([
      ['rejected', 'InvalidTokenException'],
      ['success', null],
    ]);
  });

  it('reports an unreachable vendor as retryable VendorUnavailable', async () => {
    const { ctx, records } = context('R-down');
    const error = await adapter({ baseUrl: 'http://127.0.0.1:9/crmapi/rest/v2' })
      .identify(ctx, { type: 'code', value: '22265577' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ type: FailureTypes.vendorUnavailable, nonRetryable: false });
    // The token request itself failed, before any business call: nothing to audit yet.
    expect(records).toEqual([]);
  });

  it('refuses a wrong Web API key', async () => {
    const error = await adapter({ webApiKey: 'wrong' })
      .identify(context('R-key').ctx, { type: 'code', value: '22265577' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: 'AuthenticationException' })] });
  });
});
