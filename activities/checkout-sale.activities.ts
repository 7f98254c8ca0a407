import { capillaryBillNumberOf, type CheckoutRef } from '../workflows/checkout.contract';
import { checkoutStepContext, type StepDeps } from './activity-scope';
import type {
  PostTenderCapability,
  PostTenderReceipt,
  PostTenderTransaction,
  SaleTransaction,
  TransactionCapability,
} from './vendors/capabilities';

/** After payment: the bill at Capillary under its bill number, and the post-tender transaction at CMC under our reference. */
export function createSaleActivities(deps: { transactions: TransactionCapability; postTender: PostTenderCapability } & StepDeps) {
  return {
    async addSaleTransaction(ref: CheckoutRef, sale: SaleTransaction): Promise<{ transactionId: string; duplicate: boolean }> {
      return deps.transactions.addTransaction(checkoutStepContext(deps, ref, 'transaction add', capillaryBillNumberOf(ref)), sale);
    },

    async sendPostTender(ref: CheckoutRef, tx: PostTenderTransaction): Promise<PostTenderReceipt> {
      return deps.postTender.sendTransaction(checkoutStepContext(deps, ref, 'post-tender'), tx);
    },
  };
}
