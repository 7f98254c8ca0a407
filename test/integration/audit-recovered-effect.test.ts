import { randomUUID } from 'node:crypto';
import type { AuditScope } from '../../core/audit/audit-writer';
import { CapillaryVendor } from '../../activities/vendors/capillary.vendor';
import { CouponToolsVendor } from '../../activities/vendors/coupontools.vendor';
import { CrmcomBackofficeVendor } from '../../activities/vendors/crmcom-backoffice.vendor';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { intentSeenFrom } from '../support/vendor-calls';
import {
  COUPONTOOLS_SANDBOX_CLIENT_ID,
  COUPONTOOLS_SANDBOX_CLIENT_SECRET,
  COUPONTOOLS_SANDBOX_SESSIONS,
} from '../../src/sandbox/coupontools.sandbox';
import { CAPILLARY_SANDBOX_CUSTOMER, CAPILLARY_SANDBOX_OAUTH } from '../../src/sandbox/capillary.sandbox';
import { CRMCOM_SANDBOX_API_KEY } from '../../src/sandbox/crmcom-backoffice.sandbox';
import { auditDatabaseForFile } from '../support/audit-database';
import { journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';

const JOHN = '5c3e4a9e-8f1d-4b6a-9c2e-1a7d3f5b0001';

/**
 * A worker killed after a vendor applied an effect but before the attempt's audit row was written:
 * the retry's lookup finds the effect, and the trail must then name it, once. Real sandbox over
 * HTTP, real migrated Postgres, the AuditWriter the activities use.
 */
describe('an effect recovered by lookup after a lost audit row', () => {
  const sandbox = sandboxForFile();
  const audit = auditDatabaseForFile();

  const crmcom = () => new CrmcomBackofficeVendor({ baseUrl: `${sandbox.url}/crmcom/backoffice/v1`, apiKey: CRMCOM_SANDBOX_API_KEY, timeoutMs: 2000 });
  const coupontools = () =>
    new CouponToolsVendor({
      baseUrl: `${sandbox.url}/coupontools/v3`,
      clientId: COUPONTOOLS_SANDBOX_CLIENT_ID,
      clientSecret: COUPONTOOLS_SANDBOX_CLIENT_SECRET,
      timeoutMs: 2000,
    });
  const capillary = () =>
    new CapillaryVendor({ baseUrl: `${sandbox.url}/capillary`, oauthKey: CAPILLARY_SANDBOX_OAUTH.key, oauthSecret: CAPILLARY_SANDBOX_OAUTH.secret, timeoutMs: 2000 });
  const bill = {
    billingTime: '2026-11-21T10:00:00Z',
    amountMinor: 90_000,
    grossAmountMinor: 100_000,
    discountMinor: 10_000,
    lines: [{ sku: 'skuattr9', description: 'soap', quantity: 2, totalMinor: 100_000, netMinor: 90_000, vatMinor: 10_000 }],
    customer: { type: 'phone' as const, value: `+${CAPILLARY_SANDBOX_CUSTOMER.mobile}` },
  };
  const purchase = { performedOn: '2026-11-21T10:00:00Z', externalSystem: 'T1', lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }] };

  /** The context of one activity attempt; `auditLost` plays the worker dying before its rows land. */
  const attempt = (checkoutId: string, reference: string, n: number, step: string, auditLost = false): VendorCallContext => {
    const scope: AuditScope = {
      checkoutId, runId: 'run-1', activityId: step, attempt: n, step, merchant: 'demo', store: 'S1', till: 'T1', currency: 'EUR',
    };
    return {
      reference, store: 'S1', till: 'T1', attempt: n, currency: 'EUR', recorder: auditLost ? { record: async () => undefined } : audit.writer.recorderFor(scope),
      effectMayHaveBeenSent: intentSeenFrom(n),
    };
  };
  const successRows = (checkoutId: string, operation: string) =>
    audit.dataSource.query<Array<{ attempt: number; vendor_reference: string; amount_minor: string | null; request_excerpt: Record<string, unknown> | null }>>(
      `SELECT attempt, vendor_reference, amount_minor, request_excerpt FROM audit_events
        WHERE checkout_id = $1 AND kind = 'vendor_call' AND operation = $2 AND outcome = 'success' ORDER BY id`,
      [checkoutId, operation],
    );
  const journal = async (vendor: string, reference: string) => (await journalOf(sandbox.url, reference, vendor)).map((e) => e.effect);

  it('audits a CRM.COM purchase whose first attempt left no row, as one success found by purchases.show', async () => {
    const checkoutId = `checkout:demo:S1:T1:REC-${randomUUID().slice(0, 8)}`;
    const reference = checkoutId.slice('checkout:'.length);
    const customer = { accountNumber: JOHN, walletBalanceMinor: 0 };
    const first = await crmcom().submitPurchase(attempt(checkoutId, reference, 1, 'commit:loyalty', true), customer, purchase);
    expect(await successRows(checkoutId, 'purchases.create')).toEqual([]);

    const second = await crmcom().submitPurchase(attempt(checkoutId, reference, 2, 'commit:loyalty'), customer, purchase);
    const third = await crmcom().submitPurchase(attempt(checkoutId, reference, 3, 'commit:loyalty'), customer, purchase);

    expect(second.purchaseNumber).toBe(first.purchaseNumber);
    expect(third.purchaseNumber).toBe(first.purchaseNumber);
    expect(await journal('crmcom', reference)).toEqual(['purchase.create']);
    // One row for the one purchase: the third attempt found the second's recovered row and added none.
    expect(await successRows(checkoutId, 'purchases.create')).toEqual([
      { attempt: 2, vendor_reference: first.purchaseNumber, amount_minor: expect.any(String), request_excerpt: { recovered_by: 'purchases.show', attempt: 2 } },
    ]);
  });

  it('adds nothing when the first attempt did audit its purchase (no double count for finance)', async () => {
    const checkoutId = `checkout:demo:S1:T1:REC-${randomUUID().slice(0, 8)}`;
    const reference = checkoutId.slice('checkout:'.length);
    const customer = { accountNumber: JOHN, walletBalanceMinor: 0 };
    await crmcom().submitPurchase(attempt(checkoutId, reference, 1, 'commit:loyalty'), customer, purchase);
    await crmcom().submitPurchase(attempt(checkoutId, reference, 2, 'commit:loyalty'), customer, purchase);

    const rows = await successRows(checkoutId, 'purchases.create');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ attempt: 1, request_excerpt: expect.not.objectContaining({ recovered_by: expect.anything() }) });
  });

  it('audits a Coupontools lock and validation found on the session after lost rows', async () => {
    const checkoutId = `checkout:demo:S1:T1:REC-${randomUUID().slice(0, 8)}`;
    const code = COUPONTOOLS_SANDBOX_SESSIONS.claimed;
    await coupontools().hold(attempt(checkoutId, `${checkoutId}:${code}`, 1, 'reserve:coupon', true), code);
    await coupontools().hold(attempt(checkoutId, `${checkoutId}:${code}`, 2, 'reserve:coupon'), code);
    await coupontools().redeem(attempt(checkoutId, `${checkoutId}:${code}`, 1, 'complete:coupon', true), code, { billAmountMinor: 2500 });
    await coupontools().redeem(attempt(checkoutId, `${checkoutId}:${code}`, 2, 'complete:coupon'), code, { billAmountMinor: 2500 });

    expect(await successRows(checkoutId, 'couponsession.lock')).toEqual([
      { attempt: 2, vendor_reference: audit.writer.customers.refOf({ type: 'coupon', value: code }), amount_minor: null, request_excerpt: { recovered_by: 'couponsession.data', attempt: 2 } },
    ]);
    expect(await successRows(checkoutId, 'couponsession.validate')).toEqual([
      { attempt: 2, vendor_reference: audit.writer.customers.refOf({ type: 'coupon', value: code }), amount_minor: '2500', request_excerpt: { recovered_by: 'couponsession.data', attempt: 2 } },
    ]);
  });

  // The retry looks its bill up by number (transaction/get) before sending: found, it is not sent
  // again, and its row is the bill's row only when the first attempt's was lost.
  it('counts a Capillary bill once when the retry finds it by number, whether or not the first row landed', async () => {
    const landed = `checkout:demo:S1:T1:REC-${randomUUID().slice(0, 8)}`;
    const lost = `checkout:demo:S1:T1:REC-${randomUUID().slice(0, 8)}`;
    for (const [checkoutId, firstRowLost] of [[landed, false], [lost, true]] as const) {
      const reference = checkoutId.slice('checkout:'.length);
      await capillary().addTransaction(attempt(checkoutId, reference, 1, 'complete:bill', firstRowLost), bill);
      await expect(capillary().addTransaction(attempt(checkoutId, reference, 2, 'complete:bill'), bill)).resolves.toMatchObject({ duplicate: true });
      expect(await journal('capillary', reference)).toEqual(['transaction.add']);
    }
    expect(await successRows(landed, 'transaction.add')).toEqual([
      { attempt: 1, vendor_reference: expect.stringMatching(/^\d+$/), amount_minor: '90000', request_excerpt: expect.any(Object) },
    ]);
    expect(await successRows(lost, 'transaction.add')).toEqual([
      { attempt: 2, vendor_reference: expect.stringMatching(/^\d+$/), amount_minor: '90000', request_excerpt: expect.any(Object) },
    ]);
  });
});
