/** Every status the engine stores, defined once. */

export const WebhookStatus = {
  Active: 'active',
  Paused: 'paused',
  Disabled: 'disabled',
} as const;
export type WebhookStatus = (typeof WebhookStatus)[keyof typeof WebhookStatus];

export const DeliveryStatus = {
  /** Accepted and stored; its workflow has not finished yet. */
  Pending: 'pending',
  Succeeded: 'succeeded',
  /** Retries exhausted, or the receiver answered with a permanent error. */
  Failed: 'failed',
  /** Stopped without a verdict, e.g. its webhook was deleted. */
  Cancelled: 'cancelled',
} as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];
export const DELIVERY_STATUSES = Object.values(DeliveryStatus);

export const AttemptStatus = {
  Succeeded: 'succeeded',
  Failed: 'failed',
} as const;
export type AttemptStatus = (typeof AttemptStatus)[keyof typeof AttemptStatus];
