import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { createActivities } from '../../activities';
import { vendorRejection, vendorUnavailable } from '../../activities/vendors/vendor-errors';
import type { CheckoutInput, CheckoutTransition } from '../../workflows/checkout.contract';
import { checkoutWorkflow } from '../../workflows/checkout.workflow';
import { quietTemporalRuntime } from '../support/test-stack';
import { testTemporalAddress } from '../support/test-env';

type Activities = ReturnType<typeof createActivities>;

/** The saga's decisions with every activity mocked, on the suite's real dev server. */
describe(checkoutWorkflow.name, () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    quietTemporalRuntime();
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: testTemporalAddress() });
  });
  afterAll(() => env?.teardown());

  const input = (): CheckoutInput => {
    const posReference = randomUUID();
    return {
      checkoutId: `checkout:m:S1:T1:${posReference}`,
      merchant: 'm',
      store: 'S1',
      till: 'T1',
      posReference,
      currency: 'EUR',
      performedOn: '2026-11-21T10:00:00Z',
      customer: { provider: 'crmcom', identifier: { type: 'code', value: '22265577' } },
      lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }],
      totalMinor: 1000,
    };
  };

  /** Runs one workflow against the given activity mocks and returns its result and transitions. */
  async function run(mocks: Partial<Activities>) {
    const transitions: CheckoutTransition[] = [];
    const activities: Activities = {
      identifyCustomer: async () => ({ accountNumber: '400', walletBalanceMinor: 1000 }),
      submitLoyaltyPurchase: async () => ({ purchaseNumber: '111', awardedMinor: 10, automaticSpendMinor: 0 }),
      recordCheckoutTransition: async (_ref, transition) => void transitions.push(transition),
      ...mocks,
    };
    const taskQueue = `wf-test-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities,
    });
    const args = input();
    const result = await worker.runUntil(
      env.client.workflow.execute(checkoutWorkflow, { taskQueue, workflowId: args.checkoutId, args: [args] }),
    );
    return { result, transitions };
  }

  it('completes with a receipt whose wallet balance after is before + awarded - automatic spend', async () => {
    const { result, transitions } = await run({
      submitLoyaltyPurchase: async () => ({ purchaseNumber: '112', awardedMinor: 250, automaticSpendMinor: 100 }),
    });
    expect(result.state).toBe('completed');
    expect(result.receipt).toEqual({
      currency: 'EUR',
      totalMinor: 1000,
      awardedMinor: 250,
      walletBalanceBeforeMinor: 1000,
      walletBalanceAfterMinor: 1150,
      references: { crmcomPurchaseNumber: '112' },
    });
    expect(transitions.map((t) => t.state)).toEqual(['reserved', 'committed', 'completed']);
  });

  it('ends compensated with the vendor reason when the customer is refused, and never purchases', async () => {
    const purchase = jest.fn();
    const { result, transitions } = await run({
      identifyCustomer: async () => {
        throw vendorRejection({ vendor: 'crmcom', code: 'NotFoundAPIValueException', reason: 'Rewards participant not found' });
      },
      submitLoyaltyPurchase: purchase,
    });
    expect(result).toMatchObject({
      state: 'compensated',
      rejection: { step: 'identify', vendor: 'crmcom', code: 'NotFoundAPIValueException', reason: 'Rewards participant not found' },
    });
    expect(purchase).not.toHaveBeenCalled();
    expect(transitions.map((t) => t.state)).toEqual(['compensated']);
  });

  it('retries a transient purchase failure and completes once the vendor answers', async () => {
    let calls = 0;
    const { result } = await run({
      submitLoyaltyPurchase: async () => {
        calls += 1;
        if (calls < 3) throw vendorUnavailable('crmcom', 'HTTP 503', { httpStatus: 503 });
        return { purchaseNumber: '113', awardedMinor: 10, automaticSpendMinor: 0 };
      },
    });
    expect(calls).toBe(3);
    expect(result.state).toBe('completed');
  });

  it('does not retry a refused purchase and reports it at the purchase step', async () => {
    let calls = 0;
    const { result, transitions } = await run({
      submitLoyaltyPurchase: async () => {
        calls += 1;
        throw vendorRejection({ vendor: 'crmcom', code: 'MissingParameterException', reason: 'products_set is mandatory' });
      },
    });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ state: 'compensated', rejection: { step: 'purchase', code: 'MissingParameterException' } });
    expect(transitions.map((t) => t.state)).toEqual(['reserved', 'compensated']);
  });
});
