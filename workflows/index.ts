// Everything the worker's workflow bundle contains.
export { checkoutWorkflow } from './checkout.workflow';
