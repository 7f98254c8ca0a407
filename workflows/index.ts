// Everything the worker's workflow bundle contains.
export { checkoutWorkflow } from './checkout.workflow';
export { productSyncWorkflow } from './product-sync.workflow';
export { voidCheckoutWorkflow } from './void-checkout.workflow';
export { checkoutReturnsWorkflow } from './checkout-returns.workflow';
export { checkoutBatchWorkflow } from './checkout-batch.workflow';
export { auditSealWorkflow } from './audit-seal.workflow';
