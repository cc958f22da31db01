import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttemptFailedArgs, DisableArgs, WebhookStateChange, WebhookStateResult } from '../src/domain/webhook-state';

/**
 * Signals, updates and queries of the engine's workflows, by the names an
 * operator types in the Temporal UI or CLI, e.g.
 * `temporal workflow signal --workflow-id webhook-<id> --name pause`.
 */

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const disableSignal = defineSignal<[DisableArgs?]>('disable');
export const enableSignal = defineSignal('enable');

/** Sent by the delivery activity after each failed attempt; feeds auto-disable. */
export const attemptFailedSignal = defineSignal<[AttemptFailedArgs]>('attemptFailed');
/** The webhook was deleted: the controller ends. */
export const webhookDeletedSignal = defineSignal('webhookDeleted');

/** What the REST API uses: the same change as the signals, answered once applied. */
export const changeStateUpdate = defineUpdate<WebhookStateResult, [WebhookStateChange]>('changeState');

export interface ControllerState {
  /** Failed attempts inside the auto-disable window. */
  recentFailures: number;
  /** Failed attempts reported to this run of the controller. */
  failuresSeen: number;
  changesApplied: number;
}
export const controllerStateQuery = defineQuery<ControllerState>('state');

/**
 * Delivery workflow: look at the delivery and its webhook in Postgres again,
 * now. Sent after pause, resume, disable, enable and cancel.
 */
export const recheckSignal = defineSignal('recheck');
/** Delivery workflow: stop waiting in backoff and attempt now; the rest of the schedule stays. */
export const retryNowSignal = defineSignal('retryNow');

export interface DeliveryProgress {
  held: boolean;
  attemptsMade: number;
}
export const deliveryProgressQuery = defineQuery<DeliveryProgress>('progress');

/** Delivery line of a `fifo` webhook: deliveries may be waiting; look in Postgres now. */
export const wakeLineSignal = defineSignal('wake');

export interface DeliveryLineProgress {
  /** Sequence of the last delivery the line took (sent, or found finished). */
  afterSequence: number;
  /** The delivery the line is waiting for, if any. */
  head: string | null;
  sentThisRun: number;
}
export const deliveryLineProgressQuery = defineQuery<DeliveryLineProgress>('line');
