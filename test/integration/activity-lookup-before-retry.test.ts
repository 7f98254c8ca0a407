import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createCheckoutActivities } from '../../activities/checkout.activities';
import { createVendorRegistry } from '../../activities/vendors/vendor-registry';
import { loadConfig } from '../../core/config/app-config';
import { COUPONTOOLS_SANDBOX_SESSIONS } from '../../src/sandbox/coupontools.sandbox';
import { checkoutReference, FailureTypes, type CheckoutRef } from '../../workflows/checkout.contract';
import { auditDatabaseForFile } from '../support/audit-database';
import { injectFault, journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';
import { uniquePosReference } from '../support/test-stack';
import { failureOf } from '../support/vendor-calls';

const PURCHASE_PATH = '/crmcom/crmapi/rest/v2/customer_events/purchases/create';
const REDEEM_PATH = '/capillary/v1.1/points/redeem';
const COUPON_UPDATE_PATH = '/coupontools/v3/couponsession/update';
const RUN_ID = 'run-1';

/**
 * Lookup-before-retry at the activity boundary. The real checkout activities (the config's vendor
 * registry against the in-process sandbox over HTTP, the AuditWriter on the migrated test database)
 * run inside Temporal's MockActivityEnvironment: attempt 1, whose reply the sandbox holds past the
 * adapter's timeout after applying the effect (the lost reply), then attempt 2 of the same activity.
 *
 * Today each adapter decides to look the effect up from the attempt number (`ctx.attempt > 1` in
 * activities/vendors/*); these tests pin that rule, including what it cannot see (attempts that
 * start from 1 again). When the decision moves to a durable intent recorded before the call, the
 * "attempt 1 again" cases flip and this file changes with it.
 */
describe(`${createCheckoutActivities.name}: lookup before retry, decided today by the activity attempt number`, () => {
  const sandbox = sandboxForFile();
  const audit = auditDatabaseForFile();

  /** A fresh worker's activities: the registry the config names, vendor calls timing out after 1 s. */
  const activities = () =>
    createCheckoutActivities(
      {
        dataSource: audit.dataSource,
        vendors: createVendorRegistry(loadConfig({ SANDBOX_PORT: new URL(sandbox.url).port, VENDOR_TIMEOUT_MS: '1000' })),
        customers: audit.writer.customers,
      },
      audit.writer,
    );
  const newCheckout = (): CheckoutRef => {
    const posReference = uniquePosReference('LBR');
    return { checkoutId: `checkout:demo:S1:T1:${posReference}`, merchant: 'demo', store: 'S1', till: 'T1', posReference, currency: 'EUR' };
  };

  /** Runs `call` as attempt `attempt` of the activity `activityId` of `ref`'s saga (Temporal's activity info). */
  const asAttempt = <R>(attempt: number, ref: CheckoutRef, activityId: string, call: () => Promise<R>): Promise<R> =>
    new MockActivityEnvironment(
      { attempt, activityId, workflowExecution: { workflowId: ref.checkoutId, runId: RUN_ID } },
      { logger: new DefaultLogger('ERROR') },
    ).run(call);

  /** Attempt 1 of `call` while `path` applies the effect but its reply never arrives: it fails as retryable. */
  async function attempt1WithLostReply(ref: CheckoutRef, activityId: string, path: string, call: () => Promise<unknown>): Promise<void> {
    await injectFault(sandbox.url, { path, kind: 'apply_then_timeout', latencyMs: 3000, times: 1 });
    expect(await failureOf(asAttempt(1, ref, activityId, call))).toMatchObject({ type: FailureTypes.vendorUnavailable, nonRetryable: false });
  }

  const journal = async (ref: CheckoutRef, vendor: string) => journalOf(sandbox.url, checkoutReference(ref), vendor);
  /** The checkout's successful audit rows of `operation`: exactly one per effect is what finance counts. */
  const successRows = (ref: CheckoutRef, operation: string) =>
    audit.dataSource.query<Array<{ attempt: number; vendor_reference: string | null; recovered_by: string | null }>>(
      `SELECT attempt, vendor_reference, request_excerpt->>'recovered_by' AS recovered_by FROM audit_events
        WHERE checkout_id = $1 AND kind = 'vendor_call' AND operation = $2 AND outcome = 'success' ORDER BY id`,
      [ref.checkoutId, operation],
    );

  describe('CRM.COM purchase (submitLoyaltyPurchase)', () => {
    const purchase = {
      performedOn: '2026-11-21T10:00:00Z',
      externalSystem: 'T1',
      lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }],
    };
    const lostPurchase = async () => {
      const ref = newCheckout();
      const acts = activities();
      const customer = await asAttempt(1, ref, 'identify', () => acts.identifyCustomer(ref, { type: 'code', value: '22265577' }));
      const submit = () => activities().submitLoyaltyPurchase(ref, customer, purchase);
      await attempt1WithLostReply(ref, 'purchase', PURCHASE_PATH, submit);
      return { ref, submit };
    };

    it('attempt 2 finds the purchase by reference instead of posting again, and returns the first purchase', async () => {
      const { ref, submit } = await lostPurchase();

      const retried = await asAttempt(2, ref, 'purchase', submit);

      const applied = await journal(ref, 'crmcom');
      expect(applied.map((e) => e.effect)).toEqual(['purchase.create']);
      expect(retried).toEqual({ purchaseNumber: applied[0].vendorReference, awardedMinor: 10, automaticSpendMinor: 0 });
      expect(await successRows(ref, 'purchases.create')).toEqual([{ attempt: 2, vendor_reference: applied[0].vendorReference, recovered_by: 'purchases.list' }]);
    });

    it('attempt 1 again (attempts start over, as after an activity reset) skips the lookup and posts a second purchase', async () => {
      const { ref, submit } = await lostPurchase();

      // Under another activity id: what is asserted is the adapter's decision, not the audit keys.
      await asAttempt(1, ref, 'purchase-again', submit);

      expect((await journal(ref, 'crmcom')).map((e) => e.effect)).toEqual(['purchase.create', 'purchase.create']);
    });
  });

  describe('Capillary points redemption (redeemPoints)', () => {
    const lostRedemption = async () => {
      const ref = newCheckout();
      const acts = activities();
      const customer = await asAttempt(1, ref, 'points-customer', () => acts.findPointsCustomer(ref, { type: 'phone', value: '919999999999' }));
      const redeem = () => activities().redeemPoints(ref, customer, 100);
      await attempt1WithLostReply(ref, 'points-redeem', REDEEM_PATH, redeem);
      return { ref, redeem };
    };

    it('attempt 2 finds the redemption on the bill instead of redeeming again, and returns the first redemption', async () => {
      const { ref, redeem } = await lostRedemption();

      const retried = await asAttempt(2, ref, 'points-redeem', redeem);

      const applied = await journal(ref, 'capillary');
      expect(applied.map((e) => e.effect)).toEqual(['points.redeem']);
      expect(retried).toMatchObject({ redemptionId: applied[0].vendorReference, points: 100, valueMinor: 100 });
      expect(await successRows(ref, 'points.redeem')).toEqual([
        { attempt: 2, vendor_reference: applied[0].vendorReference, recovered_by: 'customer.redemptions.points' },
      ]);
    });

    it('attempt 1 again (attempts start over, as after an activity reset) skips the lookup and redeems a second time', async () => {
      const { ref, redeem } = await lostRedemption();

      await asAttempt(1, ref, 'points-redeem-again', redeem);

      expect((await journal(ref, 'capillary')).map((e) => e.effect)).toEqual(['points.redeem', 'points.redeem']);
    });
  });

  describe('Coupontools lock (holdCoupon)', () => {
    const code = COUPONTOOLS_SANDBOX_SESSIONS.claimed;

    it('attempt 2 reads the session, finds it locked and takes the lock as its own: locked once, held', async () => {
      const ref = newCheckout();
      const hold = () => activities().holdCoupon(ref, 'coupontools', code);
      await attempt1WithLostReply(ref, 'coupon-hold', COUPON_UPDATE_PATH, hold);

      const retried = await asAttempt(2, ref, 'coupon-hold', hold);

      const applied = await journal(ref, 'coupontools');
      expect(applied).toEqual([expect.objectContaining({ effect: 'coupon.lock', reference: `${checkoutReference(ref)}:${code}`, vendorReference: code })]);
      expect(retried).toEqual({ held: true });
      expect(await successRows(ref, 'couponsession.lock')).toEqual([{ attempt: 2, vendor_reference: code, recovered_by: 'couponsession.data' }]);
    });
  });
});
