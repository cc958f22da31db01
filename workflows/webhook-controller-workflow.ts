import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { EngineActivities } from '../src/domain/activity-contracts';
import { WebhookStatus } from '../src/domain/statuses';
import type { WebhookStateChange, WebhookStateResult } from '../src/domain/webhook-state';
import { BOOKKEEPING_RETRY } from './bookkeeping';
import {
  attemptFailedSignal,
  changeStateUpdate,
  controllerStateQuery,
  disableSignal,
  enableSignal,
  pauseSignal,
  resumeSignal,
  webhookDeletedSignal,
} from './definitions';

export interface WebhookControllerInput {
  webhookId: string;
  /** Failed attempts within `windowMs` that disable the webhook; -1 never. */
  autoDisable: { failureThreshold: number; windowMs: number };
  /** Carried across continue-as-new: epoch ms of recent failed attempts. */
  recentFailures?: number[];
  /** State changes per run before continue-as-new. @default CHANGES_PER_RUN */
  changesPerRun?: number;
}

/** Continue-as-new after this many changes and failure reports, so history stays bounded however long the webhook lives. */
export const CHANGES_PER_RUN = 500;

/**
 * The one place a webhook's state changes. Signals (from the Temporal UI or
 * CLI) and the `changeState` update (from the REST API) run the same change,
 * one at a time; an activity applies it to Postgres and tells the webhook's
 * pending deliveries to look again. Failed attempts are counted here for
 * auto-disable; a 410 Gone disables at once.
 */
export async function webhookControllerWorkflow(input: WebhookControllerInput): Promise<void> {
  const { changeWebhookState, releaseHeldDeliveries } = proxyActivities<EngineActivities>({
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '1 minute',
    retry: BOOKKEEPING_RETRY,
  });

  let recentFailures = [...(input.recentFailures ?? [])];
  let changesApplied = 0;
  let failuresSeen = 0;
  let deleted = false;
  // Changes run strictly one after another, in the order they arrived.
  let queue: Promise<unknown> = Promise.resolve();

  const apply = (change: WebhookStateChange): Promise<WebhookStateResult> => {
    const run = queue.then(async () => {
      const result = await changeWebhookState.executeWithOptions(
        {
          startToCloseTimeout: '1 minute',
          retry: BOOKKEEPING_RETRY,
          summary: `${change.action}${change.reason ? `: ${change.reason}` : ''}`,
        },
        [{ webhookId: input.webhookId, ...change }],
      );
      changesApplied++;
      if (result.ok && result.changed && result.status === WebhookStatus.Active) {
        recentFailures = [];
        await releaseHeldDeliveries({ webhookId: input.webhookId });
      }
      return result;
    });
    queue = run.catch((err) => log.error('webhook state change failed', { err }));
    return run;
  };

  setHandler(pauseSignal, () => void apply({ action: 'pause' }));
  setHandler(resumeSignal, () => void apply({ action: 'resume' }));
  setHandler(disableSignal, (args) => void apply({ action: 'disable', reason: args?.reason ?? 'disabled by an operator' }));
  setHandler(enableSignal, () => void apply({ action: 'enable' }));
  setHandler(changeStateUpdate, (change) => apply(change));
  setHandler(webhookDeletedSignal, () => void (deleted = true));
  setHandler(controllerStateQuery, () => ({ recentFailures: recentFailures.length, failuresSeen, changesApplied }));

  setHandler(attemptFailedSignal, ({ at, statusCode }) => {
    failuresSeen++;
    if (statusCode === 410) {
      void apply({ action: 'disable', reason: 'the receiver answered 410 Gone' });
      return;
    }
    const { failureThreshold, windowMs } = input.autoDisable;
    if (failureThreshold < 0) return;
    recentFailures = [...recentFailures.filter((t) => t > at - windowMs), at].slice(-failureThreshold);
    if (recentFailures.length >= failureThreshold) {
      recentFailures = [];
      void apply({
        action: 'disable',
        reason: `${failureThreshold} failed attempts within ${windowMs / 1000} s`,
      });
    }
  });

  // Failure reports are signals too: they count toward the history's size.
  await condition(
    () => deleted || changesApplied + failuresSeen >= (input.changesPerRun ?? CHANGES_PER_RUN) || workflowInfo().continueAsNewSuggested,
  );
  await condition(allHandlersFinished);
  await queue;
  if (deleted) return;
  await continueAsNew<typeof webhookControllerWorkflow>({ ...input, recentFailures });
}
