import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  log,
  proxyActivities,
  proxyLocalActivities,
  TemporalFailure,
  setHandler,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import { DeliveryStatus } from '../src/domain/statuses';
import { deliveryProgressQuery, recheckSignal, retryNowSignal } from './definitions';
import { deliveryRetryPolicy, type DeliveryRetrySchedule } from './retry-policy';
import { DeliveryStatusAttribute } from './search-attributes';

export interface DeliveryWorkflowInput {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  /** Fixed when the delivery is dispatched, so a running delivery keeps its schedule. */
  retry: DeliveryRetrySchedule;
  /** The receiver's time limit (the webhook's `timeout_ms`, or the configured one); the activity gets a little more to store the attempt. */
  requestTimeoutMs: number;
  /** Number of this run's first attempt: a redelivery continues the numbering. @default 1 */
  firstAttemptNumber?: number;
  /** Make the first attempt as a local activity (the dispatcher's fast path). @default false */
  firstAttemptLocal?: boolean;
}

export interface DeliveryWorkflowResult {
  status: DeliveryStatus;
  statusCode?: number;
  error?: string;
}

/** Time an attempt may take beyond the receiver's own limit: loading, signing, storing. */
const ATTEMPT_OVERHEAD_MS = 10_000;
/** A held delivery looks at its webhook again this often, in case a release signal was missed. */
const HELD_RECHECK = '1 minute';

/** Bookkeeping touches only Postgres: retry it until it lands. */
const BOOKKEEPING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
};

/** The activity's own failure: wrapped in an ActivityFailure for activities, as is for local activities. */
function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure) return err.cause instanceof ApplicationFailure ? err.cause : undefined;
  return err instanceof ApplicationFailure ? err : undefined;
}

/**
 * One delivery of one event to one webhook. The attempt activity signs and
 * POSTs; Temporal's retry policy is the schedule. The workflow adds what the
 * retry policy cannot: a paused webhook holds the delivery (no attempt is
 * spent), and a recheck or retry-now interrupts a backoff. After an
 * interruption the schedule carries on from the attempts already made.
 */
export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryWorkflowResult> {
  const firstAttemptNumber = input.firstAttemptNumber ?? 1;
  const { failDelivery, countAttempts } = proxyActivities<DeliveryActivities>(BOOKKEEPING_OPTIONS);

  let wakeups = 0;
  let held = false;
  let attemptsMade = 0;
  let nextAttemptAt: number | undefined;
  setHandler(recheckSignal, () => void wakeups++);
  setHandler(retryNowSignal, () => void wakeups++);
  setHandler(deliveryProgressQuery, () => ({ held, attemptsMade, ...(nextAttemptAt ? { nextAttemptAt } : {}) }));

  let result: DeliveryWorkflowResult | undefined;
  if (input.firstAttemptLocal) result = await firstAttemptInProcess();
  while (!result) {
    const seen = wakeups;
    const options: ActivityOptions = {
      startToCloseTimeout: input.requestTimeoutMs + ATTEMPT_OVERHEAD_MS,
      retry: deliveryRetryPolicy(input.retry, attemptsMade),
      // An attempt already on the wire finishes and is recorded before the series is replaced.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      summary: `POST ${input.eventType} to webhook ${input.webhookId}`,
    };
    const { deliverAttempt } = proxyActivities<DeliveryActivities>(options);
    const series = new CancellationScope();
    const attempt = series
      .run(() => deliverAttempt.executeWithOptions(options, [attemptInput()]))
      .then(
        (outcome) => ({ outcome }) as const,
        (error: unknown) => ({ error }) as const,
      );
    const interrupted = condition(() => wakeups !== seen).then(() => 'interrupted' as const);
    const first = await Promise.race([attempt, interrupted]);

    const settled = first === 'interrupted' ? (series.cancel(), await attempt) : first;
    if ('outcome' in settled) {
      if (settled.outcome.status === 'held') await holdUntilReleased(settled.outcome.attemptsMade, seen);
      else result = finished(settled.outcome);
    } else if (first === 'interrupted' && !isFinal(settled.error)) {
      // The series was interrupted: count what was made, then start the rest of the schedule now.
      attemptsMade = (await countAttempts({ deliveryId: input.deliveryId })) - (firstAttemptNumber - 1);
      if (attemptsMade >= input.retry.maximumAttempts) result = await fail(settled.error);
    } else {
      result = await fail(settled.error);
    }
  }
  upsertSearchAttributes([{ key: DeliveryStatusAttribute, value: result.status }]);
  return result;

  function attemptInput() {
    return {
      deliveryId: input.deliveryId,
      attemptNumberBase: firstAttemptNumber + attemptsMade - 1,
      requestTimeoutMs: input.requestTimeoutMs,
    };
  }

  /**
   * The first attempt runs as a local activity, in the worker that runs the
   * workflow, without a round trip through the task queue: most deliveries
   * succeed at once and are done in one workflow task. If it fails, the
   * first backoff is a timer (visible in the UI, cut short by retry-now or a
   * recheck) and the rest of the schedule runs as regular activities.
   * Returns the result when the delivery is settled, or nothing to go on.
   */
  async function firstAttemptInProcess(): Promise<DeliveryWorkflowResult | undefined> {
    const seen = wakeups;
    const { deliverAttempt } = proxyLocalActivities<DeliveryActivities>({
      startToCloseTimeout: input.requestTimeoutMs + ATTEMPT_OVERHEAD_MS,
      retry: { maximumAttempts: 1 },
      summary: `POST ${input.eventType} to webhook ${input.webhookId} (first attempt)`,
    });
    const settled = await deliverAttempt(attemptInput()).then(
      (outcome) => ({ outcome }) as const,
      (error: unknown) => ({ error }) as const,
    );
    if ('outcome' in settled) {
      if (settled.outcome.status !== 'held') return finished(settled.outcome);
      await holdUntilReleased(settled.outcome.attemptsMade, seen);
      return undefined;
    }
    attemptsMade = 1;
    if (isFinal(settled.error) || attemptsMade >= input.retry.maximumAttempts) return fail(settled.error);
    const delayMs = retryDelayOf(settled.error) ?? input.retry.initialIntervalMs;
    nextAttemptAt = Date.now() + delayMs;
    // The rest of the schedule starts when the first gap is over, or at once on retry-now or a recheck.
    await condition(() => wakeups !== seen, delayMs);
    nextAttemptAt = undefined;
    return undefined;
  }

  /** Paused: nothing was sent. Wait for a release (or look again after a while). */
  async function holdUntilReleased(attemptsSoFar: number, seen: number): Promise<void> {
    held = true;
    attemptsMade = attemptsSoFar - (firstAttemptNumber - 1);
    await condition(() => wakeups !== seen, HELD_RECHECK);
    held = false;
  }

  function finished(outcome: Exclude<Awaited<ReturnType<DeliveryActivities['deliverAttempt']>>, { status: 'held' }>): DeliveryWorkflowResult {
    return 'statusCode' in outcome ? outcome : { status: outcome.status, error: outcome.reason };
  }

  /** A failure no further attempt can change: the receiver refused, or the delivery is gone. */
  function isFinal(err: unknown): boolean {
    return applicationFailureOf(err)?.nonRetryable === true;
  }

  /** The receiver's own wait (Retry-After on 429/503), when the attempt carried one. */
  function retryDelayOf(err: unknown): number | undefined {
    // Failure details survive the trip to the workflow; `nextRetryDelay` itself does not.
    const detail = applicationFailureOf(err)?.details?.[0] as { retryAfterMs?: unknown } | undefined;
    return typeof detail?.retryAfterMs === 'number' ? detail.retryAfterMs : undefined;
  }

  async function fail(err: unknown): Promise<DeliveryWorkflowResult> {
    // Anything but a failure of the attempt itself (a bug in this code) fails the workflow task instead.
    if (!(err instanceof TemporalFailure)) throw err;
    const error = (err instanceof ActivityFailure ? err.cause?.message : err.message) || 'delivery failed';
    log.info('delivery failed', { deliveryId: input.deliveryId, error });
    await failDelivery.executeWithOptions({ ...BOOKKEEPING_OPTIONS, summary: `mark delivery failed: ${error}` }, [
      { deliveryId: input.deliveryId, webhookId: input.webhookId, error },
    ]);
    return { status: DeliveryStatus.Failed, error };
  }
}
