import type { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { Checkout } from '../src/checkouts/checkout.entity';
import type { CheckoutRef, CheckoutTransition } from '../workflows/checkout.contract';
import { Context } from '@temporalio/activity';

/**
 * Saga transitions: one audit row per state entered and the `checkouts` projection moved in the same
 * database transaction, so the read model never shows a state the trail does not explain.
 */
export function createTransitionActivities({ dataSource }: { dataSource: DataSource }) {
  return {
    async recordCheckoutTransition(ref: CheckoutRef, transition: CheckoutTransition): Promise<void> {
      const runId = Context.current().info.workflowExecution?.runId ?? null;
      await dataSource.transaction(async (tx) => {
        await tx
          .createQueryBuilder()
          .insert()
          .into(AuditEvent)
          .values({
            idempotencyKey: [ref.checkoutId, runId ?? '-', 'transition', transition.state].join('|'),
            checkoutId: ref.checkoutId,
            runId,
            kind: 'transition',
            step: transition.step,
            outcome: transition.state,
            amountMinor: transition.view.receipt?.amountDueMinor ?? null,
            currency: ref.currency,
            errorCode: transition.view.rejection?.code ?? null,
            errorMessage: transition.view.rejection?.reason ?? transition.view.failureReason ?? null,
            merchant: ref.merchant,
            store: ref.store,
            till: ref.till,
          })
          .orIgnore()
          .execute();
        await tx.upsert(
          Checkout,
          {
            id: ref.checkoutId,
            merchant: ref.merchant,
            store: ref.store,
            till: ref.till,
            posReference: ref.posReference,
            state: transition.state,
            currency: ref.currency,
            totalMinor: transition.totalMinor,
            awardedMinor: transition.view.receipt?.awardedMinor ?? null,
            spentMinor: transition.view.receipt?.spentMinor ?? null,
            receipt: transition.view.receipt ?? null,
            view: transition.view,
            failureReason: transition.view.rejection?.reason ?? transition.view.failureReason ?? null,
          },
          ['id'],
        );
      });
    },
  };
}
