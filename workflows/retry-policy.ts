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

export function deliveryRetryPolicy(schedule: DeliveryRetrySchedule = DEFAULT_DELIVERY_RETRY): RetryPolicy {
  return {
    initialInterval: schedule.initialIntervalMs,
    backoffCoefficient: schedule.backoffCoefficient,
    maximumAttempts: schedule.maximumAttempts,
    // Without a cap Temporal stops growing at 100x the first delay; the schedule's own last gap is the natural cap.
    maximumInterval: schedule.initialIntervalMs * Math.pow(schedule.backoffCoefficient, Math.max(0, schedule.maximumAttempts - 2)),
    nonRetryableErrorTypes: [...NON_RETRYABLE_DELIVERY_ERRORS],
  };
}
