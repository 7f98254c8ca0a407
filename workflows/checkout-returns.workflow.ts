import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createReturnActivities } from '../activities/checkout-return.activities';
import type { createTransitionActivities } from '../activities/checkout-transition.activities';
import { ActivityProfiles } from './activity-options';
import type { CheckoutView, Refusal } from './checkout.contract';
import {
  ReturnFailureTypes,
  returnCheckout,
  type CheckoutReturn,
  type CheckoutReturnsInput,
  type ReturnAnswer,
  type ReturnRequest,
} from './checkout-returns.contract';
import { MAX_RETURNS_PER_CHECKOUT, returnTransitionSeq } from './checkout-transitions.contract';
import { forwardSteps } from './forward-step';
import { refundOfUnknownCmcSale } from './unknown-cmc-sale';
import { refuseReturn, returnShares, type ReturnableLine } from './return-allocation';
import { workflowNow } from './workflow-clock';
import { Patches, isPatched } from './workflow-patches';

type Activities = ReturnType<typeof createReturnActivities> & ReturnType<typeof createTransitionActivities>;

/** After payment, like the void: transient faults are retried forward, a vendor's "no" becomes an exception. */
const afterPayment = proxyActivities<Activities>(ActivityProfiles.afterPayment);
const bookkeeping = proxyActivities<Activities>(ActivityProfiles.bookkeeping);

/** A returns workflow with nothing to do ends; the next return starts a new run from the projection. */
export const RETURNS_IDLE_TIMEOUT = '7 days';

/**
 * The partial returns of one completed checkout (id `returns:<checkoutId>`), each a Temporal Update
 * whose id is the POS's return reference plus the body's hash.
 *
 * Why one workflow per checkout rather than a database row lock: the returnable amount is checked and
 * taken, and the vendor steps run, inside one single-threaded execution, so two returns racing for the
 * same money are ordered with no lock held across vendor calls, and Temporal deduplicates a retried
 * update id (the first answer comes back without the handler running again). The check runs twice:
 * in the validator (a refused return leaves no trace in history) and again when the return's turn
 * comes (the authority: returns accepted together are checked one after the other).
 */
export async function checkoutReturnsWorkflow(input: CheckoutReturnsInput): Promise<void> {
  const { ref, original } = input;
  let view: CheckoutView = input.view;
  const receipt = view.receipt;
  const items: CheckoutReturn[] = [...(view.returns?.items ?? [])];
  const totalMinor = receipt?.totalMinor ?? 0;
  const returnedMinor = () => items.reduce((s, r) => s + r.amountMinor, 0);
  let queue: Promise<unknown> = Promise.resolve();

  const saleLines = (): ReturnableLine[] => {
    const bySku = new Map<string, ReturnableLine>();
    for (const l of original?.lines ?? []) {
      const line = bySku.get(l.sku) ?? { sku: l.sku, quantity: 0, totalMinor: 0, returnedQuantity: 0, returnedMinor: 0 };
      line.quantity += l.quantity;
      line.totalMinor += l.totalMinor;
      bySku.set(l.sku, line);
    }
    for (const r of items) {
      for (const l of r.lines ?? []) {
        const line = bySku.get(l.sku);
        if (line) {
          line.returnedQuantity += l.quantity;
          line.returnedMinor += l.totalMinor;
        }
      }
    }
    return [...bySku.values()];
  };

  /** Throws the refusal of a return that cannot be made now; undefined when it can (or was made: the earlier record). */
  const check = (req: ReturnRequest): CheckoutReturn | undefined => {
    const earlier = items.find((r) => r.returnReference === req.returnReference);
    if (earlier) {
      if (earlier.requestHash === req.requestHash) return earlier;
      throw ApplicationFailure.create({
        type: ReturnFailureTypes.conflict,
        message: `return ${req.returnReference} was already made with another body`,
        nonRetryable: true,
      });
    }
    if (!receipt || !['completed', 'partially_returned'].includes(view.state)) {
      throw ApplicationFailure.create({ type: ReturnFailureTypes.invalidState, message: `cannot return a checkout that is ${view.state}`, nonRetryable: true });
    }
    if (req.lines && !original) {
      throw refused([{ field: 'lines', message: "the sale's lines are no longer known: return an amount instead" }]);
    }
    if (items.length >= MAX_RETURNS_PER_CHECKOUT) throw refused([{ field: 'returnReference', message: `at most ${MAX_RETURNS_PER_CHECKOUT} returns per checkout` }]);
    const errors = refuseReturn(req, { totalMinor, returnedMinor: returnedMinor(), lines: saleLines() });
    if (errors.length > 0) throw refused(errors);
    return undefined;
  };

  const makeReturn = async (req: ReturnRequest): Promise<CheckoutReturn> => {
    const done = check(req);
    if (done) return done;
    if (!receipt) throw new Error('unreachable: check() refuses a checkout without a receipt');
    const amountMinor = req.amountMinor ?? (req.lines ?? []).reduce((s, l) => s + l.totalMinor, 0);
    const before = returnedMinor();
    const after = before + amountMinor;
    const shares = returnShares(
      {
        paidMinor: receipt.amountDueMinor,
        awardedMinor: receipt.awardedMinor,
        spentMinor: receipt.spentMinor,
        pointsRedeemed: receipt.pointsRedeemed,
        pointsValueMinor: receipt.pointsValueMinor,
        couponsMinor: receipt.coupons.map((c) => c.valueMinor ?? 0),
      },
      totalMinor,
      before,
      after,
    );
    // Taken before any vendor call: a return accepted behind this one sees the money as returned.
    const record: CheckoutReturn = {
      returnReference: req.returnReference,
      requestHash: req.requestHash,
      kind: req.lines ? 'lines' : 'amount',
      returnedAt: new Date(workflowNow()).toISOString(),
      amountMinor,
      ...(req.lines && { lines: req.lines }),
      refundMinor: shares.paidMinor,
      reversed: {
        awardedMinor: shares.awardedMinor,
        spentMinor: shares.spentMinor,
        pointsRedeemed: shares.pointsRedeemed,
        pointsValueMinor: shares.pointsValueMinor,
        couponsMinor: shares.couponsMinor.reduce((s, v) => s + v, 0),
      },
      state: after === totalMinor ? 'returned' : 'partially_returned',
      returnableMinor: totalMinor - after,
      references: {},
      exceptions: [],
      nonCompensable: [],
    };
    items.push(record);
    await runVendorSteps(record, shares.couponsMinor);

    view = { ...view, state: record.state, returns: { returnedMinor: after, returnableMinor: totalMinor - after, items: [...items] } };
    await bookkeeping.recordCheckoutTransition(ref, {
      seq: returnTransitionSeq(items.length),
      state: record.state,
      step: `return ${req.returnReference}`,
      totalMinor,
      view,
      distinctBy: req.returnReference,
    });
    return record;
  };

  const runVendorSteps = async (record: CheckoutReturn, couponShares: number[]) => {
    if (!receipt) return;
    const refs = receipt.references;
    const now = new Date(workflowNow()).toISOString();
    const returnReference = record.returnReference;
    const forward = forwardSteps(record.exceptions, 'NOT_RETURNED');
    const missing = (vendor: string, step: string): Refusal => ({ vendor, code: 'CUSTOMER_UNKNOWN', reason: `${step} not attempted: the checkout's customer is no longer known` });
    // The returned lines as the vendors want them: net and VAT in proportion to the line's total.
    const returnedLines = original && record.lines
      ? record.lines.map((l) => {
          const sold = original.lines.find((o) => o.sku === l.sku);
          const netMinor = sold && sold.totalMinor > 0 ? Math.floor((sold.netMinor * l.totalMinor) / sold.totalMinor) : l.totalMinor;
          return { sku: l.sku, ...(sold?.description && { description: sold.description }), quantity: l.quantity, totalMinor: l.totalMinor, netMinor, vatMinor: l.totalMinor - netMinor };
        })
      : undefined;

    const returnBill = async () => {
      if (refs.capillaryTransactionId && record.refundMinor > 0) {
        if (!original) record.exceptions.push(missing('capillary', 'transaction return'));
        else
          await forward('transaction return', 'capillary', async () => {
            const r = await afterPayment.returnBillPart(ref, {
              returnReference,
              amountMinor: record.refundMinor,
              originalBillingTime: original.performedOn,
              billingTime: now,
              ...(original.capillaryCustomer && { customer: original.capillaryCustomer }),
            });
            if (r.transactionId) record.references.capillaryReturnTransactionId = r.transactionId;
          });
      }
    };
    const reversePoints = async () => {
      if (refs.pointsRedemptionId && record.reversed.pointsRedeemed > 0) {
        const customer = original?.capillaryCustomer;
        if (!customer) record.exceptions.push(missing('capillary', 'points reverse'));
        else
          await forward('points reverse', 'capillary', async () => {
            const reversedBefore = items.filter((r) => r !== record).reduce((s, r) => s + r.reversed.pointsRedeemed, 0);
            await afterPayment.reversePointsPart(ref, customer, {
              returnReference,
              redemptionId: refs.pointsRedemptionId as string,
              points: record.reversed.pointsRedeemed,
              valueMinor: record.reversed.pointsValueMinor,
              reversedBefore,
            });
            record.references.pointsReversedRedemptionId = refs.pointsRedemptionId as string;
          });
      }
    };
    const capillary = async () => {
      // The points share before the bill's (vendors.md's undo table: "Reverse **before** returning the
      // bill if both are needed", as in the void). Guarded: returns recorded before went bill first.
      const billToReturn = Boolean(refs.capillaryTransactionId && record.refundMinor > 0);
      const pointsToReverse = Boolean(refs.pointsRedemptionId && record.reversed.pointsRedeemed > 0);
      if (billToReturn && pointsToReverse && isPatched(Patches.returnsReversePointsBeforeBillReturn)) {
        await reversePoints();
        await returnBill();
      } else {
        await returnBill();
        await reversePoints();
      }
    };

    // Data only (no command), so no patch.
    const unknownCmcSale = record.refundMinor > 0 ? refundOfUnknownCmcSale(receipt, ref, 'return') : undefined;
    if (unknownCmcSale) record.exceptions.push(unknownCmcSale);
    await Promise.all([
      refs.cmcTransactionId &&
        record.refundMinor > 0 &&
        forward('post-tender refund', 'cmc', async () => {
          const r = await afterPayment.refundPostTenderPart(ref, { returnReference, amountMinor: record.refundMinor, transactionDate: now, lines: returnedLines ?? [] });
          record.references.cmcRefundTransactionId = r.vendorTransactionId;
        }),
      capillary(),
      // CRM.COM: a purchase of ours (its award) or a sale without a customer that may have been reclaimed.
      (refs.crmcomPurchaseNumber || receipt.crmcomReclaim) &&
        forward('goods return', 'crmcom', async () => {
          if (refs.crmcomPurchaseNumber && !original?.crmcomCustomer) {
            record.exceptions.push(missing('crmcom', 'goods return'));
            return;
          }
          // A sale whose CRM.COM was left out (unavailable) awarded nobody at the till: like a sale
          // without a customer, its return names none (only a reclaimed award is taken back).
          const awardedAtTill = !receipt.unavailable?.includes('crmcom');
          const r = await afterPayment.returnGoods(ref, {
            returnReference,
            ...(original?.crmcomCustomer && awardedAtTill && { customer: original.crmcomCustomer }),
            amountMinor: record.amountMinor,
            performedOn: now,
            ...(returnedLines && { lines: returnedLines }),
            ...(refs.crmcomPurchaseNumber && { originalPurchaseNumber: refs.crmcomPurchaseNumber }),
          });
          record.references.crmcomReturnNumber = r.returnNumber;
        }),
    ]);

    // CRM.COM documents no partial spend reversal: the wallet share is for finance to settle.
    if (record.reversed.spentMinor > 0) {
      record.exceptions.push({ vendor: 'crmcom', code: 'SPEND_NOT_REVERSED', reason: `the wallet spend share (${record.reversed.spentMinor} minor units) has no partial reversal at CRM.COM` });
    }
    // A coupon is used whole: its discount share is recorded, never given back.
    receipt.coupons.forEach((c, i) => {
      if ((couponShares[i] ?? 0) > 0) record.nonCompensable.push({ vendor: c.provider, code: c.code, shareMinor: couponShares[i] });
    });
  };

  setHandler(
    returnCheckout,
    (req: ReturnRequest): Promise<ReturnAnswer> => {
      // Serialised: each return runs once the one before it has finished (and been recorded).
      const turn = queue.then(() => makeReturn(req));
      queue = turn.catch(() => undefined);
      return turn.then((r) => ({ checkoutId: ref.checkoutId, return: r }));
    },
    { validator: (req: ReturnRequest) => void check(req) },
  );

  const fullyReturned = () => totalMinor > 0 && returnedMinor() >= totalMinor;
  // Idle for a week or everything returned: end (a later call starts a new run from the projection).
  while (!fullyReturned()) {
    const busy = await condition(() => fullyReturned() || !allHandlersFinished(), RETURNS_IDLE_TIMEOUT);
    if (!busy) break;
    await condition(allHandlersFinished);
  }
  await condition(allHandlersFinished);
}

function refused(errors: Array<{ field: string; message: string }>): ApplicationFailure {
  return ApplicationFailure.create({
    type: ReturnFailureTypes.refused,
    message: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    nonRetryable: true,
    details: [{ errors }],
  });
}
