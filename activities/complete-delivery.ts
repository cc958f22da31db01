import { DeliveryStatus } from '../src/domain/statuses';
import type { DeliveryAttemptsRepository } from '../src/repositories/delivery-attempts-repository';
import type { WebhooksRepository } from '../src/repositories/webhooks-repository';
import type { DeliveryOutcomeEvents } from '../src/services/publish-operational-event';

export interface CompleteDeliveryDeps {
  deliveries: DeliveryAttemptsRepository;
  webhooks: WebhooksRepository;
  observe?: { finished(status: DeliveryStatus): void };
  /** Operational events (`delivery.exhausted`, `delivery.recovered`); none without it. */
  operational?: DeliveryOutcomeEvents;
}

export interface FailDeliveryInput {
  deliveryId: string;
  /** The run failing it; a superseded run changes nothing. */
  workflowId: string;
  webhookId: string;
  error: string;
}

/** Marks a delivery failed once its attempts are spent or the receiver refused it. Idempotent. */
export async function failDelivery(deps: CompleteDeliveryDeps, input: FailDeliveryInput): Promise<void> {
  if (await deps.deliveries.complete(input.deliveryId, DeliveryStatus.Failed, input.error, input.workflowId)) {
    await deps.webhooks.recordOutcome(input.webhookId, false);
    deps.observe?.finished(DeliveryStatus.Failed);
    await deps.operational?.exhausted(input.deliveryId);
  }
}
