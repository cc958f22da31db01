/**
 * The plain Temporal floor's workload, for `npm run temporal:noop-rate` and the
 * bench's Temporal limit: a workflow that runs one activity that does nothing.
 */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10s' });

export async function noopWorkflow(): Promise<void> {
  await noop();
}
