import type { WebhookCreatedResponse, WebhookResponse } from '../responses/webhooks';
import type { Webhook } from '../../domain/models';
import { takesSignatureScheme } from '../../domain/profiles';
import { customProfileToJson } from '../../domain/custom-profile';

/**
 * A webhook as the API shows it, typed from its response schema (which the
 * OpenAPI document is generated from). The signing secret appears only in
 * `webhookCreatedView`.
 */
export function webhookView(w: Webhook): WebhookResponse {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    events: w.events,
    // A secret value is never shown: only that there is one.
    headers: { ...w.headers, ...Object.fromEntries(w.secretHeaders.map((name) => [name, { secret: true as const }])) },
    // The type and the fields that are not secret: never a password, token, secret or key.
    auth: w.auth,
    profile: w.profile,
    custom_profile: w.customProfile && customProfileToJson(w.customProfile),
    // Profiles with their own format ignore the scheme.
    signature: takesSignatureScheme(w.profile) ? w.signatureScheme : null,
    config: { include_resource: w.payload.includeResource, fields: w.payload.fields },
    max_attempts: w.maxAttempts,
    timeout_ms: w.timeoutMs,
    ordering: w.ordering,
    status: w.status,
    failure_count: w.failureCount,
    disabled_reason: w.disabledReason,
    disabled_at: w.disabledAt?.toISOString() ?? null,
    last_triggered_at: w.lastTriggeredAt?.toISOString() ?? null,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}

/** A webhook just created, with its signing secret: the one response that shows it. */
export function webhookCreatedView(w: Webhook, secret: string | null): WebhookCreatedResponse {
  return { ...webhookView(w), secret };
}
