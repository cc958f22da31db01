import type { RetryPolicy } from '@temporalio/common';

/** A delivery's retry schedule in plain numbers, as it travels in workflow input. */
export interface DeliveryRetrySchedule {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumAttempts: number;
}

/**
 * The seed's schedule: "retry the request up to four more times ... the first
 * delay will be 10 seconds, and subsequent delays will double". Five attempts
 * in all, at about 0, 10, 30, 70 and 150 s.
 */
export const DEFAULT_DELIVERY_RETRY: Readonly<DeliveryRetrySchedule> = Object.freeze({
  initialIntervalMs: 10_000,
  backoffCoefficient: 2,
  maximumAttempts: 5,
});

/** Failure types the receiver's answer makes final: retrying cannot help. */
export const NON_RETRYABLE_DELIVERY_ERRORS = ['ReceiverRejected', 'DeliveryNotFound'] as const;

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
