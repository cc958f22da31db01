import type {
  AttemptResponse,
  DeliveryResponse,
  EventResponse,
  PageResponse,
  WebhookCreatedResponse,
  WebhookResponse,
} from '../api/responses';
import type { Attempt, Delivery, Webhook, WebhookEvent } from '../domain/models';
import { takesSignatureScheme } from '../domain/profiles';
import { customProfileToJson } from '../domain/custom-profile';


/**
 * The public JSON shapes, typed from the response schemas in `src/api/responses.ts`
 * (which the OpenAPI document is generated from). The signing secret appears only in `webhookCreatedView`.
 */

export function webhookView(w: Webhook): WebhookResponse {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    events: w.events,
    headers: w.headers,
    profile: w.profile,
    custom_profile: w.customProfile && customProfileToJson(w.customProfile),
    // Profiles with their own format ignore the scheme.
    signature: takesSignatureScheme(w.profile) ? w.signatureScheme : null,
    config: { include_resource: w.payload.includeResource, fields: w.payload.fields },
    max_attempts: w.maxAttempts,
    timeout_ms: w.timeoutMs,
    status: w.status,
    failure_count: w.failureCount,
    disabled_reason: w.disabledReason,
    disabled_at: w.disabledAt?.toISOString() ?? null,
    last_triggered_at: w.lastTriggeredAt?.toISOString() ?? null,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}

export function webhookCreatedView(w: Webhook, secret: string | null): WebhookCreatedResponse {
  return { ...webhookView(w), secret };
}

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
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
    completed_at: d.completedAt?.toISOString() ?? null,
  };
}

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
  };
}

export function eventView(e: WebhookEvent, deliveries: Delivery[]): EventResponse {
  return {
    id: e.id,
    type: e.type,
    data: e.data,
    idempotency_key: e.idempotencyKey,
    created_at: e.createdAt.toISOString(),
    deliveries: deliveries.map((d) => ({ id: d.id, webhook_id: d.webhookId, status: d.status, workflow_id: d.workflowId })),
  };
}

/** A page of results and the cursor of the next one (null on the last page). */
export function pageView<T extends { id: string }, V>(rows: T[], limit: number, view: (row: T) => V): PageResponse<V> {
  return { results: rows.map(view), next_cursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
}
