/** A delivery's retry schedule in plain numbers, as it travels in workflow input. */
export interface DeliveryRetrySchedule {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumAttempts: number;
}

/**
 * The default schedule: "retry the request up to four more times ... the first
 * delay will be 10 seconds, and subsequent delays will double". Five attempts
 * in all, at about 0, 10, 30, 70 and 150 s. Configuration (`RETRY_*`) may change it.
 */
export const DEFAULT_DELIVERY_RETRY: Readonly<DeliveryRetrySchedule> = Object.freeze({
  initialIntervalMs: 10_000,
  backoffCoefficient: 2,
  maximumAttempts: 5,
});
