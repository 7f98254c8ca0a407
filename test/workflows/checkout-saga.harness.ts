import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import type { createCheckoutActivities } from '../../activities/checkout.activities';
import type { CheckoutInput, CheckoutTransition } from '../../workflows/checkout.contract';
import { reserveCheckout } from '../../workflows/checkout.messages';
import { checkoutWorkflow } from '../../workflows/checkout.workflow';
import type { WorkflowTestEnv } from './workflow-test-env';

export type Activities = ReturnType<typeof createCheckoutActivities>;

/** Every activity answers a happy default; a test overrides the ones its branch is about. */
export function happyActivities(calls: string[], transitions: CheckoutTransition[]): Activities {
  const track = <T>(name: string, value: T) => async () => {
    calls.push(name);
    return value;
  };
  return {
    identifyCustomer: track('identifyCustomer', { accountNumber: '400', walletBalanceMinor: 1000 }),
    previewLoyalty: track('previewLoyalty', { awardMinor: 10, automaticSpendMinor: 0, maxAdditionalSpendMinor: 800 }),
    submitLoyaltyPurchase: async (_ref, _c, _p, spendMinor) => {
      calls.push(`submitLoyaltyPurchase:${spendMinor ?? 0}`);
      return {
        purchaseNumber: '111',
        awardedMinor: 10,
        automaticSpendMinor: 0,
        ...(spendMinor && { spend: { spendNumber: '294', requestedMinor: spendMinor, approvedMinor: Math.min(spendMinor, 400) } }),
      };
    },
    voidLoyaltyPurchase: async (_ref, p) => {
      calls.push(`voidLoyaltyPurchase:${p.purchaseNumber ?? 'unknown'}`);
      return { alreadyVoided: false };
    },
    findPointsCustomer: track('findPointsCustomer', { identifier: { type: 'phone', value: '919999999999' }, vendorCustomerId: 'u1' }),
    checkPoints: track('checkPoints', { redeemable: true, points: 100, valueMinor: 100 }),
    redeemPoints: track('redeemPoints', { redemptionId: 'R1', points: 100, valueMinor: 100 }),
    reversePoints: async (_ref, _c, redemption) => {
      calls.push(`reversePoints:${redemption?.redemptionId ?? 'unknown'}`);
      return { alreadyReversed: false };
    },
    lookUpCoupon: async (_ref, provider, code) => {
      calls.push(`lookUpCoupon:${provider}:${code}`);
      return { code, redeemable: true, valueMinor: 200 };
    },
    holdCoupon: async (_ref, provider, code) => {
      calls.push(`holdCoupon:${provider}:${code}`);
      return { held: provider === 'coupontools' };
    },
    releaseCoupon: async (_ref, provider, code) => {
      calls.push(`releaseCoupon:${provider}:${code}`);
    },
    redeemCoupon: async (_ref, provider, code) => {
      calls.push(`redeemCoupon:${provider}:${code}`);
      return { code, compensable: provider === 'capillary', ...(provider === 'capillary' && { redemptionId: 'C1' }) };
    },
    addSaleTransaction: track('addSaleTransaction', { transactionId: 'TX1', duplicate: false }),
    sendPostTender: track('sendPostTender', {
      vendorTransactionId: 'CMC1',
      sessionId: 'S',
      qrCodeWidget: { qrCodeLinkUrl: 'https://qr.example/1' },
    }),
    recordCheckoutTransition: async (_ref, transition) => {
      transitions.push(transition);
    },
  };
}

/** The reference checkout of the design, in minor units: every vendor, one coupon each. */
export function checkoutInput(overrides: Partial<CheckoutInput> = {}): CheckoutInput {
  const posReference = randomUUID();
  return {
    checkoutId: `checkout:m:S1:T1:${posReference}`,
    merchant: 'm',
    store: 'S1',
    till: 'T1',
    posReference,
    currency: 'EUR',
    performedOn: '2026-11-21T10:00:00Z',
    lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }],
    totalMinor: 1000,
    customer: { provider: 'crmcom', identifier: { type: 'code', value: '22265577' } },
    spend: { amountMinor: 500 },
    points: { provider: 'capillary', points: 100, customer: { type: 'phone', value: '919999999999' } },
    coupons: [
      { provider: 'coupontools', code: 'CT1' },
      { provider: 'capillary', code: 'CAP1' },
    ],
    postTender: { provider: 'cmc' },
    holdTimeoutMs: 60_000,
    ...overrides,
  };
}

/**
 * Where recorded histories live, one folder per workflow type (history-folders.ts), replayed by
 * replay.test.ts so a workflow change that would break running sagas fails CI. `npm run
 * record-histories` records them on today's code (record-histories.ts).
 */
export const HISTORIES_DIR = path.join(__dirname, '..', 'histories');

/** Runs `scenario` against one checkout while a worker with the given activities polls its task queue. */
export async function withSaga<T>(
  wf: WorkflowTestEnv,
  activities: Activities,
  input: CheckoutInput,
  scenario: (start: () => Promise<unknown>, handle: WorkflowHandle, taskQueue: string) => Promise<T>,
): Promise<T> {
  return wf.withWorker(activities, (taskQueue) => {
    const start = () =>
      wf.client.workflow.executeUpdateWithStart(reserveCheckout, {
        updateId: 'reserve',
        startWorkflowOperation: new WithStartWorkflowOperation(checkoutWorkflow, {
          workflowId: input.checkoutId,
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    return scenario(start, wf.client.workflow.getHandle(input.checkoutId), taskQueue);
  });
}
