import type { EventResponse } from '../responses/events';
import type { Delivery, WebhookEvent } from '../../domain/models';

/** An event as the API shows it, with the deliveries it made. */
export function eventView(e: WebhookEvent, deliveries: Delivery[]): EventResponse {
  return {
    id: e.id,
    type: e.type,
    data: e.data,
    idempotency_key: e.idempotencyKey,
    created_at: e.createdAt.toISOString(),
    payload_erased_at: e.payloadErasedAt ? e.payloadErasedAt.toISOString() : null,
    deliveries: deliveries.map((d) => ({ id: d.id, webhook_id: d.webhookId, status: d.status, workflow_id: d.workflowId })),
  };
}
