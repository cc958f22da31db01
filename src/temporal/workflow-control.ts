import type { Client } from '@temporalio/client';
import type { WorkflowControl } from '../../activities/workflow-control';
import type { Config } from '../config';
import { deliverySettings, dispatchDelivery, recheckDelivery, reportAttemptFailed, wakeDeliveryLine } from './workflow-starters';

/** The activities' way to start and signal workflows, through the worker's client. */
export function createWorkflowControl(
  temporal: () => Promise<Client>,
  config: Pick<Config, 'temporal' | 'delivery' | 'autoDisable'>,
): WorkflowControl {
  const settings = deliverySettings(config);
  return {
    async reportFailedAttempt(webhookId, failure) {
      await reportAttemptFailed(await temporal(), webhookId, config, failure);
    },
    async recheckDelivery(workflowId) {
      await recheckDelivery(await temporal(), workflowId);
    },
    async dispatchDelivery(row) {
      await dispatchDelivery(await temporal(), settings, row);
    },
    async wakeDeliveryLine(webhookId) {
      await wakeDeliveryLine(await temporal(), webhookId, settings.taskQueue);
    },
  };
}
