import { z } from 'zod';
import { SIGNATURE_SCHEMES } from '../crypto/signature-schemes';
import { AccountStatus, DEMO_OUTCOMES } from '../domain/account-sync';
import { PROFILE_NAMES } from '../domain/profiles';
import { customProfileSettings } from './custom-profile-schema';
import { AttemptStatus, DELIVERY_STATUSES, WebhookStatus } from '../domain/statuses';

/**
 * Response shapes, defined once. The view functions that build them are typed
 * from these (`z.infer`), the OpenAPI document is generated from them, and the
 * API test suites check every response against that document.
 *
 * Objects are strict: a field that a view adds without adding it here is a
 * contract violation, not something the document silently leaves out.
 */

const id = z.uuid();
/** Timestamps are `Date.toISOString()`: UTC, with milliseconds. */
const timestamp = z.iso.datetime();

// ── Errors ───────────────────────────────────────────────────────────────────

export const errorResponse = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Stable and machine-readable, e.g. `validation_failed`, `not_found`, `invalid_state`.' }),
      message: z.string().meta({ description: 'For people; its wording may change.' }),
      details: z
        .array(z.strictObject({ path: z.string().meta({ description: 'e.g. `body.url`, `query.limit`' }), message: z.string() }))
        .optional()
        .meta({ description: 'With `validation_failed`: each problem, by path.' }),
    }),
  })
  .meta({ description: 'Every error, on every route.' });
export type ErrorResponse = z.infer<typeof errorResponse>;

// ── Webhooks ─────────────────────────────────────────────────────────────────

export const webhookResponse = z.strictObject({
  id,
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()).meta({ description: 'Event types it receives; `"*"` is every type.' }),
  headers: z.record(z.string(), z.string()).meta({ description: 'Custom headers sent with each request.' }),
  profile: z.enum(PROFILE_NAMES).meta({ description: 'Its profile: the wire format and delivery rules of a named system (README "Profiles").' }),
  custom_profile: customProfileSettings.nullable().meta({ description: 'The `custom` profile’s format; `null` under the other profiles.' }),
  signature: z
    .enum(SIGNATURE_SCHEMES)
    .nullable()
    .meta({ description: 'How its requests are signed under `standard` and `assets-server`; `null` under profiles that sign in their own format (`assetsup`, `argyle`, `asset`).' }),
  config: z
    .strictObject({
      include_resource: z.boolean().meta({ description: '`false`: thin notifications, whose `data` keeps only the identifiers.' }),
      fields: z.array(z.string()).nullable().meta({ description: 'JSON pointers into `data`: only these are sent. `null` sends all of it.' }),
    })
    .meta({ description: 'How its payloads are shaped.' }),
  max_attempts: z.number().int().nullable().meta({ description: 'Attempts in all per delivery; `null` uses `RETRY_MAXIMUM_ATTEMPTS`.' }),
  timeout_ms: z.number().int().nullable().meta({ description: 'How long its receiver has to answer; `null` uses `DELIVERY_TIMEOUT_MS`.' }),
  status: z.enum(Object.values(WebhookStatus)),
  failure_count: z.number().int(),
  disabled_reason: z.string().nullable(),
  disabled_at: timestamp.nullable(),
  last_triggered_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type WebhookResponse = z.infer<typeof webhookResponse>;

export const webhookCreatedResponse = webhookResponse.extend({
  secret: z
    .string()
    .nullable()
    .meta({ description: 'The signing secret (`whsec_...` unless supplied). Shown in this response only. `null` for an `argyle` webhook created without one: its requests are unsigned.' }),
});
export type WebhookCreatedResponse = z.infer<typeof webhookCreatedResponse>;

export const secretRotationResponse = z.strictObject({
  secret: z.string().meta({ description: 'The new signing secret (`whsec_...` unless supplied), shown this once.' }),
  previous_secret_expires_at: timestamp.meta({ description: 'Until then the replaced secret also signs.' }),
});

export const recoveryResponse = z.strictObject({
  recovered: z.number().int(),
  delivery_ids: z.array(id),
});

// ── Events and deliveries ────────────────────────────────────────────────────

const deliveryStatus = z.enum(DELIVERY_STATUSES);

export const deliveryResponse = z.strictObject({
  id,
  event_id: id,
  webhook_id: id,
  event_type: z.string(),
  status: deliveryStatus,
  attempt_count: z.number().int(),
  redeliveries: z.number().int().meta({ description: 'Times it was sent again after it had finished.' }),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  profile: z
    .enum(PROFILE_NAMES)
    .nullable()
    .meta({ description: 'The profile its attempts are sent under, fixed when it is dispatched (a redelivery takes the webhook’s profile afresh); `null` until then.' }),
  workflow_id: z.string().meta({ description: 'Its Temporal workflow.' }),
  created_at: timestamp,
  updated_at: timestamp,
  completed_at: timestamp.nullable(),
});
export type DeliveryResponse = z.infer<typeof deliveryResponse>;

export const attemptResponse = z.strictObject({
  attempt: z.number().int(),
  status: z.enum(Object.values(AttemptStatus)),
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int(),
  response_body: z
    .string()
    .nullable()
    .meta({
      description:
        "The receiver's answer, of at most 4,096 bytes read: text decoded by its charset (NUL and invalid bytes as U+FFFD, `…` when cut), or for a binary or compressed answer `[<kind>, <size>] base64:<first 3,072 bytes>`; `[response body not stored: <reason>]` when the database refused it. Null when no answer came.",
    }),
  error: z.string().nullable(),
  started_at: timestamp,
  profile: z.enum(PROFILE_NAMES).nullable().meta({ description: 'The profile it was sent under, whose headers it carried; `null` for attempts made before profiles existed.' }),
  request_body: z
    .string()
    .nullable()
    .meta({
      description:
        'The exact body sent, as signed. Shaped once, at the delivery’s first attempt, so every attempt (and a redelivery) sends the same bytes. `null` for attempts made before bodies were stored.',
    }),
});
export type AttemptResponse = z.infer<typeof attemptResponse>;

export const deliveryDetailResponse = deliveryResponse.extend({
  next_attempt_at: timestamp.nullable().meta({ description: 'While a retry waits in its backoff: when it is due.' }),
  attempts: z.array(attemptResponse),
});
export type DeliveryDetailResponse = z.infer<typeof deliveryDetailResponse>;

export const eventDeliveryResponse = z.strictObject({ id, webhook_id: id, status: deliveryStatus, workflow_id: z.string() });

export const eventResponse = z.strictObject({
  id,
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  idempotency_key: z.string().nullable(),
  created_at: timestamp,
  deliveries: z.array(eventDeliveryResponse),
});
export type EventResponse = z.infer<typeof eventResponse>;

// ── Pages ────────────────────────────────────────────────────────────────────

/** `{results, next_cursor}`: `next_cursor` is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({
    results: z.array(item),
    next_cursor: id.nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one.' }),
  });
export type PageResponse<V> = Omit<z.infer<ReturnType<typeof pageOf>>, 'results'> & { results: V[] };

export const webhookPageResponse = pageOf(webhookResponse);
export const deliveryPageResponse = pageOf(deliveryResponse);

// ── Users and accounts ───────────────────────────────────────────────────────

export const userResponse = z.strictObject({ id, login_name: z.string(), created_at: timestamp });

export const accountResponse = z.strictObject({
  id,
  user_id: id,
  provider: z.string(),
  status: z.enum(Object.values(AccountStatus)),
  last_synced_at: timestamp.nullable(),
  last_sync_result: z.string().nullable().meta({ description: '`success` or the error of the last sync.' }),
  syncing: z.boolean(),
  schedule_id: z.string().meta({ description: 'Its daily Temporal Schedule.' }),
  demo: z
    .strictObject({ outcomes: z.array(z.enum(DEMO_OUTCOMES)), used: z.number().int() })
    .optional()
    .meta({ description: 'Accounts of the `demo` provider: the script, and how many syncs used it.' }),
  created_at: timestamp,
  updated_at: timestamp,
});
export type AccountResponse = z.infer<typeof accountResponse>;

export const accountPageResponse = pageOf(accountResponse);

export const syncStartedResponse = z.strictObject({
  workflow_id: z.string(),
  already_running: z.boolean().meta({ description: 'True when a sync was running and this joined it.' }),
});

// ── Tenants, API keys and signing keys ───────────────────────────────────────

export const apiKeyResponse = z.strictObject({
  id,
  name: z.string().nullable(),
  prefix: z.string(),
  created_at: timestamp,
  last_used_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
});
export type ApiKeyResponse = z.infer<typeof apiKeyResponse>;

export const apiKeyCreatedResponse = apiKeyResponse.extend({
  key: z.string().meta({ description: 'The key itself, `hk_<prefix>_<secret>`: shown in this response only.' }),
});

export const apiKeyListResponse = z.strictObject({ results: z.array(apiKeyResponse) });

export const tenantCreatedResponse = z.strictObject({
  tenant: z.strictObject({
    id,
    name: z.string(),
    client_id: z.string().meta({ description: 'Sent to receivers as `x-client-id`.' }),
    default_profile: z.enum(PROFILE_NAMES).meta({ description: 'The profile of its webhooks created without one (`PATCH /v1/settings` changes it).' }),
  }),
  api_key: apiKeyCreatedResponse,
});

export const signingKeyRotationResponse = z.strictObject({
  kid: z.string(),
  previous_kid: z.string().nullable(),
  previous_expires_at: timestamp.nullable().meta({ description: 'The replaced key stays in the JWKS until then.' }),
});

export const jwksResponse = z.strictObject({
  keys: z.array(
    z.strictObject({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string(),
      kid: z.string(),
      use: z.literal('sig'),
      alg: z.literal('EdDSA'),
    }),
  ),
});

// ── Event catalogue ──────────────────────────────────────────────────────────

export const eventTypeResponse = z.strictObject({
  name: z.string(),
  description: z.string(),
  schema: z
    .record(z.string(), z.unknown())
    .nullable()
    .meta({ description: 'JSON Schema (draft 2020-12) of the event `data`; null accepts any JSON object.' }),
  deprecated: z.boolean(),
  builtin: z.boolean().meta({ description: 'The engine’s own types (webhook.test, SyncAccount, SyncError): read-only.' }),
  archived_at: timestamp.nullable(),
  created_at: timestamp.nullable(),
  updated_at: timestamp.nullable(),
});
export const eventTypeListResponse = z.strictObject({ results: z.array(eventTypeResponse) });
export const settingsResponse = z.strictObject({
  strict_event_types: z.boolean().meta({ description: 'When true, events of a type not in the catalogue are refused with 422.' }),
  default_profile: z.enum(PROFILE_NAMES).meta({ description: 'The profile of webhooks created without one.' }),
});

// ── The webhook portal and its statistics ───────────────────────────────────

export const portalLinkResponse = z.strictObject({
  url: z.string().meta({ description: 'The single-use portal link: open it (or put it in an iframe) once, before `expires_at`.' }),
  expires_at: timestamp.meta({ description: 'After this the link no longer opens a session.' }),
});

export const portalSessionResponse = z.strictObject({
  tenant: z.strictObject({ name: z.string(), client_id: z.string() }),
  expires_at: timestamp.meta({ description: 'When the session ends; a new link is needed then.' }),
  read_only: z.boolean(),
  csrf_token: z.string().meta({ description: 'Send as `X-CSRF-Token` with every state-changing request of this session.' }),
  temporal_ui: z
    .strictObject({ url: z.string(), namespace: z.string() })
    .nullable()
    .meta({ description: 'The Temporal UI that shows delivery workflows (`TEMPORAL_UI_URL`); null when none is configured.' }),
});
export type PortalSessionResponse = z.infer<typeof portalSessionResponse>;

const statsRange = z.enum(['hour', 'day']);

export const webhookStatsResponse = z.strictObject({
  range: statsRange,
  since: timestamp.meta({ description: 'Deliveries created from here on are counted.' }),
  results: z.array(
    z.strictObject({
      webhook_id: id,
      succeeded: z.number().int(),
      failed: z.number().int(),
      pending: z.number().int(),
      cancelled: z.number().int(),
      success_rate: z
        .number()
        .min(0)
        .max(1)
        .nullable()
        .meta({ description: '`succeeded / (succeeded + failed)`; null when none has finished either way.' }),
    }),
  ),
});
export type WebhookStatsResponse = z.infer<typeof webhookStatsResponse>;

export const deliveryStatsResponse = z.strictObject({
  range: statsRange,
  bucket_seconds: z.number().int(),
  since: timestamp,
  until: timestamp,
  buckets: z.array(
    z.strictObject({
      start: timestamp,
      succeeded: z.number().int().meta({ description: 'Attempts that got a 2xx.' }),
      failed: z.number().int().meta({ description: 'Attempts that did not.' }),
      p50_ms: z.number().nullable().meta({ description: 'Median attempt duration; null without attempts.' }),
      p95_ms: z.number().nullable(),
    }),
  ),
});
export type DeliveryStatsResponse = z.infer<typeof deliveryStatsResponse>;

export const deliveryRequestResponse = z.strictObject({
  method: z.literal('POST'),
  url: z.string().nullable().meta({ description: 'The webhook’s URL now; null once the webhook is deleted.' }),
  headers: z
    .array(
      z.strictObject({
        name: z.string(),
        value: z.string().nullable().meta({ description: 'null: set for each attempt and not stored (see `note`).' }),
        note: z.string().nullable(),
      }),
    )
    .meta({ description: 'In the order they are sent: the webhook’s custom headers, then the engine’s.' }),
  body: z.string().nullable().meta({ description: 'The exact body sent, as signed; null before the first attempt.' }),
});
export type DeliveryRequestResponse = z.infer<typeof deliveryRequestResponse>;

// ── Health ───────────────────────────────────────────────────────────────────

const checks = z.strictObject({
  postgres: z.string().meta({ description: '`ok`, or `error: <reason>`' }),
  temporal: z.string().meta({ description: '`ok`, or `error: <reason>`' }),
});

export const healthResponse = z.strictObject({ status: z.literal('ok') });
export const readyResponse = z.strictObject({ status: z.literal('ready'), checks });
export const notReadyResponse = z.strictObject({
  error: z.strictObject({ code: z.literal('not_ready'), message: z.string() }),
  checks,
});

/** The named shapes: each is one entry of `components.schemas`, referenced wherever it appears. */
export const RESPONSE_SCHEMAS = {
  Error: errorResponse,
  Webhook: webhookResponse,
  WebhookCreated: webhookCreatedResponse,
  WebhookPage: webhookPageResponse,
  SecretRotation: secretRotationResponse,
  Recovery: recoveryResponse,
  Event: eventResponse,
  EventDelivery: eventDeliveryResponse,
  Delivery: deliveryResponse,
  DeliveryDetail: deliveryDetailResponse,
  DeliveryPage: deliveryPageResponse,
  Attempt: attemptResponse,
  User: userResponse,
  Account: accountResponse,
  AccountPage: accountPageResponse,
  SyncStarted: syncStartedResponse,
  ApiKey: apiKeyResponse,
  ApiKeyCreated: apiKeyCreatedResponse,
  ApiKeyList: apiKeyListResponse,
  TenantCreated: tenantCreatedResponse,
  SigningKeyRotation: signingKeyRotationResponse,
  Jwks: jwksResponse,
  EventType: eventTypeResponse,
  EventTypeList: eventTypeListResponse,
  Settings: settingsResponse,
  PortalLink: portalLinkResponse,
  PortalSession: portalSessionResponse,
  WebhookStats: webhookStatsResponse,
  DeliveryStats: deliveryStatsResponse,
  DeliveryRequest: deliveryRequestResponse,
  Health: healthResponse,
  Ready: readyResponse,
  NotReady: notReadyResponse,
} as const;
