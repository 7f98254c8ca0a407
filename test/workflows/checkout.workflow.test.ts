import { WorkflowUpdateFailedError } from '@temporalio/client';
import { vendorRejection, vendorUnavailable } from '../../activities/vendors/vendor-errors';
import { SearchAttributes, type CheckoutInput, type CheckoutQuote, type CheckoutView } from '../../workflows/checkout.contract';
import { cancelCheckout, checkoutView, commitCheckout, completeCheckout, retryCompensation } from '../../workflows/checkout.messages';
import { checkoutWorkflow } from '../../workflows/checkout.workflow';
import { eventually } from '../support/eventually';
import { whenCancelHandled, whenWorkflowSettlesAfterFailure } from '../support/workflow-history';
import { checkoutInput, happyActivities, withSaga } from './checkout-saga.harness';
import { activityCallsPerTest } from './activity-calls';
import { workflowTestEnvForFile } from './workflow-test-env';

/** The saga's decisions with every activity mocked, on the suite's real dev server. */
describe(checkoutWorkflow.name, () => {
  const wf = workflowTestEnvForFile();
  const { calls, transitions } = activityCallsPerTest();

  const refused = (code: string, reason = 'refused') => async () => {
    throw vendorRejection({ vendor: 'v', code, reason });
  };
  /**
   * Points redeemed at commit and reversed by the undos: an org configured for it (its Capillary
   * allows reversal). By default they are redeemed after the bill (capillary-order.workflow.test.ts).
   */
  const pointsBeforePayment = (overrides: Partial<CheckoutInput> = {}) =>
    checkoutInput({ points: { ...checkoutInput().points!, redeemBeforePayment: true }, ...overrides });

  it('reserves, commits and completes with the vendors\' figures on the receipt, validating Coupontools last', async () => {
    const input = checkoutInput();
    const { quote, commitment, receipt } = await withSaga(wf, happyActivities(calls, transitions), input, async (start, handle) => {
      const quote = ((await start()) as CheckoutView).quote;
      const commitment = (await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' })).commitment;
      const receipt = (await handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' })).receipt;
      await handle.result();
      return { quote, commitment, receipt };
    });

    expect(quote).toMatchObject({
      state: 'reserved',
      loyalty: { walletBalanceMinor: 1000, expectedAwardMinor: 10, maxSpendMinor: 800, requestedSpendMinor: 500 },
      points: { points: 100, valueMinor: 100, accepted: true },
      coupons: [
        { provider: 'coupontools', code: 'CT1', accepted: true, valueMinor: 200 },
        { provider: 'capillary', code: 'CAP1', accepted: true, valueMinor: 200 },
      ],
    });
    // CRM.COM approved 4.00 of the 5.00 asked: the POS deducts what the vendor approved.
    expect(commitment?.discounts).toEqual({ spendMinor: 400, automaticSpendMinor: 0, pointsMinor: 100, couponsMinor: 400 });
    expect(commitment?.amountDueMinor).toBe(100);
    expect(receipt).toMatchObject({
      awardedMinor: 10,
      spentMinor: 400,
      walletBalanceBeforeMinor: 1000,
      walletBalanceAfterMinor: 610,
      pointsRedeemed: 100,
      amountDueMinor: 100,
      postTender: { qrCodeLinkUrl: 'https://qr.example/1' },
      references: { crmcomPurchaseNumber: '111', crmcomSpendNumber: '294', pointsRedemptionId: 'R1', capillaryTransactionId: 'TX1', cmcTransactionId: 'CMC1' },
      exceptions: [],
    });
    expect(calls.indexOf('redeemCoupon:coupontools:CT1')).toBe(calls.length - 1);
    expect(calls).not.toContain('releaseCoupon:coupontools:CT1');
    expect(transitions.map((t) => t.state)).toEqual(['reserved', 'committed', 'completed']);
  });

  it('quotes a refused coupon and points with their reasons and holds nothing for them', async () => {
    const activities = happyActivities(calls, transitions);
    activities.lookUpCoupon = async (_r, _p, code) => ({ code, redeemable: false, refusal: { code: '514', reason: 'This coupon was already used' } });
    activities.checkPoints = async () => ({ redeemable: false, points: 100, valueMinor: 0, refusal: { code: '803', reason: 'Not enough points' } });
    const quote = (await withSaga(wf, activities, checkoutInput({ coupons: [{ provider: 'coupontools', code: 'USED' }] }), async (start, handle) => {
      const view = (await start()) as CheckoutView;
      await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      return view.quote;
    })) as CheckoutQuote;

    expect(quote.coupons).toEqual([
      { provider: 'coupontools', code: 'USED', accepted: false, refusal: { vendor: 'coupontools', code: '514', reason: 'This coupon was already used' } },
    ]);
    expect(quote.points).toEqual({ points: 100, valueMinor: 0, accepted: false, refusal: { vendor: 'capillary', code: '803', reason: 'Not enough points' } });
    expect(calls.filter((c) => c.startsWith('holdCoupon') || c.startsWith('releaseCoupon'))).toEqual([]);
  });

  it('does not use a coupon the till cannot discount (value 0 or unknown): no hold, no discount, no validation or redemption', async () => {
    const activities = happyActivities(calls, transitions);
    activities.lookUpCoupon = async (_r, provider, code, _c, billAmountMinor) => {
      calls.push(`lookUpCoupon:${provider}:${code}:${billAmountMinor}`);
      return { code, redeemable: true, ...(provider === 'capillary' && { valueMinor: 0 }) };
    };
    const { quote, commitment, receipt } = await withSaga(wf, activities, checkoutInput(), async (start, handle) => {
      const quote = ((await start()) as CheckoutView).quote;
      const commitment = (await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' })).commitment;
      const receipt = (await handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' })).receipt;
      return { quote, commitment, receipt };
    });

    const noValue = (vendor: string) => ({ vendor, code: 'NO_DISCOUNT_VALUE', reason: 'This coupon carries no discount value the till can apply, so it is not used.' });
    expect(quote?.coupons).toEqual([
      { provider: 'coupontools', code: 'CT1', accepted: false, refusal: noValue('coupontools') },
      { provider: 'capillary', code: 'CAP1', accepted: false, refusal: noValue('capillary') },
    ]);
    expect(commitment?.discounts.couponsMinor).toBe(0);
    expect(receipt?.coupons).toEqual([]);
    // A percentage coupon takes its share of the checkout's total, which the lookup is given.
    expect(calls).toEqual(expect.arrayContaining(['lookUpCoupon:coupontools:CT1:1000', 'lookUpCoupon:capillary:CAP1:1000']));
    expect(calls.filter((c) => /^(hold|release|redeem)Coupon/.test(c))).toEqual([]);
  });

  it('refuses the checkout when CRM.COM does not know the customer, and releases the coupons it held', async () => {
    const activities = happyActivities(calls, transitions);
    activities.identifyCustomer = refused('NotFoundAPIValueException', 'Rewards participant not found');
    const { error, view } = await withSaga(wf, activities, checkoutInput(), async (start, handle) => {
      const error = await start().catch((e: unknown) => e);
      return { error, view: (await handle.result()) as CheckoutView };
    });

    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(view.state).toBe('compensated');
    expect(view.rejection).toMatchObject({ step: 'identify', code: 'NotFoundAPIValueException', reason: 'Rewards participant not found' });
    expect(calls).toContain('releaseCoupon:coupontools:CT1');
    expect(calls).not.toContain('submitLoyaltyPurchase:0');
  });

  it('cancels after commit by undoing everything in reverse order, each once', async () => {
    const view = await withSaga(wf, happyActivities(calls, transitions), pointsBeforePayment(), async (start, handle) => {
      await start();
      await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      // A POS retry of the cancel gets the same answer and undoes nothing twice.
      await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      return (await handle.result()) as CheckoutView;
    });

    expect(view.state).toBe('cancelled');
    const undos = calls.filter((c) => /^(void|reverse|release)/.test(c));
    expect(undos).toHaveLength(4);
    expect(new Set(undos)).toEqual(new Set(['voidLoyaltyPurchase:111', 'reversePoints:R1', 'releaseCoupon:coupontools:CT1', 'releaseCoupon:capillary:CAP1']));
    // Coupons were held first, so they are released last.
    expect(undos.slice(2).every((c) => c.startsWith('releaseCoupon'))).toBe(true);
    expect(transitions.map((t) => t.state)).toEqual(['reserved', 'committed', 'compensating', 'cancelled']);
  });

  it('resolves a purchase whose reply never came by voiding it by reference when commit fails', async () => {
    const activities = happyActivities(calls, transitions);
    activities.submitLoyaltyPurchase = async () => {
      calls.push('submitLoyaltyPurchase');
      throw vendorUnavailable('crmcom', 'no answer within 5000 ms');
    };
    const { error, view } = await withSaga(wf, activities, pointsBeforePayment({ coupons: [] }), async (start, handle) => {
      await start();
      const error = await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' }).catch((e: unknown) => e);
      return { error, view: (await handle.result()) as CheckoutView };
    });

    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(calls.filter((c) => c === 'submitLoyaltyPurchase')).toHaveLength(5);
    expect(calls).toContain('voidLoyaltyPurchase:unknown');
    expect(calls).toContain('reversePoints:R1');
    expect(view).toMatchObject({ state: 'compensated', failureReason: expect.stringContaining('commit failed') });
  }, 60_000);

  it('ends compensation_failed with the reason when an undo keeps failing, and stays open until ops close it', async () => {
    const activities = happyActivities(calls, transitions);
    activities.releaseCoupon = refused('CT_DOWN', 'unlock refused');
    const { view, failingStep, result } = await withSaga(wf, activities, checkoutInput({ points: undefined, customer: undefined, spend: undefined }), async (start, handle) => {
      await start();
      const view = await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      const described = await handle.describe();
      const failingStep = described.typedSearchAttributes.get(SearchAttributes.failingStep);
      expect(described.status.name).toBe('RUNNING');
      await handle.cancel();
      return { view, failingStep, result: (await handle.result()) as CheckoutView };
    });

    expect(view.state).toBe('compensation_failed');
    expect(view.failureReason).toContain('unlock refused');
    expect(view.compensations.filter((c) => c.outcome === 'failed')).toHaveLength(2);
    // Without the coupon's code: search attributes are stored and listed in clear (the view, sealed by the codec, keeps it).
    expect(failingStep).toBe('release coupon capillary');
    // An ops cancel closes it as it is: finance settles it by hand.
    expect(result.state).toBe('compensation_failed');
  });

  it('re-runs only the undos that failed on an ops retry, lands compensated and clears the failing step', async () => {
    const activities = happyActivities(calls, transitions);
    let refusing = true;
    activities.releaseCoupon = async (_ref, provider, code) => {
      calls.push(`releaseCoupon:${provider}:${code}`);
      if (refusing && provider === 'coupontools') throw vendorRejection({ vendor: 'coupontools', code: 'CT_DOWN', reason: 'unlock refused' });
    };
    const input = checkoutInput({ points: undefined, spend: undefined });
    const { failed, retried, refusedWhileFailed, failingStepAfter, result } = await withSaga(wf, activities, input, async (start, handle) => {
      await start();
      await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      const failed = await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      const refusedWhileFailed = await handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' }).catch((e: unknown) => e);
      refusing = false;
      const retried = await handle.executeUpdate(retryCompensation, { updateId: 'ops-retry-1' });
      const result = (await handle.result()) as CheckoutView;
      const failingStepAfter = (await handle.describe()).typedSearchAttributes.get(SearchAttributes.failingStep);
      return { failed, retried, refusedWhileFailed, failingStepAfter, result };
    });

    expect(failed.state).toBe('compensation_failed');
    // Newest first; the two coupon holds were taken in parallel, so their order varies.
    expect(failed.compensations[0]).toEqual({ step: 'void CRM.COM purchase', outcome: 'done' });
    const byStep = (a: { step: string }, b: { step: string }) => a.step.localeCompare(b.step);
    expect([...failed.compensations.slice(1)].sort(byStep)).toEqual([
      { step: 'release coupon capillary:CAP1', outcome: 'done' },
      { step: 'release coupon coupontools:CT1', outcome: 'failed', reason: 'coupontools refused (CT_DOWN): unlock refused' },
    ]);
    expect(refusedWhileFailed).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(retried.state).toBe('compensated');
    expect(result.state).toBe('compensated');
    // The purchase void and the Capillary release ran once; only the refused unlock ran again.
    expect(calls.filter((c) => c.startsWith('voidLoyaltyPurchase'))).toHaveLength(1);
    expect(calls.filter((c) => c === 'releaseCoupon:capillary:CAP1')).toHaveLength(1);
    expect(calls.filter((c) => c === 'releaseCoupon:coupontools:CT1')).toHaveLength(2);
    expect(failingStepAfter).toBeUndefined();
    expect(transitions.map((t) => t.state).slice(-4)).toEqual(['compensating', 'compensation_failed', 'compensating', 'compensated']);
  });

  it('expires a reservation nobody commits within the hold time and releases its holds', async () => {
    const view = await withSaga(wf, happyActivities(calls, transitions), checkoutInput({ holdTimeoutMs: 1500, points: undefined }), async (start, handle) => {
      await start();
      return (await handle.result()) as CheckoutView;
    });

    expect(view.state).toBe('expired');
    expect(calls).toEqual(expect.arrayContaining(['releaseCoupon:coupontools:CT1', 'releaseCoupon:capillary:CAP1']));
  });

  it('completes a paid sale even when a vendor refuses after payment, recording it as an exception', async () => {
    const activities = happyActivities(calls, transitions);
    activities.redeemCoupon = refused('514', 'already validated elsewhere');
    const receipt = await withSaga(wf, activities, checkoutInput({ coupons: [{ provider: 'coupontools', code: 'CT1' }] }), async (start, handle) => {
      await start();
      await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      return (await handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' })).receipt;
    });

    expect(receipt?.exceptions).toEqual([{ vendor: 'v', code: '514', reason: 'already validated elsewhere' }]);
  });

  it('refuses a complete before commit, answers a repeated commit from its first run, and refuses all after cancel', async () => {
    await withSaga(wf, happyActivities(calls, transitions), checkoutInput(), async (start, handle) => {
      await start();
      await expect(handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'early' })).rejects.toMatchObject({
        cause: expect.objectContaining({ type: 'InvalidCheckoutState' }),
      });
      const first = await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      const again = await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit-retry' });
      expect(again).toEqual(first);
      await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
      // The cancelled saga has ended: Temporal itself refuses further updates.
      await expect(handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' })).rejects.toThrow(/already completed/);
      expect((await handle.query(checkoutView)).state).toBe('cancelled');
    });
    expect(calls.filter((c) => c.startsWith('submitLoyaltyPurchase'))).toHaveLength(1);
  });

  it('waits for a still-running commit step before undoing, so a late redemption is reversed too', async () => {
    const activities = happyActivities(calls, transitions);
    activities.submitLoyaltyPurchase = refusedAfterRetries(calls);
    // The redemption lands only when the test lets it: after the workflow has seen the purchase
    // fail and either went on without it (Promise.all) or waits for it (allSettled).
    let land!: () => void;
    const landed = new Promise<void>((resolve) => (land = resolve));
    activities.redeemPoints = async () => {
      await landed;
      calls.push('redeemPoints:done');
      return { redemptionId: 'R9', points: 100, valueMinor: 100 };
    };
    const { settled, view } = await withSaga(wf, activities, pointsBeforePayment({ coupons: [] }), async (start, handle) => {
      try {
        await start();
        const commit = handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' }).catch(() => undefined);
        const settled = await whenWorkflowSettlesAfterFailure(handle, 'submitLoyaltyPurchase', ['redeemPoints'], { timeoutMs: 30_000 });
        land();
        await commit;
        return { settled, view: (await handle.result()) as CheckoutView };
      } finally {
        land(); // never leave the worker's shutdown waiting on the mock
      }
    });

    // The saga saw the failure with the redemption still running, and waited for it: the undo
    // ran once, after the redemption landed, and knew what to reverse.
    expect(calls.filter((c) => /^(redeemPoints|reversePoints)/.test(c))).toEqual(['redeemPoints:done', 'reversePoints:R9']);
    expect(settled).toBe('waiting');
    expect(view.state).toBe('compensated');
  }, 60_000);

  it('keeps the undo of a step refused on a retried attempt: the effect of the first attempt is looked up', async () => {
    const activities = happyActivities(calls, transitions);
    activities.redeemPoints = refused('803', 'Not enough points');
    await withSaga(wf, activities, pointsBeforePayment({ coupons: [] }), async (start, handle) => {
      await start();
      await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      await handle.executeUpdate(cancelCheckout, { updateId: 'cancel' });
    });

    expect(calls).toContain('reversePoints:unknown');
  });

  it('undoes everything when an operator cancels the workflow mid-commit', async () => {
    const activities = happyActivities(calls, transitions);
    activities.submitLoyaltyPurchase = async () => {
      calls.push('submitLoyaltyPurchase');
      await new Promise((r) => setTimeout(r, 1000));
      return { purchaseNumber: '111', awardedMinor: 10, automaticSpendMinor: 0 };
    };
    const view = await withSaga(wf, activities, checkoutInput(), async (start, handle) => {
      await start();
      const commit = handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' }).catch(() => undefined);
      // Cancel while the purchase is in flight (it takes 1 s), however slowly the commit got there.
      await eventually(async () => calls, (c) => c.includes('submitLoyaltyPurchase'), { intervalMs: 50 });
      await handle.cancel();
      await commit;
      return (await handle.result()) as CheckoutView;
    });

    expect(['cancelled', 'compensated']).toContain(view.state);
    expect(calls).toEqual(expect.arrayContaining(['releaseCoupon:coupontools:CT1', 'releaseCoupon:capillary:CAP1']));
    expect(calls.some((c) => c.startsWith('voidLoyaltyPurchase'))).toBe(true);
    expect(transitions.at(-1)?.state).toBe(view.state);
  });

  it('completes a paid sale when an operator cancels while its complete phase retries a vendor, undoing nothing', async () => {
    const activities = happyActivities(calls, transitions);
    let cmcDown = true;
    activities.sendPostTender = async () => {
      calls.push('sendPostTender');
      if (cmcDown) throw vendorUnavailable('cmc', '503 Service Unavailable');
      return { vendorTransactionId: 'CMC1', sessionId: 'S' };
    };
    const { view, receipt } = await withSaga(wf, activities, checkoutInput(), async (start, handle) => {
      await start();
      await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      const completing = handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' });
      // Cancel while CMC is being retried (its second attempt has failed), then let CMC recover.
      await eventually(async () => calls.filter((c) => c === 'sendPostTender').length, (n) => n >= 2, { intervalMs: 50 });
      await handle.cancel();
      // CMC recovers only once the workflow has handled the cancel: the shield, not timing, keeps the sale.
      await whenCancelHandled(handle);
      cmcDown = false;
      const receipt = (await completing).receipt;
      return { view: (await handle.result()) as CheckoutView, receipt };
    });

    expect(view.state).toBe('completed');
    expect(view.failureReason).toBeUndefined();
    expect(view.compensations).toEqual([]);
    expect(view.receipt).toEqual(receipt);
    // CMC got the sale once it was back: the cancel did not cancel the retried call.
    expect(receipt?.references.cmcTransactionId).toBe('CMC1');
    expect(receipt?.exceptions).toEqual([]);
    expect(calls.filter((c) => /^(void|reverse|release)/.test(c))).toEqual([]);
    expect(transitions.map((t) => t.state)).toEqual(['reserved', 'committed', 'completed']);
  }, 60_000);

  it('still undoes everything when an operator cancels a committed saga before its complete phase', async () => {
    const view = await withSaga(wf, happyActivities(calls, transitions), pointsBeforePayment(), async (start, handle) => {
      await start();
      await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      await handle.cancel();
      return (await handle.result()) as CheckoutView;
    });

    expect(view).toMatchObject({ state: 'cancelled', failureReason: 'cancelled by an operator' });
    const undos = calls.filter((c) => /^(void|reverse|release)/.test(c));
    expect(new Set(undos)).toEqual(new Set(['voidLoyaltyPurchase:111', 'reversePoints:R1', 'releaseCoupon:coupontools:CT1', 'releaseCoupon:capillary:CAP1']));
    expect(undos).toHaveLength(4);
    expect(calls.filter((c) => /^(addSaleTransaction|sendPostTender|redeemCoupon)/.test(c))).toEqual([]);
    expect(transitions.map((t) => t.state)).toEqual(['reserved', 'committed', 'compensating', 'cancelled']);
  });

  it('unlocks a Coupontools coupon whose validation was refused after payment', async () => {
    const activities = happyActivities(calls, transitions);
    activities.redeemCoupon = refused('514', 'already validated elsewhere');
    await withSaga(wf, activities, checkoutInput({ coupons: [{ provider: 'coupontools', code: 'CT1' }] }), async (start, handle) => {
      await start();
      await handle.executeUpdate(commitCheckout, { args: [{}], updateId: 'commit' });
      await handle.executeUpdate(completeCheckout, { args: [{}], updateId: 'complete' });
    });

    // The refused validation (the mock records no call) is followed by the unlock, after payment.
    expect(calls.at(-1)).toBe('releaseCoupon:coupontools:CT1');
    expect(calls.indexOf('releaseCoupon:coupontools:CT1')).toBeGreaterThan(calls.indexOf('sendPostTender'));
  });
});

/** A purchase that fails at once on every attempt (the vendor refuses connections). */
function refusedAfterRetries(calls: string[]) {
  return async () => {
    calls.push('submitLoyaltyPurchase');
    throw vendorUnavailable('crmcom', 'ECONNREFUSED');
  };
}
