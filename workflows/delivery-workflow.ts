import {
  ActivityFailure,
  log,
  proxyActivities,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import { DeliveryStatus } from '../src/domain/statuses';
import { deliveryRetryPolicy, type DeliveryRetrySchedule } from './retry-policy';
import { DeliveryStatusAttribute } from './search-attributes';

export interface DeliveryWorkflowInput {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  /** Fixed when the delivery is dispatched, so a running delivery keeps its schedule. */
  retry: DeliveryRetrySchedule;
  /** The receiver's time limit; the activity gets a little more to store the attempt. */
  requestTimeoutMs: number;
}

export interface DeliveryWorkflowResult {
  status: DeliveryStatus;
  statusCode?: number;
  error?: string;
}

/** Time an attempt may take beyond the receiver's own limit: loading, signing, storing. */
const ATTEMPT_OVERHEAD_MS = 10_000;

/** Marking a delivery failed touches only Postgres: retry it until it lands. */
const BOOKKEEPING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
};

/**
 * One delivery of one event to one webhook. The attempt activity signs and
 * POSTs; Temporal's retry policy is the schedule. The workflow only decides
 * what a spent or refused delivery becomes.
 */
export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryWorkflowResult> {
  const attemptOptions: ActivityOptions = {
    startToCloseTimeout: input.requestTimeoutMs + ATTEMPT_OVERHEAD_MS,
    retry: deliveryRetryPolicy(input.retry),
  };
  const { deliverAttempt } = proxyActivities<DeliveryActivities>(attemptOptions);
  const { failDelivery } = proxyActivities<DeliveryActivities>(BOOKKEEPING_OPTIONS);

  let result: DeliveryWorkflowResult;
  try {
    const outcome = await deliverAttempt.executeWithOptions(
      { ...attemptOptions, summary: `POST ${input.eventType} to webhook ${input.webhookId}` },
      [{ deliveryId: input.deliveryId }],
    );
    result = 'statusCode' in outcome ? outcome : { status: outcome.status, error: outcome.reason };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const error = err.cause?.message ?? 'delivery failed';
    log.info('delivery failed', { deliveryId: input.deliveryId, error });
    await failDelivery.executeWithOptions({ ...BOOKKEEPING_OPTIONS, summary: `mark delivery failed: ${error}` }, [
      { deliveryId: input.deliveryId, webhookId: input.webhookId, error },
    ]);
    result = { status: DeliveryStatus.Failed, error };
  }
  upsertSearchAttributes([{ key: DeliveryStatusAttribute, value: result.status }]);
  return result;
}
