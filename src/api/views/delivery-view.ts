import type { AttemptResponse, DeliveryResponse } from '../responses/deliveries';
import type { Attempt, Delivery } from '../../domain/models';

/** A delivery as the API shows it, typed from its response schema. */
export function deliveryView(d: Delivery): DeliveryResponse {
  return {
    id: d.id,
    event_id: d.eventId,
    webhook_id: d.webhookId,
    event_type: d.eventType,
    status: d.status,
    attempt_count: d.attemptCount,
    redeliveries: d.redeliveries,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    profile: d.profile,
    workflow_id: d.workflowId,
    sequence: d.sequence,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
    completed_at: d.completedAt?.toISOString() ?? null,
  };
}

/** One attempt of a delivery as the API shows it. */
export function attemptView(a: Attempt): AttemptResponse {
  return {
    attempt: a.attempt,
    status: a.status,
    status_code: a.statusCode,
    duration_ms: a.durationMs,
    response_body: a.responseBody,
    error: a.error,
    started_at: a.startedAt.toISOString(),
    profile: a.profile ?? null,
    request_body: a.requestBody ?? null,
    request_sent: a.requestSent ?? null,
    response_headers: a.responseHeaders?.map(([name, value]) => ({ name, value })) ?? null,
    response_headers_truncated: a.responseHeadersTruncated ?? false,
  };
}
