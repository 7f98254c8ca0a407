import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createCheckoutActivities } from '../../activities/checkout.activities';
import { createVendorRegistry } from '../../activities/vendors/vendor-registry';
import { OUTCOME_UNKNOWN } from '../../activities/vendors/crmcom-legacy.vendor';
import { loadConfig } from '../../core/config/app-config';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { CAPILLARY_SANDBOX_COUPONS, CAPILLARY_SANDBOX_CUSTOMER } from '../../src/sandbox/capillary-sandbox-org';
import { COUPONTOOLS_SANDBOX_SESSIONS } from '../../src/sandbox/coupontools.sandbox';
import { checkoutReference, FailureTypes, type CheckoutRef } from '../../workflows/checkout.contract';
import { auditDatabaseForFile } from '../support/audit-database';
import { injectFault, journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';
import { uniquePosReference } from '../support/test-stack';
import { failureOf } from '../support/vendor-calls';

const PURCHASE_PATH = '/crmcom/crmapi/rest/v2/customer_events/purchases/create';
const SPEND_PATH = '/crmcom/crmapi/rest/v2/customer_events/spend_requests/create';
const BACKOFFICE_PURCHASE_PATH = '/crmcom/backoffice/v1/purchases';
const REDEEM_PATH = '/capillary/v1.1/points/redeem';
const BILL_PATH = '/capillary/v1.1/transaction/add';
const CAPILLARY_COUPON_PATH = '/capillary/v1.1/coupon/redeem';
const COUPON_UPDATE_PATH = '/coupontools/v3/couponsession/update';
const CMC_TRANSACTION_PATH = '/cmc/pos/checkout-saga/transaction';
const RUN_ID = 'run-1';

/**
 * Lookup-before-retry at the activity boundary. The real checkout activities (the config's vendor
 * registry against the in-process sandbox over HTTP, the AuditWriter and the effect intents on the
 * migrated test database) run inside Temporal's MockActivityEnvironment: attempt 1, whose reply the
 * sandbox holds past the adapter's timeout after applying the effect (the lost reply), then attempt 2
 * of the same activity, or attempt 1 again (an activity reset: `temporal activity reset`, the ops
 * retry endpoint), scheduled later.
 *
 * Each adapter decides to look the effect up from the effect intent it recorded before sending
 * (core/effects, keyed by checkout, step, vendor operation and reference), never from the attempt
 * number, which a reset starts at 1 again. The reset's audit rows carry the attempt's scheduled
 * time in their key, so they are not mistaken for the lost attempt's rows and dropped.
 */
describe(`${createCheckoutActivities.name}: lookup before retry, decided by the effect intent`, () => {
  const sandbox = sandboxForFile();
  const audit = auditDatabaseForFile();

  /** A fresh worker's activities: the registry the config names (or `env`'s), vendor calls timing out after 1 s. */
  const activities = (env: Record<string, string> = {}) =>
    createCheckoutActivities(
      {
        dataSource: audit.dataSource,
        vendors: createVendorRegistry(loadConfig({ APP_ENV: 'test', SANDBOX_PORT: new URL(sandbox.url).port, VENDOR_TIMEOUT_MS: '1000', ...env })),
        customers: audit.writer.customers,
        projectionCodes: encryptionCodecFor(loadConfig({ APP_ENV: 'test' })),
      },
      audit.writer,
    );
  /** A coupon code as audit rows keep it: keyed (core/audit/audit-identifiers.ts). */
  const keyedCoupon = (code: string) => audit.writer.customers.refOf({ type: 'coupon', value: code });
  const newCheckout = (currency = 'EUR'): CheckoutRef => {
    const posReference = uniquePosReference('LBR');
    return { checkoutId: `checkout:demo:S1:T1:${posReference}`, merchant: 'demo', store: 'S1', till: 'T1', posReference, currency };
  };

  /** When Temporal scheduled each attempt: later for every new attempt, a reset's attempt 1 included. */
  let scheduledAt = Date.now();
  /** Runs `call` as attempt `attempt` of the activity `activityId` of `ref`'s saga (Temporal's activity info). */
  const asAttempt = <R>(attempt: number, ref: CheckoutRef, activityId: string, call: () => Promise<R>): Promise<R> =>
    new MockActivityEnvironment(
      { attempt, activityId, currentAttemptScheduledTimestampMs: ++scheduledAt, workflowExecution: { workflowId: ref.checkoutId, runId: RUN_ID } },
      { logger: new DefaultLogger('ERROR') },
    ).run(call);
  /** An activity reset after a lost reply: attempt 1 of the same activity again, in a fresh worker. */
  const reset = <R>(ref: CheckoutRef, activityId: string, call: () => Promise<R>): Promise<R> => asAttempt(1, ref, activityId, call);

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

    /** One purchase in the journal, the reset's answer is that purchase, and its one success row is the lookup's. */
    const expectPurchaseFoundNotPosted = async (ref: CheckoutRef, again: unknown) => {
        const applied = await journal(ref, 'crmcom');
        expect(applied.map((e) => e.effect)).toEqual(['purchase.create']);
        expect(again).toEqual({ purchaseNumber: applied[0].vendorReference, awardedMinor: 10, automaticSpendMinor: 0 });
        expect(await successRows(ref, 'purchases.create')).toEqual([{ attempt: 1, vendor_reference: applied[0].vendorReference, recovered_by: 'purchases.list' }]);
    };

    it('a reset (attempt 1 again) finds the purchase by reference instead of posting again: one purchase, one success row', async () => {
      const { ref, submit } = await lostPurchase();

      const again = await reset(ref, 'purchase', submit);

      await expectPurchaseFoundNotPosted(ref, again);
    });

    it('a reset finds its purchase although CRM.COM ignores the undocumented reference filter (other sales listed first): one purchase', async () => {
      // Another checkout's purchase, older than ours: what a list that ignores reference_number shows first.
      const other = newCheckout();
      const otherCustomer = await asAttempt(1, other, 'identify', () => activities().identifyCustomer(other, { type: 'code', value: '22265577' }));
      await asAttempt(1, other, 'purchase', () => activities().submitLoyaltyPurchase(other, otherCustomer, purchase));
      const { ref, submit } = await lostPurchase();

      const again = await reset(ref, 'purchase', submit);

      await expectPurchaseFoundNotPosted(ref, again);
    });
  });

  describe('CRM.COM wallet spend (submitLoyaltyPurchase with a spend)', () => {
    it('a reset after the spend reply was lost does not spend again (no documented spend lookup): OUTCOME_UNKNOWN row, spent once', async () => {
      const ref = newCheckout();
      const customer = await asAttempt(1, ref, 'identify', () => activities().identifyCustomer(ref, { type: 'code', value: '22265577' }));
      const submit = () =>
        activities().submitLoyaltyPurchase(ref, customer, { performedOn: '2026-11-21T10:00:00Z', externalSystem: 'T1', lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }] }, 500);
      await attempt1WithLostReply(ref, 'purchase', SPEND_PATH, submit);

      // At most once: the reset fails without retries instead of sending the spend again.
      expect(await failureOf(reset(ref, 'purchase', submit))).toMatchObject({ type: OUTCOME_UNKNOWN, nonRetryable: true });

      const applied = await journal(ref, 'crmcom');
      expect(applied.map((e) => e.effect)).toEqual(['purchase.create', 'spend.create']);
      // The purchase's own row landed on the lost attempt: its recovery adds none.
      expect(await successRows(ref, 'purchases.create')).toEqual([{ attempt: 1, vendor_reference: applied[0].vendorReference, recovered_by: null }]);
      expect(await successRows(ref, 'spend_requests.create')).toEqual([]);
      // For ops and finance: the spend that may stand at CRM.COM, against its purchase, for the amount asked.
      const unknown = await audit.dataSource.query<Array<{ vendor_reference: string; amount_minor: string }>>(
        `SELECT vendor_reference, amount_minor FROM audit_events WHERE checkout_id = $1 AND operation = 'spend_requests.create' AND error_code = 'OUTCOME_UNKNOWN'`,
        [ref.checkoutId],
      );
      expect(unknown).toEqual([{ vendor_reference: applied[0].vendorReference, amount_minor: expect.stringMatching(/^500$/) }]);
    });
  });

  describe('CRM.COM back-office purchase (submitLoyaltyPurchase)', () => {
    it('a reset shows our purchase id instead of posting again: one purchase, one success row', async () => {
      const backoffice = () => activities({ CRMCOM_API: 'backoffice' });
      const ref = newCheckout();
      const customer = await asAttempt(1, ref, 'identify', () => backoffice().identifyCustomer(ref, { type: 'code', value: '22265577' }));
      const submit = () => backoffice().submitLoyaltyPurchase(ref, customer, { performedOn: '2026-11-21T10:00:00Z', externalSystem: 'T1', lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }] });
      await attempt1WithLostReply(ref, 'purchase', BACKOFFICE_PURCHASE_PATH, submit);

      const again = await reset(ref, 'purchase', submit);

      const applied = await journal(ref, 'crmcom');
      expect(applied.map((e) => e.effect)).toEqual(['purchase.create']);
      expect(again).toMatchObject({ purchaseNumber: applied[0].vendorReference });
      expect(await successRows(ref, 'purchases.create')).toEqual([{ attempt: 1, vendor_reference: applied[0].vendorReference, recovered_by: 'purchases.show' }]);
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

    it('a reset (attempt 1 again) finds the redemption on the bill instead of redeeming again: one redemption, one success row', async () => {
      const { ref, redeem } = await lostRedemption();

      const again = await reset(ref, 'points-redeem', redeem);

      const applied = await journal(ref, 'capillary');
      expect(applied.map((e) => e.effect)).toEqual(['points.redeem']);
      expect(again).toMatchObject({ redemptionId: applied[0].vendorReference, points: 100 });
      expect(await successRows(ref, 'points.redeem')).toEqual([
        { attempt: 1, vendor_reference: applied[0].vendorReference, recovered_by: 'customer.redemptions.points' },
      ]);
    });
  });

  describe('Capillary bill (addSaleTransaction)', () => {
    it('a reset finds its lost bill by number instead of sending it again: one send, one success row', async () => {
      const ref = newCheckout('EUR');
      const add = () =>
        activities().addSaleTransaction(ref, {
          billingTime: '2026-11-21T10:00:00Z', amountMinor: 90_000, grossAmountMinor: 100_000, discountMinor: 10_000,
          lines: [{ sku: 'skuattr9', description: 'soap', quantity: 2, totalMinor: 100_000, netMinor: 90_000, vatMinor: 10_000 }],
          customer: { type: 'phone', value: CAPILLARY_SANDBOX_CUSTOMER.mobile },
        });
      await attempt1WithLostReply(ref, 'transaction-add', BILL_PATH, add);

      const again = await reset(ref, 'transaction-add', add);

      const applied = await journal(ref, 'capillary');
      expect(applied.map((e) => e.effect)).toEqual(['transaction.add']);
      expect(again).toEqual({ transactionId: applied[0].vendorReference, duplicate: true });
      // The lookup's find is audited as the lost bill's row (its only success row); the journal holds
      // every send, so a re-send refused with 604 would have shown above as a second entry.
      expect(await successRows(ref, 'transaction.add')).toEqual([{ attempt: 1, vendor_reference: applied[0].vendorReference, recovered_by: 'transaction.get' }]);
    });
  });

  describe('Capillary coupon redemption (redeemCoupon)', () => {
    const lostRedemption = async (code: string) => {
      const ref = newCheckout('EUR');
      const redeem = () => activities().redeemCoupon(ref, 'capillary', code, { billAmountMinor: 100, customer: { type: 'phone', value: CAPILLARY_SANDBOX_CUSTOMER.mobile } });
      await attempt1WithLostReply(ref, 'coupon-redeem', CAPILLARY_COUPON_PATH, redeem);
      return { ref, redeem };
    };

    // vendors.md §2: single-use coupons answer a second redeem with 711/716, "Multi-use coupons
    // (`redemptions_left` −1 or > 1) can be double-redeemed": either way the reset must not send again.
    it.each([
      ['a single-use coupon (a re-send would be refused 711, a second send all the same)', CAPILLARY_SANDBOX_COUPONS.redeemable],
      ['a multi-use coupon (a re-send would redeem it twice)', CAPILLARY_SANDBOX_COUPONS.multiUse],
    ])('a reset finds the lost redemption on the bill in the coupon history instead of redeeming again: %s', async (_name, code) => {
      const { ref, redeem } = await lostRedemption(code);

      const again = await reset(ref, 'coupon-redeem', redeem);

      // Every send of the redemption, applied or refused as a duplicate: one.
      const sends = await journal(ref, 'capillary');
      expect(sends.map((e) => [e.effect, e.outcome])).toEqual([['coupon.redeem', 'applied']]);
      expect(again).toEqual({ code, redemptionId: sends[0].vendorReference, compensable: true });
      // The history's find is audited as the lost redemption's row (its only success row).
      expect(await successRows(ref, 'coupon.redeem')).toEqual([{ attempt: 1, vendor_reference: sends[0].vendorReference, recovered_by: 'customer.redemptions.coupons' }]);
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
      expect(await successRows(ref, 'couponsession.lock')).toEqual([{ attempt: 2, vendor_reference: keyedCoupon(code), recovered_by: 'couponsession.data' }]);
    });

    it('a reset (attempt 1 again) reads the session and takes the lock as its own: locked once, one success row', async () => {
      const ref = newCheckout();
      const hold = () => activities().holdCoupon(ref, 'coupontools', code);
      await attempt1WithLostReply(ref, 'coupon-hold', COUPON_UPDATE_PATH, hold);

      await expect(reset(ref, 'coupon-hold', hold)).resolves.toEqual({ held: true });

      expect((await journal(ref, 'coupontools')).map((e) => e.effect)).toEqual(['coupon.lock']);
      expect(await successRows(ref, 'couponsession.lock')).toEqual([{ attempt: 1, vendor_reference: keyedCoupon(code), recovered_by: 'couponsession.data' }]);
    });
  });

  describe('Coupontools validation (redeemCoupon)', () => {
    it('a reset reads the session and takes its validation as its own: validated once, one success row', async () => {
      const ref = newCheckout();
      const code = COUPONTOOLS_SANDBOX_SESSIONS.claimed;
      const redeem = () => activities().redeemCoupon(ref, 'coupontools', code, { billAmountMinor: 500 });
      await attempt1WithLostReply(ref, 'coupon-redeem', COUPON_UPDATE_PATH, redeem);

      await expect(reset(ref, 'coupon-redeem', redeem)).resolves.toEqual({ code, compensable: false });

      expect((await journal(ref, 'coupontools')).map((e) => e.effect)).toEqual(['coupon.validate']);
      expect(await successRows(ref, 'couponsession.validate')).toEqual([{ attempt: 1, vendor_reference: keyedCoupon(code), recovered_by: 'couponsession.data' }]);
    });
  });

  /**
   * CMC (ClearLine) documents neither a lookup nor duplicate detection (and the sandbox de-duplicates
   * nothing): once the transaction may have reached ClearLine, no try sends it again. It ends "outcome
   * unknown" instead: an `unknown` audit row and an OUTCOME_UNKNOWN refusal, which the complete phase
   * records as an exception for finance. An answer that says ClearLine did not apply it (503) clears
   * the intent, so a reset then sends.
   */
  describe('CMC post-tender transaction (sendPostTender)', () => {
    const tx = {
      terminalId: 'T1', posLocationId: 'S1', amountMinor: 7500, transactionDate: '2026-11-21T10:00:00Z',
      lines: [{ sku: 'SKU-1', description: 'Soft Drinks', quantity: 3, totalMinor: 7500, netMinor: 6000, vatMinor: 1500 }],
    };
    const unknownRows = (ref: CheckoutRef) =>
      audit.dataSource.query<Array<{ attempt: number; amount_minor: string; error_code: string; transaction_id: string }>>(
        `SELECT attempt, amount_minor, error_code, request_excerpt->>'transactionId' AS transaction_id FROM audit_events
          WHERE checkout_id = $1 AND kind = 'vendor_call' AND operation = 'pos.transaction' AND outcome = 'unknown' ORDER BY id`,
        [ref.checkoutId],
      );
    const outcomeUnknown = { type: FailureTypes.vendorRejection, nonRetryable: true, details: [expect.objectContaining({ vendor: 'cmc', code: 'OUTCOME_UNKNOWN' })] };

    it('a reset after a lost reply (attempt 1 again) does not send again: one send, no success row, one unknown row', async () => {
      const ref = newCheckout();
      const send = () => activities().sendPostTender(ref, tx);
      await attempt1WithLostReply(ref, 'post-tender', CMC_TRANSACTION_PATH, send);

      expect(await failureOf(reset(ref, 'post-tender', send))).toMatchObject(outcomeUnknown);

      const sends = await journal(ref, 'cmc');
      expect(sends.map((e) => [e.effect, e.outcome])).toEqual([['posttender.transaction', 'applied']]);
      expect(await successRows(ref, 'pos.transaction')).toEqual([]);
      expect(await unknownRows(ref)).toEqual([{ attempt: 1, amount_minor: '7500', error_code: 'OUTCOME_UNKNOWN', transaction_id: checkoutReference(ref) }]);
    });

    it('attempt 2 after a lost reply does not send again either', async () => {
      const ref = newCheckout();
      const send = () => activities().sendPostTender(ref, tx);
      await attempt1WithLostReply(ref, 'post-tender', CMC_TRANSACTION_PATH, send);

      expect(await failureOf(asAttempt(2, ref, 'post-tender', send))).toMatchObject(outcomeUnknown);

      expect(await journal(ref, 'cmc')).toHaveLength(1);
      expect((await unknownRows(ref)).map((r) => r.attempt)).toEqual([2]);
    });

    it('a re-run after the answer and its row landed (the worker died before completing) sends nothing either: one send, one success row', async () => {
      const ref = newCheckout();
      const send = () => activities().sendPostTender(ref, tx);
      const first = await asAttempt(1, ref, 'post-tender', send);

      // The intent cannot tell a landed answer from a lost one: the re-run ends unknown, never a second sale.
      expect(await failureOf(reset(ref, 'post-tender', send))).toMatchObject(outcomeUnknown);

      const sends = await journal(ref, 'cmc');
      expect(sends.map((e) => [e.effect, e.vendorReference])).toEqual([['posttender.transaction', first.vendorTransactionId]]);
      expect(await successRows(ref, 'pos.transaction')).toEqual([{ attempt: 1, vendor_reference: first.vendorTransactionId, recovered_by: null }]);
    });

    it('a reset after ClearLine answered 503 (not applied) sends the transaction: one send, one success row', async () => {
      const ref = newCheckout();
      const send = () => activities().sendPostTender(ref, tx);
      await injectFault(sandbox.url, { path: CMC_TRANSACTION_PATH, kind: 'status', status: 503, times: 1 });
      expect(await failureOf(asAttempt(1, ref, 'post-tender', send))).toMatchObject({ type: FailureTypes.vendorUnavailable, nonRetryable: false });

      const sent = await reset(ref, 'post-tender', send);

      const sends = await journal(ref, 'cmc');
      expect(sends.map((e) => [e.effect, e.outcome, e.vendorReference])).toEqual([['posttender.transaction', 'applied', sent.vendorTransactionId]]);
      expect(await successRows(ref, 'pos.transaction')).toEqual([{ attempt: 1, vendor_reference: sent.vendorTransactionId, recovered_by: null }]);
      expect(await unknownRows(ref)).toEqual([]);
    });
  });
});
