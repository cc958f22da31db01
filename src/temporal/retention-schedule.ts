import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { retentionWorkflow, type RetentionInput } from '../../workflows/retention-workflow';
import type { Config } from '../config';
import { RETENTION_BATCH_SIZE } from '../domain/retention';
import { retentionScheduleId, retentionWorkflowId } from '../domain/workflow-ids';

type RetentionConfig = Pick<Config, 'retention' | 'temporal'>;

function retentionInput(config: RetentionConfig): RetentionInput {
  return { defaultRetentionDays: config.retention.days, batchSize: RETENTION_BATCH_SIZE };
}

function scheduleOptions(config: RetentionConfig) {
  return {
    spec: { intervals: [{ every: config.retention.intervalMs }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: retentionWorkflow,
      workflowId: retentionWorkflowId(config.temporal.taskQueue),
      taskQueue: config.temporal.taskQueue,
      args: [retentionInput(config)] as [RetentionInput],
    },
    // A purge still running when the next is due is not doubled; one missed while no worker ran is not made up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 60_000 },
  };
}

/**
 * The retention purge's Temporal Schedule (visible and triggerable in the UI,
 * under Schedules): created when a worker process starts, or brought in line
 * with this worker's configuration (interval, RETENTION_DAYS) if it exists.
 * Every worker of a deployment does this; the last one's settings stand.
 */
export async function ensureRetentionSchedule(client: Client, config: RetentionConfig): Promise<string> {
  const scheduleId = retentionScheduleId(config.temporal.taskQueue);
  const options = scheduleOptions(config);
  try {
    await client.schedule.create<typeof retentionWorkflow>({
      scheduleId,
      ...options,
      state: { note: `Data retention purge (RETENTION_DAYS=${config.retention.days})` },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update<typeof retentionWorkflow>((prev) => ({ ...prev, ...options }));
  }
  return scheduleId;
}

/** Starts a purge now, as the Schedule would (its Trigger). */
export async function triggerRetention(client: Client, config: RetentionConfig): Promise<void> {
  await client.schedule.getHandle(retentionScheduleId(config.temporal.taskQueue)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
}
