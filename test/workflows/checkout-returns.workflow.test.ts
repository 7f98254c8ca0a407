import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { createReturnActivities } from '../../activities/checkout-return.activities';
import type { createTransitionActivities } from '../../activities/checkout-transition.activities';
import type { CheckoutTransition } from '../../workflows/checkout.contract';
import {
  ReturnFailureTypes,
  returnCheckout,
  returnsWorkflowId,
  returnUpdateId,
  type CheckoutReturnsInput,
  type ReturnRequest,
} from '../../workflows/checkout-returns.contract';
import { checkoutReturnsWorkflow } from '../../workflows/checkout-returns.workflow';
import { activityCallsPerTest } from './activity-calls';
import { completedCheckout, withUnknownCmcSale } from './completed-checkout';
import { workflowTestEnvForFile, type RunningWorker } from './workflow-test-env';

type Activities = ReturnType<typeof createReturnActivities> & ReturnType<typeof createTransitionActivities>;

function mockActivities(calls: string[], transitions: CheckoutTransition[]): Activities {
  return {
    async returnBillPart(_ref, part) {
      calls.push(`returnBillPart:${part.returnReference}:${part.amountMinor}`);
      return { transactionId: `RET-${part.returnReference}`, alreadyReturned: false };
    },
    async reversePointsPart(_ref, _customer, part) {
      calls.push(`reversePointsPart:${part.returnReference}:${part.points}:before=${part.reversedBefore}`);
      return { alreadyReversed: false };
    },
    async returnGoods(_ref, goods) {
      calls.push(`returnGoods:${goods.returnReference}:${goods.amountMinor}:${goods.originalPurchaseNumber}`);
      return { returnNumber: `G-${goods.returnReference}`, alreadyReturned: false };
    },
    async refundPostTenderPart(_ref, part) {
      calls.push(`refundPostTenderPart:${part.returnReference}:${part.amountMinor}`);
      return { vendorTransactionId: `CMC-${part.returnReference}`, sessionId: 'S' };
    },
    async recordCheckoutTransition(_ref, transition) {
      transitions.push(transition);
    },
  };
}

function completedInput(): CheckoutReturnsInput {
  return {
    ...completedCheckout({
      currency: 'EUR', totalMinor: 7000, amountDueMinor: 5900, paidMinor: 5900, awardedMinor: 70, spentMinor: 500,
      pointsRedeemed: 100, pointsValueMinor: 100,
      coupons: [{ provider: 'coupontools', code: 'CT1', valueMinor: 500 }],
      references: { crmcomPurchaseNumber: 'P1', capillaryTransactionId: 'TX1', pointsRedemptionId: 'R1', cmcTransactionId: 'CMC1' },
      exceptions: [],
    }),
    original: {
      performedOn: '2026-11-21T10:00:00Z',
      lines: [
        { sku: 'A', quantity: 2, totalMinor: 2000, netMinor: 1600, vatMinor: 400 },
        { sku: 'B', quantity: 2, totalMinor: 5000, netMinor: 4000, vatMinor: 1000 },
      ],
      capillaryCustomer: { type: 'phone', value: '919999999999' },
      crmcomCustomer: { type: 'code', value: '22265577' },
    },
  };
}

/** The returns workflow's decisions with its activities mocked, on the suite's real dev server. */
describe(checkoutReturnsWorkflow.name, () => {
  const wf = workflowTestEnvForFile();
  const { calls, transitions } = activityCallsPerTest();
  let worker: RunningWorker;

  beforeEach(async () => {
    worker = await wf.startWorker(mockActivities(calls, transitions));
  });
  afterEach(() => worker.stop());

  const send = (input: CheckoutReturnsInput, req: Omit<ReturnRequest, 'requestHash'> & { requestHash?: string }) => {
    const full: ReturnRequest = { requestHash: `h-${req.returnReference}`, ...req };
    return wf.client.workflow.executeUpdateWithStart(returnCheckout, {
      startWorkflowOperation: new WithStartWorkflowOperation(checkoutReturnsWorkflow, {
        workflowId: returnsWorkflowId(input.ref.checkoutId), taskQueue: worker.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
      }),
      updateId: returnUpdateId(full.returnReference, full.requestHash),
      args: [full],
    });
  };
  const failureType = (err: unknown) => (err instanceof WorkflowUpdateFailedError ? (err.cause as { type?: string } | undefined)?.type : String(err));

  it('reverses each return\'s share at every vendor, records one transition per return, and the last return takes the remainders', async () => {
    const input = completedInput();
    const first = await send(input, { returnReference: 'R1', lines: [{ sku: 'A', quantity: 2, totalMinor: 2000 }] });
    expect(first.return).toMatchObject({ refundMinor: 1685, reversed: { awardedMinor: 20, pointsRedeemed: 28 }, state: 'partially_returned' });
    expect([...calls].sort()).toEqual(['refundPostTenderPart:R1:1685', 'returnBillPart:R1:1685', 'returnGoods:R1:2000:P1', 'reversePointsPart:R1:28:before=0']);
    // Capillary: the points share before the bill's (vendors.md: "Reverse **before** returning the bill if both are needed").
    expect(calls.filter((c) => /BillPart|PointsPart/.test(c)).map((c) => c.split(':')[0])).toEqual(['reversePointsPart', 'returnBillPart']);

    const last = await send(input, { returnReference: 'R2', amountMinor: 5000 });
    expect(last.return).toMatchObject({ refundMinor: 5900 - 1685, reversed: { awardedMinor: 50, pointsRedeemed: 72, couponsMinor: 500 - 142 }, state: 'returned', returnableMinor: 0 });
    expect(calls).toContain('reversePointsPart:R2:72:before=28');
    expect(transitions.map((t) => [t.seq, t.state, t.distinctBy])).toEqual([[101, 'partially_returned', 'R1'], [102, 'returned', 'R2']]);
    expect(transitions[1].view.returns).toMatchObject({ returnedMinor: 7000, returnableMinor: 0 });
  });

  it('sends no CMC refund for a sale whose CMC outcome was unknown, and tells finance in the return\'s exceptions', async () => {
    const input = completedInput();
    input.view = withUnknownCmcSale(input.view);
    const answer = await send(input, { returnReference: 'R1', lines: [{ sku: 'A', quantity: 2, totalMinor: 2000 }] });

    expect(calls.some((c) => c.startsWith('refundPostTenderPart'))).toBe(false);
    expect(answer.return.exceptions).toEqual(
      expect.arrayContaining([expect.objectContaining({ vendor: 'cmc', code: 'OUTCOME_UNKNOWN', reason: expect.stringContaining('no CMC refund sent for this return') })]),
    );
  });

  it('refuses a return beyond what is left, and a reference reused with another body, without calling any vendor', async () => {
    const input = completedInput();
    await send(input, { returnReference: 'R1', amountMinor: 6000 });
    const before = calls.length;
    expect(failureType(await send(input, { returnReference: 'R2', amountMinor: 1001 }).catch((e: unknown) => e))).toBe(ReturnFailureTypes.refused);
    expect(failureType(await send(input, { returnReference: 'R1', amountMinor: 1, requestHash: 'other' }).catch((e: unknown) => e))).toBe(ReturnFailureTypes.conflict);
    // The same reference and body: the first answer, nothing sent again.
    const again = await send(input, { returnReference: 'R1', amountMinor: 6000 });
    expect(again.return.amountMinor).toBe(6000);
    expect(calls).toHaveLength(before);
  });

  it('serialises concurrent returns: of two that each fit alone but not together, one is refused before any vendor call', async () => {
    const input = completedInput();
    const results = await Promise.allSettled([send(input, { returnReference: 'RA', amountMinor: 4000 }), send(input, { returnReference: 'RB', amountMinor: 4000 })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(calls.filter((c) => c.startsWith('returnBillPart'))).toHaveLength(1);
  });
});
