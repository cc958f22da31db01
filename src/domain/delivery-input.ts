import type { PendingDispatch } from './pending-dispatch';
import { profileOf } from './profiles';
import type { DeliveryRetrySchedule } from './retry-schedule';

/** What a delivery workflow is started with. */
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
}

/** The configured schedule and time limit, for deliveries whose webhook sets neither. */
export interface DeliveryDefaults {
  retry: DeliveryRetrySchedule;
  requestTimeoutMs: number;
}

/**
 * The input of an outbox row's delivery workflow. The webhook's own
 * `max_attempts` and `timeout_ms`, carried in the row, override the configured
 * ones; without a `max_attempts`, the attempts of the delivery's profile do
 * (`assetsup`: 4, `assets-server`: 9), else the configured ones. The backoff
 * stays as configured.
 */
export function deliveryInputOf(row: PendingDispatch, defaults: DeliveryDefaults): DeliveryWorkflowInput {
  return {
    deliveryId: row.id,
    webhookId: row.webhookId,
    eventId: row.eventId,
    eventType: row.eventType,
    retry: { ...defaults.retry, maximumAttempts: row.maxAttempts ?? profileOf(row.profile).maxAttempts ?? defaults.retry.maximumAttempts },
    requestTimeoutMs: row.timeoutMs ?? defaults.requestTimeoutMs,
    firstAttemptNumber: row.firstAttemptNumber,
  };
}

/** The static summary of a delivery workflow in the Temporal UI. */
export const deliverySummary = (input: Pick<DeliveryWorkflowInput, 'eventType' | 'eventId' | 'webhookId'>) =>
  `Deliver ${input.eventType} (event ${input.eventId}) to webhook ${input.webhookId}`;
