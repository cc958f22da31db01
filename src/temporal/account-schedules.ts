import { ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { accountSyncWorkflow, type AccountSyncInput } from '../../workflows/account-sync-workflow';
import type { Config } from '../config';
import { accountScheduleId, manualSyncWorkflowId, scheduledSyncWorkflowId } from '../domain/workflow-ids';

type SyncConfig = Pick<Config, 'accountSync' | 'temporal'>;

function syncInput(accountId: string, trigger: AccountSyncInput['trigger'], config: SyncConfig): AccountSyncInput {
  return {
    accountId,
    trigger,
    temporaryFailureRetry: { delayMs: config.accountSync.retryDelayMs, maxRetries: config.accountSync.maxRetries },
  };
}

/**
 * The account's daily refresh: a Temporal Schedule, visible and triggerable in
 * the UI (Schedules), that starts the sync workflow. A run still going when the
 * next is due is not doubled.
 */
export async function createAccountSchedule(client: Client, accountId: string, config: SyncConfig): Promise<string> {
  const scheduleId = accountScheduleId(accountId);
  await client.schedule.create<typeof accountSyncWorkflow>({
    scheduleId,
    spec: { intervals: [{ every: config.accountSync.intervalMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: accountSyncWorkflow,
      workflowId: scheduledSyncWorkflowId(accountId),
      taskQueue: config.temporal.taskQueue,
      args: [syncInput(accountId, 'schedule', config)],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    state: { note: `Daily sync of account ${accountId}` },
  });
  return scheduleId;
}

export async function deleteAccountSchedule(client: Client, accountId: string): Promise<void> {
  try {
    await client.schedule.getHandle(accountScheduleId(accountId)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

/**
 * Starts an on-demand sync, or returns the one already running: a second
 * request while it runs joins it instead of starting another.
 */
export async function startManualSync(client: Client, accountId: string, config: SyncConfig) {
  const handle = await client.workflow.start<typeof accountSyncWorkflow>(accountSyncWorkflow, {
    workflowId: manualSyncWorkflowId(accountId),
    taskQueue: config.temporal.taskQueue,
    args: [syncInput(accountId, 'manual', config)],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    staticSummary: `On-demand sync of account ${accountId}`,
  });
  return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}
