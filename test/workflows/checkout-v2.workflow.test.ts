import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { vendorRejection, vendorUnavailable } from '../../activities/vendors/vendor-errors';
import { SearchAttributes, type CheckoutInput, type CheckoutView } from '../../workflows/checkout.contract';
import { cancelCheckout, commitCheckout, reserveCheckout, retryCompensation, runOneShotCheckout } from '../../workflows/checkout.messages';
import { checkoutWorkflowV2 } from '../../workflows/checkout-v2.workflow';
import { activityCallsPerTest } from './activity-calls';
import { checkoutInput, happyActivities, type Activities } from './checkout-saga.harness';
import { workflowTestEnvForFile } from './workflow-test-env';

const EventType = temporal.api.enums.v1.EventType;

/** checkoutWorkflowV2: the phases as barrier groups of local activities (local-first.ts). */
describe(checkoutWorkflowV2.name, () => {
  const wf = workflowTestEnvForFile();
  const { calls, transitions } = activityCallsPerTest();

  const oneShot = (input: CheckoutInput, taskQueue: string) =>
    wf.client.workflow.executeUpdateWithStart(runOneShotCheckout, {
      updateId: 'one-shot',
      args: [{ requestHash: 'h1' }],
      startWorkflowOperation: new WithStartWorkflowOperation(checkoutWorkflowV2, {
        workflowId: input.checkoutId,
        taskQueue,
        // As the API starts a one-shot: the saga drives the sale itself, the Update waits for it.
        args: [{ ...input, oneShot: true }],
        memo: { requestHash: 'h1' },
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });

  /** Runs the one-shot with `activities` and returns its answer (or failure) and the closed saga's history. */
  async function runOneShot(activities: Activities, input = checkoutInput(), during?: (handle: WorkflowHandle) => Promise<void>) {
    return wf.withWorker(activities, async (taskQueue) => {
      const answer = oneShot(input, taskQueue).catch((e: unknown) => e);
      const handle = wf.client.workflow.getHandle(input.checkoutId);
      if (during) await during(handle);
      const settled = await answer;
      const view = (await handle.result()) as CheckoutView;
      const history = await handle.fetchHistory();
      return { answer: settled, view, events: history.events ?? [] };
    });
  }
  const count = (events: temporal.api.history.v1.IHistoryEvent[], type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;

  it('completes the reference one-shot in one workflow task: no activity task, one upsert, at most 25 events', async () => {
    const { view, events } = await runOneShot(happyActivities(calls, transitions));
    expect(view.state).toBe('completed');
    expect(view.receipt).toMatchObject({ awardedMinor: 10, spentMinor: 400, pointsRedeemed: 100 });
    expect(transitions.map((t) => t.state)).toEqual(['reserved', 'committed', 'completed']);
    expect(count(events, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toBe(1);
    expect(count(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(0);
    expect(count(events, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).toBe(1);
    expect(count(events, EventType.EVENT_TYPE_MARKER_RECORDED)).toBe(calls.length + transitions.length);
    expect(events.length).toBeLessThanOrEqual(25);
  });

  it('runs each level as one group: no lookup-dependent step starts before its whole level answered', async () => {
    const slow = happyActivities(calls, transitions);
    const { view } = await runOneShot({
      ...slow,
      // The Coupontools lookup answers last: the holds and the preview still wait for it.
      lookUpCoupon: async (ref, provider, code, ...rest) => {
        if (provider === 'coupontools') await sleep(300);
        return slow.lookUpCoupon(ref, provider, code, ...rest);
      },
    });
    expect(view.state).toBe('completed');
    const firstOfLevel2 = Math.min(calls.indexOf('previewLoyalty'), calls.indexOf('checkPoints'), calls.findIndex((c) => c.startsWith('holdCoupon')));
    expect(calls.slice(0, firstOfLevel2).sort()).toEqual(['findPointsCustomer', 'identifyCustomer', 'lookUpCoupon:capillary:CAP1', 'lookUpCoupon:coupontools:CT1']);
  });

  it('continues a step that outlasts its local budget as a regular activity, and completes', async () => {
    let failures = 0;
    const activities = {
      ...happyActivities(calls, transitions),
      identifyCustomer: async () => {
        calls.push('identifyCustomer');
        failures += 1;
        if (failures <= 3) throw vendorUnavailable('crmcom', 'down for a moment');
        return { accountNumber: '400', walletBalanceMinor: 1000 };
      },
    };
    const { view, events } = await runOneShot(activities);
    expect(view.state).toBe('completed');
    const scheduled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)).toEqual(['identifyCustomer']);
  });

  it("leaves out, under a till's deadline, the vendors still running at its end: named unavailable, a cut-short hold released, nothing continued", async () => {
    // A vendor that never answers; its call is aborted when the step is cancelled (as VendorHttp's is).
    const hang = (name: string) => async () => {
      calls.push(name);
      await Context.current().sleep(10_000);
      throw new Error(`${name} should have been cancelled`);
    };
    const activities = { ...happyActivities(calls, transitions), findPointsCustomer: hang('findPointsCustomer'), holdCoupon: hang('holdCoupon') };
    const started = Date.now();
    const { view, events } = await runOneShot(activities, { ...checkoutInput(), tillDeadline: { stepsBy: started + 2500 } });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(view.state).toBe('completed');
    expect(view.quote).toMatchObject({ unavailable: ['capillary', 'coupontools'], points: { accepted: false, refusal: { code: 'VENDOR_UNAVAILABLE' } } });
    expect(view.receipt).toMatchObject({ pointsRedeemed: 0, coupons: [], unavailable: ['capillary', 'coupontools'] });
    // The hold that may have landed is released at once (a regular activity); nothing else left the workflow task.
    const scheduled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    const held = calls.filter((c) => c === 'holdCoupon').length;
    expect(held).toBeGreaterThan(0);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)).toEqual(Array(held).fill('releaseCoupon'));
    expect(calls).not.toContain('redeemCoupon');
    expect(view.compensations).toHaveLength(held);
    expect(view.compensations).toEqual(Array(held).fill(expect.objectContaining({ step: expect.stringMatching(/^release coupon /), outcome: 'done' })));
  });

  it('names a failed coupon release in CheckoutFailingStep without its code (search attributes are stored and listed in clear), and an ops retry that fails again in CheckoutState', async () => {
    const activities = happyActivities(calls, transitions);
    activities.releaseCoupon = async () => {
      throw vendorRejection({ vendor: 'coupontools', code: 'CT_DOWN', reason: 'unlock refused' });
    };
    const input = checkoutInput({ points: undefined, customer: undefined, spend: undefined });
    const { view, failingStep, events } = await wf.withWorker(activities, async (taskQueue) => {
      await wf.client.workflow.executeUpdateWithStart(reserveCheckout, {
        updateId: 'reserve',
        startWorkflowOperation: new WithStartWorkflowOperation(checkoutWorkflowV2, { workflowId: input.checkoutId, taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' }),
      });
      const handle = wf.client.workflow.getHandle(input.checkoutId);
      const view = await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      const failingStep = (await handle.describe()).typedSearchAttributes.get(SearchAttributes.failingStep);
      // An ops retry the vendor refuses again: the saga says so in its search attributes, not `compensating`.
      const retried = await handle.executeUpdate(retryCompensation, { updateId: 'ops-retry-1' });
      const afterRetry = (await handle.describe()).typedSearchAttributes;
      expect({ view: retried.state, state: afterRetry.get(SearchAttributes.state), failingStep: afterRetry.get(SearchAttributes.failingStep) }).toEqual({
        view: 'compensation_failed',
        state: 'compensation_failed',
        failingStep: 'release coupon capillary',
      });
      await handle.cancel(); // compensation_failed waits for ops: an ops cancel closes it as it is
      await handle.result();
      return { view, failingStep, events: (await handle.fetchHistory()).events ?? [] };
    });
    expect(view.state).toBe('compensation_failed');
    const failedSteps = view.compensations.filter((c) => c.outcome === 'failed').map((c) => c.step);
    expect(failedSteps).toEqual(['release coupon capillary:CAP1', 'release coupon coupontools:CT1']); // the view (sealed by the codec) keeps the codes
    expect(failingStep).toBe('release coupon capillary');
    const upserted = events.flatMap((e) => Object.values(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}));
    const upsertedText = upserted.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
    expect(upsertedText).toContain('"release coupon capillary"');
    expect(upsertedText).not.toMatch(/CAP1|CT1/);
  });

  it('refuses an unknown CRM.COM customer before anything is held', async () => {
    const activities = {
      ...happyActivities(calls, transitions),
      identifyCustomer: async () => {
        throw vendorRejection({ vendor: 'crmcom', code: 'NOT_FOUND', reason: 'unknown customer' });
      },
    };
    const { view } = await runOneShot(activities);
    expect(view.state).toBe('compensated');
    expect(view.rejection).toMatchObject({ code: 'NOT_FOUND', step: 'identify' });
    expect(calls.filter((c) => c.startsWith('holdCoupon') || c.startsWith('submitLoyaltyPurchase'))).toEqual([]);
  });

  it('unwinds the holds when the commit fails, with the undos as regular activities', async () => {
    const activities = {
      ...happyActivities(calls, transitions),
      submitLoyaltyPurchase: async () => {
        calls.push('submitLoyaltyPurchase');
        throw vendorRejection({ vendor: 'crmcom', code: 'X', reason: 'no' });
      },
      redeemPoints: async () => {
        throw new Error('unexpected');
      },
      checkPoints: async () => ({ redeemable: false, points: 0, valueMinor: 0 }),
    };
    const input = checkoutInput({ coupons: [{ provider: 'coupontools', code: 'CT1' }] });
    const { view, events } = await runOneShot(activities, input);
    // A refused purchase is a refusal in the commitment (v1's rule), so the sale goes on.
    expect(view.state).toBe('completed');
    expect(count(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(0);
  });

  it('an operator cancel during a one-shot waits for the paid sale to complete, and undoes nothing', async () => {
    const happy = happyActivities(calls, transitions);
    const { view } = await runOneShot(
      {
        ...happy,
        submitLoyaltyPurchase: async (...args) => {
          await sleep(1500);
          return happy.submitLoyaltyPurchase(...args);
        },
      },
      checkoutInput(),
      async (handle) => {
        await sleep(800);
        await handle.cancel();
      },
    );
    expect(view.state).toBe('completed');
    expect(view.compensations).toEqual([]);
    expect(calls.some((c) => c.startsWith('voidLoyaltyPurchase') || c.startsWith('releaseCoupon'))).toBe(false);
  });

  it('an operator cancel during a commit lets it finish, then undoes everything with regular activities', async () => {
    const happy = happyActivities(calls, transitions);
    const input = checkoutInput();
    const activities: Activities = {
      ...happy,
      submitLoyaltyPurchase: async (...args) => {
        await sleep(1500);
        return happy.submitLoyaltyPurchase(...args);
      },
    };
    const { view, events } = await wf.withWorker(activities, async (taskQueue) => {
      await wf.client.workflow.executeUpdateWithStart(reserveCheckout, {
        updateId: 'reserve',
        startWorkflowOperation: new WithStartWorkflowOperation(checkoutWorkflowV2, { workflowId: input.checkoutId, taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' }),
      });
      const handle = wf.client.workflow.getHandle(input.checkoutId);
      const committed = handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' }).catch((e: unknown) => e);
      await sleep(800);
      await handle.cancel();
      await committed;
      const view = (await handle.result()) as CheckoutView;
      return { view, events: (await handle.fetchHistory()).events ?? [] };
    });
    expect(view.state).toBe('cancelled');
    expect(view.failureReason).toBe('cancelled by an operator');
    expect(calls).toContain('voidLoyaltyPurchase:111');
    expect(calls).toContain('releaseCoupon:coupontools:CT1');
    expect(calls.some((c) => c === 'addSaleTransaction' || c === 'sendPostTender')).toBe(false);
    const undos = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(undos).toEqual(expect.arrayContaining(['voidLoyaltyPurchase', 'releaseCoupon']));
  });
});
