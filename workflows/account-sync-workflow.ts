import { log, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { SyncOutcome } from '../src/domain/account-sync';
import type { EngineActivities } from '../src/domain/activity-contracts';
import { BOOKKEEPING_OPTIONS } from './bookkeeping';

export interface AccountSyncInput {
  accountId: string;
  trigger: 'schedule' | 'manual';
  /** After a TemporaryFailureError the sync runs again this much later, at most `maxRetries` times. */
  temporaryFailureRetry: { delayMs: number; maxRetries: number };
}

export type AccountSyncResult =
  | { status: 'skipped'; reason: string }
  | { status: 'synced' }
  | { status: 'failed'; error: string };

/**
 * One account sync (the SyncAccount/SyncError contract): run the provider's connector and report the
 * outcome as a SyncAccount or SyncError hook. A TemporaryFailureError is
 * reported and the sync runs again later; LoginFailedError and
 * SecurityQuestionError leave the account needing a reconnect.
 */
export async function accountSyncWorkflow(input: AccountSyncInput): Promise<AccountSyncResult> {
  const { beginSync, endSync, reportSyncOutcome } = proxyActivities<EngineActivities>(BOOKKEEPING_OPTIONS);
  // A connector call is not retried by Temporal: its failure is the sync's outcome, reported as a hook.
  const { runConnector } = proxyActivities<EngineActivities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 1 } });
  const { workflowId, runId } = workflowInfo();

  const begun = await beginSync({ accountId: input.accountId, workflowId });
  if (!begun.started) {
    log.info('sync skipped', { accountId: input.accountId, reason: begun.reason });
    return { status: 'skipped', reason: begun.reason };
  }
  try {
    for (let run = 1; ; run++) {
      let outcome: SyncOutcome;
      try {
        outcome = await runConnector.executeWithOptions(
          { startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 1 }, summary: `connector run ${run}` },
          [{ accountId: input.accountId }],
        );
      } catch {
        // The activity itself died (timeout, lost worker): that too is an unknown connector failure.
        outcome = { ok: false, error: 'UnknownConnectorError' };
      }
      await reportSyncOutcome({ accountId: input.accountId, outcome, key: `${runId}-${run}` });
      if (outcome.ok) return { status: 'synced' };
      if (outcome.error !== 'TemporaryFailureError' || run > input.temporaryFailureRetry.maxRetries) {
        return { status: 'failed', error: outcome.error };
      }
      await sleep(input.temporaryFailureRetry.delayMs);
    }
  } finally {
    await endSync({ accountId: input.accountId, workflowId });
  }
}
