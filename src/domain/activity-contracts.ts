import type { SyncOutcome } from './account-sync';
import type { PurgeResult, RetentionKind } from './retention';
import type { DeliveryWorkflowInput } from './delivery-input';
import type { DeliveryStatus } from './statuses';
import type { WebhookStateChange, WebhookStateResult } from './webhook-state';

/**
 * The activities the engine's workflows schedule, by their activity type names
 * (the method names), with their inputs and results. Workflows proxy this
 * contract and the worker's activities implement it. Names and input shapes
 * are recorded in workflow histories: a change must stay compatible with them.
 */
export interface EngineActivities {
  /** One try of a delivery: load, sign, POST, store the attempt. Throws an ApplicationFailure when the receiver did not take it. */
  deliverAttempt(input: DeliverAttemptInput): Promise<AttemptResult>;
  /** Marks a delivery failed once its attempts are spent or the receiver refused it. Idempotent. */
  failDelivery(input: { deliveryId: string; webhookId: string; error: string }): Promise<void>;
  /** Attempts the delivery has made in its whole life. */
  countAttempts(input: { deliveryId: string }): Promise<number>;
  /** Applies a pause, resume, disable or enable to Postgres and tells the webhook's running deliveries. */
  changeWebhookState(input: WebhookStateChange & { webhookId: string }): Promise<WebhookStateResult>;
  /** After a resume or enable, releases the webhook's held deliveries in order; answers how many. */
  releaseHeldDeliveries(input: { webhookId: string }): Promise<number>;
  /** The next pending deliveries of a `fifo` webhook after `afterSequence`, in sequence order, as their workflows' inputs. */
  nextInLine(input: { webhookId: string; afterSequence: number; limit: number }): Promise<LineEntry[]>;
  /** Waits (a while at most) for a delivery to leave `pending`; answers whether it did. */
  awaitDeliveryFinished(input: { deliveryId: string }): Promise<{ finished: boolean }>;
  /** Marks the account as syncing under this workflow, unless it is gone, needs a reconnect, or another sync runs. */
  beginSync(input: { accountId: string; workflowId: string }): Promise<BeginSyncResult>;
  /** Clears the account's running sync, if it is still this workflow's. */
  endSync(input: { accountId: string; workflowId: string }): Promise<void>;
  /** Runs the account's connector once. */
  runConnector(input: { accountId: string }): Promise<SyncOutcome>;
  /** Records a sync's outcome on the account and emits its hook; `key` makes a retried call emit once. */
  reportSyncOutcome(input: { accountId: string; outcome: SyncOutcome; key: string }): Promise<{ eventId: string | null }>;
  /** Purges one kind of expired data in bounded batches, heartbeating; `done` once a batch comes back short. */
  purgeExpired(input: PurgeExpiredInput): Promise<PurgeResult>;
}

export interface PurgeExpiredInput {
  kind: RetentionKind;
  /** Days kept by tenants without their own `retention_days` (RETENTION_DAYS). */
  defaultRetentionDays: number;
  /** Rows per transaction. */
  batchSize: number;
  /** Transactions one call may run before it returns. */
  maxBatches: number;
  /** A pause between batches. @default 0 */
  pauseMs?: number;
}

export interface DeliverAttemptInput {
  deliveryId: string;
  /** Added to the activity's own attempt number; absent in attempts scheduled by workflows of earlier versions: those number from 1. */
  attemptNumberBase?: number;
  /** The receiver's time limit fixed when the delivery was dispatched. */
  requestTimeoutMs?: number;
}

/** How a delivery attempt ended when it did not throw. */
export type AttemptResult =
  | { status: typeof DeliveryStatus.Succeeded; statusCode: number }
  | { status: typeof DeliveryStatus.Cancelled; reason: string }
  | { status: DeliveryStatus; reason: 'already finished' }
  /** The webhook is paused: nothing was sent, and no attempt was spent. */
  | { status: 'held'; attemptsMade: number };

/** A delivery in the line of a `fifo` webhook: its place, its workflow id and its workflow's input. */
export interface LineEntry {
  sequence: number;
  workflowId: string;
  input: DeliveryWorkflowInput;
}

/** Whether a sync started, and why not. */
export type BeginSyncResult = { started: true } | { started: false; reason: 'account deleted' | 'needs reconnect' | 'already syncing' };
