import type { CheckoutRef } from '../workflows/checkout.contract';
import { checkoutStepContext, type StepDeps } from './activity-scope';
import type {
  PostTenderCapability,
  PostTenderReceipt,
  PostTenderTransaction,
  SaleTransaction,
  TransactionCapability,
} from './vendors/capabilities';

/** After payment: the bill at Capillary and the post-tender transaction at CMC, both under our reference. */
export function createSaleActivities(deps: { transactions: TransactionCapability; postTender: PostTenderCapability } & StepDeps) {
  const ctx = (ref: CheckoutRef, step: string) => checkoutStepContext(deps, ref, step);
  return {
    async addSaleTransaction(ref: CheckoutRef, sale: SaleTransaction): Promise<{ transactionId: string; duplicate: boolean }> {
      return deps.transactions.addTransaction(ctx(ref, 'transaction add'), sale);
    },

    async sendPostTender(ref: CheckoutRef, tx: PostTenderTransaction): Promise<PostTenderReceipt> {
      return deps.postTender.sendTransaction(ctx(ref, 'post-tender'), tx);
    },
  };
}
