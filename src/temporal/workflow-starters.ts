import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import {
  attemptFailedSignal,
  changeStateUpdate,
  recheckSignal,
  retryNowSignal,
  wakeLineSignal,
  webhookDeletedSignal,
} from '../../workflows/definitions';
import { deliveryLineWorkflow, type DeliveryLineInput } from '../../workflows/delivery-line-workflow';
import { deliveryWorkflow } from '../../workflows/delivery-workflow';
import { deliverySearchAttributes, WebhookIdAttribute } from '../../workflows/search-attributes';
import { webhookControllerWorkflow, type WebhookControllerInput } from '../../workflows/webhook-controller-workflow';
import type { Config } from '../config';
import { deliveryInputOf, deliverySummary, type DeliveryWorkflowInput } from '../domain/delivery-input';
import type { AttemptFailedArgs, WebhookStateChange, WebhookStateResult } from '../domain/webhook-state';
import { controllerWorkflowId, deliveryLineWorkflowId } from '../domain/workflow-ids';
import type { PendingDispatch } from '../domain/pending-dispatch';

export interface DeliverySettings {
  taskQueue: string;
  retry: DeliveryWorkflowInput['retry'];
  requestTimeoutMs: number;
  /**
   * Ask Temporal to hand the new workflow's first task straight back to this
   * process's worker (the client must share the worker's NativeConnection).
   */
  eagerStart?: boolean;
}

export function deliverySettings(config: Pick<Config, 'temporal' | 'delivery'>): DeliverySettings {
  const { initialIntervalMs, backoffCoefficient, maximumAttempts } = config.delivery.retry;
  return {
    taskQueue: config.temporal.taskQueue,
    retry: { initialIntervalMs, backoffCoefficient, maximumAttempts },
    requestTimeoutMs: config.delivery.timeoutMs,
  };
}

/** Starts the workflow of an outbox row, with its input as `deliveryInputOf` makes it. */
export function dispatchDelivery(
  client: Client,
  settings: DeliverySettings,
  row: PendingDispatch,
): Promise<void> {
  return startDeliveryWorkflow(client, settings, row.workflowId, deliveryInputOf(row, settings));
}

/** The one way any process starts a delivery workflow. Starting one that already ran is a no-op. */
export async function startDeliveryWorkflow(
  client: Client,
  { taskQueue, eagerStart }: Pick<DeliverySettings, 'taskQueue' | 'eagerStart'>,
  workflowId: string,
  input: DeliveryWorkflowInput,
): Promise<void> {
  try {
    await client.workflow.start<typeof deliveryWorkflow>(deliveryWorkflow, {
      taskQueue,
      workflowId,
      requestEagerStart: eagerStart === true,
      args: [input],
      // A finished delivery must never run again under the same id.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: deliverySearchAttributes(input),
      staticSummary: deliverySummary(input),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/**
 * Wakes the delivery line of a `fifo` webhook, starting it if it is not
 * running: it then takes the webhook's pending deliveries in sequence order.
 */
export async function wakeDeliveryLine(client: Client, webhookId: string, taskQueue: string): Promise<void> {
  const input: DeliveryLineInput = { webhookId };
  await client.workflow.signalWithStart<typeof deliveryLineWorkflow, []>(deliveryLineWorkflow, {
    taskQueue,
    workflowId: deliveryLineWorkflowId(webhookId),
    args: [input],
    signal: wakeLineSignal,
    signalArgs: [],
    typedSearchAttributes: [{ key: WebhookIdAttribute, value: webhookId }],
    staticSummary: `Delivery line of fifo webhook ${webhookId}: its deliveries one at a time, in order`,
  });
}

export function controllerInput(webhookId: string, config: Pick<Config, 'autoDisable'>): WebhookControllerInput {
  return { webhookId, autoDisable: { ...config.autoDisable } };
}

function controllerStartOptions(webhookId: string, config: Pick<Config, 'autoDisable' | 'temporal'>) {
  return {
    taskQueue: config.temporal.taskQueue,
    workflowId: controllerWorkflowId(webhookId),
    args: [controllerInput(webhookId, config)] as [WebhookControllerInput],
    typedSearchAttributes: [{ key: WebhookIdAttribute, value: webhookId }],
    staticSummary: `Controller of webhook ${webhookId}: signal pause, resume, disable or enable`,
  };
}

/** Starts the webhook's controller if it is not running. */
export async function ensureControllerWorkflow(client: Client, webhookId: string, config: Pick<Config, 'autoDisable' | 'temporal'>) {
  try {
    await client.workflow.start<typeof webhookControllerWorkflow>(webhookControllerWorkflow, controllerStartOptions(webhookId, config));
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** Tells the webhook's controller about a failed attempt (auto-disable, 410), starting it first if needed. */
export async function reportAttemptFailed(
  client: Client,
  webhookId: string,
  config: Pick<Config, 'autoDisable' | 'temporal'>,
  failure: AttemptFailedArgs,
): Promise<void> {
  await client.workflow.signalWithStart<typeof webhookControllerWorkflow, [AttemptFailedArgs]>(webhookControllerWorkflow, {
    ...controllerStartOptions(webhookId, config),
    signal: attemptFailedSignal,
    signalArgs: [failure],
  });
}

/** Tells the webhook's controller that the webhook was deleted, so it ends. */
export async function signalWebhookDeleted(client: Client, webhookId: string): Promise<void> {
  await client.workflow.getHandle<typeof webhookControllerWorkflow>(controllerWorkflowId(webhookId)).signal(webhookDeletedSignal);
}

/** Runs a state change through the controller (starting it if needed) and answers once Postgres holds it. */
export async function changeStateThroughController(
  client: Client,
  webhookId: string,
  config: Pick<Config, 'autoDisable' | 'temporal'>,
  change: WebhookStateChange,
): Promise<WebhookStateResult> {
  return client.workflow.executeUpdateWithStart(changeStateUpdate, {
    args: [change],
    startWorkflowOperation: new WithStartWorkflowOperation<typeof webhookControllerWorkflow>(webhookControllerWorkflow, {
      ...controllerStartOptions(webhookId, config),
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}

/** Tells a delivery workflow to look at its delivery and webhook in Postgres again; one that has already finished needs nothing. */
export function recheckDelivery(client: Client, workflowId: string): Promise<void> {
  return signalDelivery(client, workflowId, recheckSignal);
}

/** Tells a delivery workflow waiting in backoff to attempt now; one that has already finished needs nothing. */
export function retryDeliveryNow(client: Client, workflowId: string): Promise<void> {
  return signalDelivery(client, workflowId, retryNowSignal);
}

/**
 * Retry-now for a delivery of a `fifo` webhook: answers false, and sends
 * nothing, when its workflow has not been started by its line yet.
 */
export async function retryLineDeliveryNow(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle<typeof deliveryWorkflow>(workflowId).signal(retryNowSignal);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || /not found/i.test((err as Error).message)) return false;
    if (/already completed/i.test((err as Error).message)) return true;
    throw err;
  }
}

/** What Temporal knows of a delivery workflow: its pending activities, their next attempt. */
export function describeDelivery(client: Client, workflowId: string) {
  return client.workflow.getHandle<typeof deliveryWorkflow>(workflowId).describe();
}

async function signalDelivery(client: Client, workflowId: string, signal: typeof recheckSignal | typeof retryNowSignal): Promise<void> {
  try {
    await client.workflow.getHandle<typeof deliveryWorkflow>(workflowId).signal(signal);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError) && !/already completed|not found/i.test((err as Error).message)) throw err;
  }
}
