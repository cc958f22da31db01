import type { AttemptFailedArgs } from '../src/domain/webhook-state';
import type { PendingDispatch } from '../src/domain/pending-dispatch';

/**
 * What the activities may ask of Temporal: start and signal the engine's
 * workflows. The worker injects it, so activities never hold a client.
 */
export interface WorkflowControl {
  /** Tells the webhook's controller about a failed attempt, starting the controller if needed. */
  reportFailedAttempt(webhookId: string, failure: AttemptFailedArgs): Promise<void>;
  /** Tells a delivery workflow to look at Postgres again; one that has finished needs nothing. */
  recheckDelivery(workflowId: string): Promise<void>;
  /** Starts the delivery workflow of an outbox row; one that already ran is left alone. */
  dispatchDelivery(row: PendingDispatch): Promise<void>;
  /** Wakes the delivery line of a `fifo` webhook, starting it if needed. */
  wakeDeliveryLine(webhookId: string): Promise<void>;
}
