import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { EngineActivities } from '../src/domain/activity-contracts';
import type { DeliveryWorkflowInput } from '../src/domain/delivery-input';
import { DeliveryStatus } from '../src/domain/statuses';
import { BOOKKEEPING_OPTIONS } from './bookkeeping';
import { deliveryProgressQuery, recheckSignal, retryNowSignal } from './definitions';
import { deliveryRetryPolicy } from './retry-policy';
import { DeliveryStatusAttribute } from './search-attributes';

export type { DeliveryWorkflowInput } from '../src/domain/delivery-input';

export interface DeliveryWorkflowResult {
  status: DeliveryStatus;
  statusCode?: number;
  error?: string;
}

/** Time an attempt may take beyond the receiver's own limit: loading, signing, storing. */
const ATTEMPT_OVERHEAD_MS = 10_000;
/** A held delivery looks at its webhook again this often, in case a release signal was missed. */
const HELD_RECHECK = '1 minute';

/**
 * One delivery of one event to one webhook. The attempt activity signs and
 * POSTs; Temporal's retry policy is the schedule. The workflow adds what the
 * retry policy cannot: a paused webhook holds the delivery (no attempt is
 * spent), and a recheck or retry-now interrupts a backoff. After an
 * interruption the schedule carries on from the attempts already made.
 */
export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryWorkflowResult> {
  const firstAttemptNumber = input.firstAttemptNumber ?? 1;
  const { failDelivery, countAttempts } = proxyActivities<EngineActivities>(BOOKKEEPING_OPTIONS);

  let wakeups = 0;
  let held = false;
  let attemptsMade = 0;
  setHandler(recheckSignal, () => void wakeups++);
  setHandler(retryNowSignal, () => void wakeups++);
  setHandler(deliveryProgressQuery, () => ({ held, attemptsMade }));

  let result: DeliveryWorkflowResult | undefined;
  while (!result) {
    const seen = wakeups;
    const options: ActivityOptions = {
      startToCloseTimeout: input.requestTimeoutMs + ATTEMPT_OVERHEAD_MS,
      retry: deliveryRetryPolicy(input.retry, attemptsMade),
      // An attempt already on the wire finishes and is recorded before the series is replaced.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      summary: `POST ${input.eventType} to webhook ${input.webhookId}`,
    };
    const { deliverAttempt } = proxyActivities<EngineActivities>(options);
    const series = new CancellationScope();
    const attempt = series
      .run(() =>
        deliverAttempt.executeWithOptions(options, [
          {
            deliveryId: input.deliveryId,
            attemptNumberBase: firstAttemptNumber + attemptsMade - 1,
            requestTimeoutMs: input.requestTimeoutMs,
          },
        ]),
      )
      .then(
        (outcome) => ({ outcome }) as const,
        (error: unknown) => ({ error }) as const,
      );
    const interrupted = condition(() => wakeups !== seen).then(() => 'interrupted' as const);
    const first = await Promise.race([attempt, interrupted]);

    const settled = first === 'interrupted' ? (series.cancel(), await attempt) : first;
    if ('outcome' in settled) {
      const { outcome } = settled;
      if (outcome.status === 'held') {
        // Paused: nothing was sent. Wait for a release (or look again after a while).
        held = true;
        attemptsMade = outcome.attemptsMade - (firstAttemptNumber - 1);
        await condition(() => wakeups !== seen, HELD_RECHECK);
        held = false;
        continue;
      }
      result = 'statusCode' in outcome ? outcome : { status: outcome.status, error: outcome.reason };
    } else if (first === 'interrupted' && !isFinal(settled.error)) {
      // The series was interrupted: count what was made, then start the rest of the schedule now.
      attemptsMade = (await countAttempts({ deliveryId: input.deliveryId })) - (firstAttemptNumber - 1);
      if (attemptsMade >= input.retry.maximumAttempts) result = await fail(settled.error);
    } else {
      result = await fail(settled.error);
    }
  }
  // Only the deliveries an operator looks for are tagged: a success is the common case, and an
  // upsert costs the server a history event and a visibility write per delivery.
  if (result.status !== DeliveryStatus.Succeeded) upsertSearchAttributes([{ key: DeliveryStatusAttribute, value: result.status }]);
  return result;

  /** A failure no further attempt can change: the receiver refused, or the delivery is gone. */
  function isFinal(err: unknown): boolean {
    return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable === true;
  }

  async function fail(err: unknown): Promise<DeliveryWorkflowResult> {
    if (!(err instanceof ActivityFailure)) throw err;
    const error = err.cause?.message ?? 'delivery failed';
    log.info('delivery failed', { deliveryId: input.deliveryId, error });
    await failDelivery.executeWithOptions({ ...BOOKKEEPING_OPTIONS, summary: `mark delivery failed: ${error}` }, [
      { deliveryId: input.deliveryId, webhookId: input.webhookId, error },
    ]);
    return { status: DeliveryStatus.Failed, error };
  }
}
