export { deliveryWorkflow } from './delivery-workflow';
export { webhookControllerWorkflow } from './webhook-controller-workflow';
