/** Ids of the engine's workflows and schedules: the formats an operator looks for in the Temporal UI. */

/** Controller workflow id of a webhook. */
export const controllerWorkflowId = (webhookId: string) => `webhook-${webhookId}`;

/** The Temporal Schedule of an account's daily sync. */
export const accountScheduleId = (accountId: string) => `account-sync-${accountId}`;
/** The on-demand sync of an account; a second request while it runs joins it. */
export const manualSyncWorkflowId = (accountId: string) => `account-sync-${accountId}-manual`;
/** The syncs the account's schedule starts. */
export const scheduledSyncWorkflowId = (accountId: string) => `account-sync-${accountId}-scheduled`;

/**
 * The Temporal Schedule that runs the retention purge, one per task queue: test stacks and
 * deployments sharing a namespace each purge their own database.
 */
export const retentionScheduleId = (taskQueue: string) => `retention-${taskQueue}`;
/** The purge runs the retention Schedule starts. */
export const retentionWorkflowId = (taskQueue: string) => `retention-${taskQueue}-run`;
/** The delivery line of a `fifo` webhook: the one workflow that sends its deliveries one at a time, in order. */
export const deliveryLineWorkflowId = (webhookId: string) => `webhook-line-${webhookId}`;
