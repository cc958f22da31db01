import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { controllerWorkflowId, type WebhookStateChange, type WebhookStateResult, changeStateUpdate } from '../../workflows/definitions';
import type { DeliveryWorkflowInput } from '../../workflows/delivery-workflow';
import { EventTypeAttribute, WebhookIdAttribute } from '../../workflows/search-attributes';
import type { WebhookControllerInput } from '../../workflows/webhook-controller-workflow';
import type { Config } from '../config';
import { profileOf } from '../domain/profiles';
import type { PendingDispatch } from '../repositories/outbox-repository';

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

/**
 * Starts the workflow of an outbox row. The webhook's own `max_attempts` and
 * `timeout_ms`, carried in the row, override the configured ones; without a
 * `max_attempts`, the attempts of the delivery's profile do (`assetsup`: 4,
 * `assets-server`: 9), else the configured ones. The backoff stays as configured.
 */
export function dispatchDelivery(
  client: Client,
  settings: DeliverySettings,
  row: PendingDispatch,
): Promise<void> {
  return startDeliveryWorkflow(client, settings, row.workflowId, {
    deliveryId: row.id,
    webhookId: row.webhookId,
    eventId: row.eventId,
    eventType: row.eventType,
    retry: { ...settings.retry, maximumAttempts: row.maxAttempts ?? profileOf(row.profile).maxAttempts ?? settings.retry.maximumAttempts },
    requestTimeoutMs: row.timeoutMs ?? settings.requestTimeoutMs,
    firstAttemptNumber: row.firstAttemptNumber,
  });
}

/** The one way any process starts a delivery workflow. Starting one that already ran is a no-op. */
export async function startDeliveryWorkflow(
  client: Client,
  { taskQueue, eagerStart }: Pick<DeliverySettings, 'taskQueue' | 'eagerStart'>,
  workflowId: string,
  input: DeliveryWorkflowInput,
): Promise<void> {
  try {
    await client.workflow.start('deliveryWorkflow', {
      taskQueue,
      workflowId,
      requestEagerStart: eagerStart === true,
      args: [input],
      // A finished delivery must never run again under the same id.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: WebhookIdAttribute, value: input.webhookId },
        { key: EventTypeAttribute, value: input.eventType },
      ],
      staticSummary: `Deliver ${input.eventType} (event ${input.eventId}) to webhook ${input.webhookId}`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
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
    await client.workflow.start('webhookControllerWorkflow', controllerStartOptions(webhookId, config));
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** Signals the controller, starting it first if needed. */
export async function signalController(
  client: Client,
  webhookId: string,
  config: Pick<Config, 'autoDisable' | 'temporal'>,
  signal: string,
  args: unknown[] = [],
): Promise<void> {
  await client.workflow.signalWithStart('webhookControllerWorkflow', {
    ...controllerStartOptions(webhookId, config),
    signal,
    signalArgs: args,
  });
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
    startWorkflowOperation: new WithStartWorkflowOperation('webhookControllerWorkflow', {
      ...controllerStartOptions(webhookId, config),
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}

/** Signals a delivery workflow; one that has already finished needs nothing. */
export async function signalDelivery(client: Client, workflowId: string, signal: 'recheck' | 'retryNow'): Promise<void> {
  try {
    await client.workflow.getHandle(workflowId).signal(signal);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError) && !/already completed|not found/i.test((err as Error).message)) throw err;
  }
}
