/** The workload of `npm run temporal:noop-rate`: a workflow that runs one activity that does nothing. */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10s' });

export async function noopWorkflow(): Promise<void> {
  await noop();
}
