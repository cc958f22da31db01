export { accountSyncWorkflow } from './account-sync-workflow';
export { deliveryWorkflow } from './delivery-workflow';
export { webhookControllerWorkflow } from './webhook-controller-workflow';
export { retentionWorkflow } from './retention-workflow';
export { deliveryLineWorkflow } from './delivery-line-workflow';
