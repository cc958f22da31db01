/**
 * Types of the ApplicationFailures the activities throw, which the workflows
 * and their retry policies match on. They are recorded in workflow histories:
 * the strings never change.
 */
export const ActivityFailureType = {
  /** The delivery is not in Postgres: nothing to attempt, ever. */
  DeliveryNotFound: 'DeliveryNotFound',
  /** The receiver answered with a permanent error: retrying cannot help. */
  ReceiverRejected: 'ReceiverRejected',
  /** The receiver failed this time (5xx, timeout, 408, 429...): the schedule retries. */
  ReceiverUnavailable: 'ReceiverUnavailable',
} as const;
export type ActivityFailureType = (typeof ActivityFailureType)[keyof typeof ActivityFailureType];

