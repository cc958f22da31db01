import type { RetryPolicy } from '@temporalio/common';
import { ActivityFailureType } from '../src/domain/activity-failures';
import { DEFAULT_DELIVERY_RETRY, type DeliveryRetrySchedule } from '../src/domain/retry-schedule';

/** Failure types the receiver's answer makes final: retrying cannot help. */
export const NON_RETRYABLE_DELIVERY_ERRORS = [ActivityFailureType.ReceiverRejected, ActivityFailureType.DeliveryNotFound] as const;

/**
 * Temporal's retry policy for the rest of a schedule. With `attemptsMade` = k
 * (a series interrupted by pause, resume or retry-now), the next attempt runs
 * at once and the delays carry on where the schedule was: attempts already
 * made still count.
 */
export function deliveryRetryPolicy(schedule: DeliveryRetrySchedule = DEFAULT_DELIVERY_RETRY, attemptsMade = 0): RetryPolicy {
  const { initialIntervalMs, backoffCoefficient, maximumAttempts } = schedule;
  const nextGap = initialIntervalMs * Math.pow(backoffCoefficient, attemptsMade);
  // Without a cap Temporal stops growing at 100x the first delay; the schedule's own last gap is the natural cap.
  const lastGap = initialIntervalMs * Math.pow(backoffCoefficient, Math.max(0, maximumAttempts - 2));
  return {
    initialInterval: nextGap,
    backoffCoefficient,
    maximumAttempts: Math.max(1, maximumAttempts - attemptsMade),
    maximumInterval: Math.max(nextGap, lastGap),
    nonRetryableErrorTypes: [...NON_RETRYABLE_DELIVERY_ERRORS],
  };
}
