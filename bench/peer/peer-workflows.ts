// Everything the peer worker's workflow bundle contains (Worker.create workflowsPath).
export { peerCheckoutWorkflow } from './peer-checkout.workflow';
