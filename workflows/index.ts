// Everything the worker's workflow bundle contains.
// checkoutWorkflow (v1) stays registered until no v1 saga runs: the API starts only checkoutWorkflowV2.
export { checkoutWorkflow } from './checkout.workflow';
export { checkoutWorkflowV2 } from './checkout-v2.workflow';
export { productSyncWorkflow } from './product-sync.workflow';
export { voidCheckoutWorkflow } from './void-checkout.workflow';
export { checkoutReturnsWorkflow } from './checkout-returns.workflow';
export { checkoutBatchWorkflow } from './checkout-batch.workflow';
export { auditSealWorkflow } from './audit-seal.workflow';
export { auditCheckpointWorkflow } from './audit-checkpoint.workflow';
export { capillaryValidationCodeWorkflow } from './capillary-validation-code.workflow';
export { capillaryRetroTagWorkflow } from './capillary-retro.workflow';
