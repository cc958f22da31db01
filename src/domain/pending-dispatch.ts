import type { ProfileName } from './profiles';

/** An outbox row: what the dispatcher needs to start a delivery workflow. */
export interface PendingDispatch {
  id: string;
  workflowId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  firstAttemptNumber: number;
  /** The webhook's own retry ceiling and request timeout, when it sets them; they override the configured defaults. */
  maxAttempts?: number | null;
  timeoutMs?: number | null;
  /** The profile the delivery is dispatched under: its default attempts apply when the webhook sets none. */
  profile?: ProfileName;
  /** Its place in the line of a `fifo` webhook: such a delivery is started by the line, not by the dispatcher. */
  sequence?: number | null;
}
