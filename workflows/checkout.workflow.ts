import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  FailureTypes,
  SearchAttributes,
  type CheckoutInput,
  type CheckoutReceipt,
  type CheckoutRef,
  type CheckoutRejection,
  type CheckoutResult,
  type CheckoutState,
} from './checkout.contract';

type Activities = ReturnType<typeof createActivities>;

/** Vendor calls: bounded retries with backoff; a business rejection is never retried. */
const vendor = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: {
    initialInterval: '250ms',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [FailureTypes.vendorRejection],
  },
});

/** Our own bookkeeping (audit + projection) retries until Postgres is back: it must never be lost. */
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '250ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * One checkout, one-shot: identify the customer at CRM.COM (reserve), submit the purchase (commit),
 * and hand back the receipt (complete). Business refusals end the saga with a reason for the POS;
 * they are results, not workflow failures.
 */
export async function checkoutWorkflow(input: CheckoutInput): Promise<CheckoutResult> {
  const ref: CheckoutRef = {
    checkoutId: input.checkoutId,
    merchant: input.merchant,
    store: input.store,
    till: input.till,
    posReference: input.posReference,
    currency: input.currency,
  };
  const enter = async (state: CheckoutState, step: string, extra: { receipt?: CheckoutReceipt; rejection?: CheckoutRejection; failureReason?: string } = {}) => {
    upsertSearchAttributes([{ key: SearchAttributes.state, value: state }]);
    await bookkeeping.recordCheckoutTransition(ref, { state, step, totalMinor: input.totalMinor, ...extra });
  };

  let step = 'identify';
  try {
    const customer = await vendor.identifyCustomer(ref, input.customer.identifier);
    await enter('reserved', step);

    step = 'purchase';
    const purchase = await vendor.submitLoyaltyPurchase(ref, customer, {
      performedOn: input.performedOn,
      externalSystem: input.till,
      lines: input.lines,
    });
    await enter('committed', step);

    const receipt: CheckoutReceipt = {
      currency: input.currency,
      totalMinor: input.totalMinor,
      awardedMinor: purchase.awardedMinor,
      walletBalanceBeforeMinor: customer.walletBalanceMinor,
      walletBalanceAfterMinor: customer.walletBalanceMinor + purchase.awardedMinor - purchase.automaticSpendMinor,
      references: { crmcomPurchaseNumber: purchase.purchaseNumber },
    };
    step = 'complete';
    await enter('completed', step, { receipt });
    return { checkoutId: ref.checkoutId, state: 'completed', receipt };
  } catch (err) {
    const rejection = asRejection(err, step);
    if (rejection) {
      // Nothing was applied: identify is a read and a refused purchase posts nothing.
      await enter('compensated', step, { rejection });
      return { checkoutId: ref.checkoutId, state: 'compensated', rejection };
    }
    // Retries are spent and the purchase may or may not have posted. Until the void step exists
    // (issue 4) ops must resolve it by hand, so the saga says so instead of guessing.
    const failureReason = `${step} did not complete: ${describe(err)}`;
    log.error('checkout needs ops', { checkoutId: ref.checkoutId, step });
    await enter(step === 'identify' ? 'compensated' : 'compensation_failed', step, { failureReason });
    return {
      checkoutId: ref.checkoutId,
      state: step === 'identify' ? 'compensated' : 'compensation_failed',
      rejection: { step, vendor: 'crmcom', code: 'VENDOR_UNAVAILABLE', reason: 'The loyalty service is not answering; try again later' },
    };
  }
}

function asRejection(err: unknown, step: string): CheckoutRejection | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || cause.type !== FailureTypes.vendorRejection) return undefined;
  const details = (cause.details?.[0] ?? {}) as { vendor?: string; code?: string; reason?: string };
  return {
    step,
    vendor: details.vendor ?? 'unknown',
    code: details.code ?? 'REJECTED',
    reason: details.reason ?? cause.message,
  };
}

function describe(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
