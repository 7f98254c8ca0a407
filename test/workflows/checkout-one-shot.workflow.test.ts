import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { type ApplicationFailure } from '@temporalio/common';
import { vendorRejection } from '../../activities/vendors/vendor-errors';
import { FailureTypes, type CheckoutInput, type CheckoutView } from '../../workflows/checkout.contract';
import { runOneShotCheckout } from '../../workflows/checkout.messages';
import { checkoutWorkflow } from '../../workflows/checkout.workflow';
import { checkoutInput, happyActivities, withSaga } from './checkout-saga.harness';
import { activityCallsPerTest } from './activity-calls';
import { workflowTestEnvForFile } from './workflow-test-env';

/** The one-shot Update: the workflow itself runs reserve, commit and complete, once per checkout. */
describe(`${checkoutWorkflow.name} one-shot`, () => {
  const wf = workflowTestEnvForFile();
  const { calls, transitions } = activityCallsPerTest();

  /** Update-with-Start of the one-shot, as the API sends it: the request's hash in the memo and in the update. */
  const oneShot = (input: CheckoutInput, taskQueue: string, requestHash: string, memoHash = requestHash) =>
    wf.client.workflow.executeUpdateWithStart(runOneShotCheckout, {
      updateId: 'one-shot',
      args: [{ requestHash }],
      startWorkflowOperation: new WithStartWorkflowOperation(checkoutWorkflow, {
        workflowId: input.checkoutId,
        taskQueue,
        args: [input],
        memo: { requestHash: memoHash },
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });

  it('runs all three phases in one Update and answers the receipt; the same Update again answers the same', async () => {
    const input = checkoutInput();
    const [first, again] = await withSaga(wf, happyActivities(calls, transitions), input, async (_start, handle, taskQueue) => {
      const first = await oneShot(input, taskQueue, 'h1');
      const again = await oneShot(input, taskQueue, 'h1');
      await handle.result();
      return [first, again] as CheckoutView[];
    });

    expect(first.state).toBe('completed');
    expect(first.receipt).toMatchObject({ awardedMinor: 10, spentMinor: 400, pointsRedeemed: 100 });
    expect(again).toEqual(first);
    expect(transitions.map((t) => t.state)).toEqual(['reserved', 'committed', 'completed']);
    expect(calls.filter((c) => c.startsWith('submitLoyaltyPurchase'))).toHaveLength(1);
  });

  it('refuses another request reusing the checkout key before any step runs', async () => {
    const input = checkoutInput();
    const err = await withSaga(wf, happyActivities(calls, transitions), input, async (_start, handle, taskQueue) => {
      const failed = await oneShot(input, taskQueue, 'other-request', 'first-request').catch((e: unknown) => e);
      await handle.terminate('test over');
      return failed;
    });
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(FailureTypes.phaseConflict);
    expect(calls).toEqual([]);
  });

  it('stops at a refusal: the sale is not committed and the refusal is the answer', async () => {
    const input = checkoutInput();
    const activities = {
      ...happyActivities(calls, transitions),
      identifyCustomer: async () => {
        throw vendorRejection({ vendor: 'crmcom', code: 'NOT_FOUND', reason: 'unknown customer' });
      },
    };
    const err = await withSaga(wf, activities, input, async (_start, handle, taskQueue) => {
      const failed = await oneShot(input, taskQueue, 'h1').catch((e: unknown) => e);
      await handle.result();
      return failed;
    });
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(FailureTypes.checkoutRejected);
    expect(calls.some((c) => c.startsWith('submitLoyaltyPurchase'))).toBe(false);
  });
});
