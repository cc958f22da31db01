import { z } from 'zod';
import { WEBHOOK_ACTIONS, type WebhookAction } from '../../domain/webhook-state';
import * as req from '../schemas';
import * as res from '../responses';
import { DOCS_ASSET_NAMES } from './assets';
import { PORTAL_ASSET_PATTERN } from '../../portal/portal-assets';

/**
 * Every route of the API, once: what `document.ts` turns into the OpenAPI
 * document. Request bodies and query parameters are the zod schemas the
 * routes validate with; responses are the schemas of `../responses.ts`.
 * A route added to the app without an entry here fails
 * `test/unit/openapi-routes.test.ts`; a response that does not match its
 * entry fails the API test suite that received it.
 */

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';
/** `tenant`: a tenant API key; `admin`: `ADMIN_API_KEY`; `session`: the portal's session cookie only; `none`: public. */
export type Security = 'tenant' | 'admin' | 'session' | 'none';
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

export interface HeaderSpec {
  description: string;
  schema?: { type: 'string' | 'integer'; enum?: string[] };
}

export interface ResponseSpec {
  description: string;
  /** A JSON body: one of the schemas of `../responses.ts`. */
  json?: z.ZodType;
  /** Any other body, by media type: a free-form description. */
  media?: Record<string, { description?: string; schema?: Record<string, unknown> }>;
  headers?: Record<string, HeaderSpec>;
}

export interface ParamSpec {
  description: string;
  /** A UUID unless given. */
  schema?: z.ZodType;
}

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  /** As registered with the router: `/v1/webhooks/:id`. */
  path: string;
  summary: string;
  description?: string;
  tag: Tag;
  security: Security;
  params?: Record<string, ParamSpec>;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean };
  /** Success answers (and any non-error answer), by status. */
  responses: Record<number, ResponseSpec>;
  /** Error answers with the `{error: {code, message, details?}}` body; 500 is added to every route. */
  errors: ErrorStatus[];
  /** What an error status means on this route, where the shared description says too little. */
  errorNotes?: Partial<Record<ErrorStatus, string>>;
}

export const TAGS = {
  Webhooks: 'Endpoints that receive events: create, change, pause, disable, rotate their secret.',
  Events: 'Publish an event: it fans out to every subscribed webhook as one delivery each.',
  Deliveries: 'Each event sent to one webhook, with its attempts; retry or cancel it.',
  Accounts: 'Users, their provider accounts, and the syncs that send SyncAccount / SyncError hooks.',
  'API keys': "The calling tenant's own API keys.",
  'Event types': 'The catalogue: event types with JSON Schemas, also published as this document’s `webhooks`.',
  Admin: 'Routes that only `ADMIN_API_KEY` opens.',
  Health: 'Liveness, readiness, metrics and the public signing keys: no authentication.',
  Reference: 'This document and its human-readable page: no authentication.',
  Portal: 'The webhook portal: a page where a tenant’s users manage its webhooks and watch deliveries, and the single-use links that open it.',
} as const;
export type Tag = keyof typeof TAGS;

/**
 * Every tenant route: authentication, the JSON body parser, and the database
 * behind both. A portal session gets a 403 outside the portal's routes, or
 * for a change without its CSRF token or from another origin. An address
 * with too many failed authentications gets a 429.
 */
const TENANT: ErrorStatus[] = [400, 401, 403, 413, 415, 429, 503];
/** Routes with a path id: a malformed one is a 400, an unknown one (or another tenant's) a 404. */
const BY_ID: ErrorStatus[] = [400, 404];

const idParam = (what: string): Record<string, ParamSpec> => ({ id: { description: `The ${what}'s id.` } });
const created = (what: string) => ({
  Location: { description: `The new ${what}'s URL.` },
});

const webhookActions: Record<WebhookAction, { summary: string; description: string }> = {
  pause: {
    summary: 'Pause a webhook',
    description:
      'Holds its deliveries: new ones, those in a retry backoff and those about to be attempted. The change goes through the webhook’s controller workflow, like the `pause` signal.',
  },
  resume: {
    summary: 'Resume a webhook',
    description: 'Releases held deliveries one by one, in the order their events were created; retries keep their place in the schedule.',
  },
  disable: {
    summary: 'Disable a webhook',
    description: 'Pending deliveries end as `cancelled` and new events skip it. `disabled_reason` and `disabled_at` say why and when.',
  },
  enable: { summary: 'Enable a webhook', description: 'Active again, its failure count reset.' },
};

const invalidState = 'The action does not fit the current state (`invalid_state`).';
const temporalDown = 'Temporal cannot be reached (`service_unavailable`), or the database is down.';

export const OPERATIONS: OperationSpec[] = [
  // ── Health and reference ────────────────────────────────────────────────────
  {
    operationId: 'getHealth',
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    description: 'Answers while the process does; touches nothing else.',
    tag: 'Health',
    security: 'none',
    responses: { 200: { description: 'The process is up.', json: res.healthResponse } },
    errors: [],
  },
  {
    operationId: 'getReadiness',
    method: 'get',
    path: '/readyz',
    summary: 'Readiness',
    description: 'Checks that Postgres and Temporal answer.',
    tag: 'Health',
    security: 'none',
    responses: {
      200: { description: 'Postgres and Temporal answer.', json: res.readyResponse },
      503: { description: 'One of them does not (`not_ready`); `checks` says which.', json: res.notReadyResponse },
    },
    errors: [],
  },
  {
    operationId: 'getMetrics',
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description:
      'The API process’s metrics in the Prometheus text format. With `METRICS_TOKEN` set it needs `Authorization: Bearer <METRICS_TOKEN>`; in production without one, the API port does not serve it.',
    tag: 'Health',
    security: 'none',
    responses: {
      200: {
        description: 'Prometheus text exposition format.',
        media: { 'text/plain': { schema: { type: 'string' } } },
      },
    },
    errors: [401, 404],
    errorNotes: {
      401: '`METRICS_TOKEN` is set and the request does not carry it.',
      404: 'Production, and no `METRICS_TOKEN`: metrics are not served on the API port.',
    },
  },
  {
    operationId: 'getJwks',
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'Public signing keys (JWKS)',
    description:
      'The public Ed25519 keys of the `ed25519` signature scheme: the active key and retired ones in their grace period. Pick the key whose `kid` is the request’s `webhook-key-id`.',
    tag: 'Health',
    security: 'none',
    responses: {
      200: {
        description: 'A JSON Web Key Set.',
        json: res.jwksResponse,
        headers: { 'Cache-Control': { description: '`public, max-age=300`: on an unknown `kid`, fetch again.' } },
      },
    },
    errors: [503],
  },
  {
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tag: 'Reference',
    security: 'none',
    responses: {
      200: { description: 'The OpenAPI 3.1 document of this API.', media: { 'application/json': { schema: { type: 'object' } } } },
    },
    errors: [],
  },
  {
    operationId: 'getApiReference',
    method: 'get',
    path: '/docs',
    summary: 'API reference page',
    description: 'This document rendered by Swagger UI, served from the engine itself: the page loads nothing from elsewhere.',
    tag: 'Reference',
    security: 'none',
    responses: { 200: { description: 'An HTML page.', media: { 'text/html': { schema: { type: 'string' } } } } },
    errors: [],
  },
  {
    operationId: 'getApiReferenceAsset',
    method: 'get',
    path: '/docs/:asset',
    summary: 'A file of the API reference page',
    tag: 'Reference',
    security: 'none',
    params: { asset: { description: 'A file of Swagger UI.', schema: z.enum(DOCS_ASSET_NAMES) } },
    responses: {
      200: {
        description: 'The file.',
        media: {
          'text/css': { schema: { type: 'string' } },
          'application/javascript': { schema: { type: 'string' } },
          'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
        },
      },
    },
    errors: [404],
  },

  // ── Admin ───────────────────────────────────────────────────────────────────
  {
    operationId: 'createTenant',
    method: 'post',
    path: '/v1/tenants',
    summary: 'Create a tenant',
    description:
      'A tenant (a client application; `client_id` is sent to receivers as `x-client-id`) and its first API key, shown this once.',
    tag: 'Admin',
    security: 'admin',
    body: { schema: req.createTenantBody, required: true },
    responses: { 201: { description: 'The tenant and its first API key.', json: res.tenantCreatedResponse } },
    errors: [400, 401, 409, 413, 415, 422, 429, 503],
    errorNotes: {
      401: 'Not the admin key, or `ADMIN_API_KEY` is not set (`unauthorized`).',
      409: 'The `client_id` is taken (`client_id_taken`).',
    },
  },
  {
    operationId: 'rotateSigningKey',
    method: 'post',
    path: '/v1/signing-keys/rotate',
    summary: 'Rotate the Ed25519 signing key',
    description:
      'A new Ed25519 key signs from now on (scheme `ed25519`); the old one stays in the JWKS until `previous_expires_at` (`SECRET_ROTATION_GRACE_MS`). Engine-wide: it changes the key of every tenant’s `ed25519` webhooks. Takes no body; one that is malformed, not JSON or too large is refused as on every route.',
    tag: 'Admin',
    security: 'admin',
    responses: { 200: { description: 'The new key id and the replaced one.', json: res.signingKeyRotationResponse } },
    errors: [400, 401, 413, 415, 429, 503],
    errorNotes: { 401: 'Not the admin key, or `ADMIN_API_KEY` is not set (`unauthorized`).' },
  },

  // ── Webhooks ────────────────────────────────────────────────────────────────
  {
    operationId: 'createWebhook',
    method: 'post',
    path: '/v1/webhooks',
    summary: 'Create a webhook',
    description:
      'Registers an endpoint. The signing secret (the one supplied as `secret`, or a generated one) appears in this response only: keep it. `profile` (else the tenant’s `default_profile`) picks the wire format and delivery rules: `standard`, `assetsup`, `argyle`, `assets-server` or `asset`. `signature` applies under `standard` and `assets-server` only. Under `argyle` the secret is optional: without one, requests are unsigned and `secret` is `null`. Under `asset` requests are signed with the engine’s key (the secret is unused) and the `url` must be https unless the engine runs in development.',
    tag: 'Webhooks',
    security: 'tenant',
    body: { schema: req.createWebhookBody, required: true },
    responses: { 201: { description: 'The webhook and its `secret`.', json: res.webhookCreatedResponse, headers: created('webhook') } },
    errors: [...TENANT, 422],
    errorNotes: {
      422: 'A field is invalid, the profile is unknown (the message lists the names), `signature` is given under a profile with its own format, a supplied `secret` does not fit the profile, or the URL points where webhooks may not (`validation_failed`).',
    },
  },
  {
    operationId: 'listWebhooks',
    method: 'get',
    path: '/v1/webhooks',
    summary: 'List webhooks',
    tag: 'Webhooks',
    security: 'tenant',
    query: req.listWebhooksQuery,
    responses: { 200: { description: 'A page of webhooks.', json: res.webhookPageResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getWebhook',
    method: 'get',
    path: '/v1/webhooks/:id',
    summary: 'Get a webhook',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    responses: { 200: { description: 'The webhook.', json: res.webhookResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'updateWebhook',
    method: 'patch',
    path: '/v1/webhooks/:id',
    summary: 'Change a webhook',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    body: { schema: req.updateWebhookBody, required: true },
    responses: { 200: { description: 'The changed webhook.', json: res.webhookResponse } },
    errors: [...TENANT, ...BY_ID, 422],
    errorNotes: {
      422: 'A field is invalid, the profile is unknown (the message lists the names), `signature` is given under a profile with its own format, or the current secret cannot sign under the new profile (`validation_failed`: rotate it first).',
    },
  },
  {
    operationId: 'deleteWebhook',
    method: 'delete',
    path: '/v1/webhooks/:id',
    summary: 'Delete a webhook',
    description: 'Its history stays, and its pending deliveries end as `cancelled`.',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    responses: { 204: { description: 'Deleted.' } },
    errors: [...TENANT, ...BY_ID],
  },
  ...WEBHOOK_ACTIONS.map(
    (action): OperationSpec => ({
      operationId: `${action}Webhook`,
      method: 'post',
      path: `/v1/webhooks/:id/${action}`,
      ...webhookActions[action],
      tag: 'Webhooks',
      security: 'tenant',
      params: idParam('webhook'),
      responses: { 200: { description: 'The webhook in its new state.', json: res.webhookResponse } },
      errors: [...TENANT, ...BY_ID, 409],
      errorNotes: { 409: invalidState, 503: temporalDown },
    }),
  ),
  {
    operationId: 'recoverWebhookDeliveries',
    method: 'post',
    path: '/v1/webhooks/:id/recover',
    summary: 'Re-send failed deliveries',
    description: 'Sends again every `failed` delivery of the webhook created in the range.',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    body: { schema: req.recoverBody, required: true },
    responses: { 202: { description: 'How many deliveries were sent again, and which.', json: res.recoveryResponse } },
    errors: [...TENANT, ...BY_ID, 409, 422],
    errorNotes: { 409: 'The webhook is disabled (`invalid_state`).' },
  },
  {
    operationId: 'sendTestEvent',
    method: 'post',
    path: '/v1/webhooks/:id/test',
    summary: 'Send a test event',
    description: 'Sends a `webhook.test` event to this webhook only, through the same workflow path as any event.',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    responses: { 202: { description: 'The test event and its delivery.', json: res.eventResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'rotateWebhookSecret',
    method: 'post',
    path: '/v1/webhooks/:id/secret/rotate',
    summary: 'Rotate a webhook’s signing secret',
    description:
      'A new signing secret, shown this once: generated, or `secret` from the body, which must fit the webhook’s profile as at creation. The old secret keeps signing beside it until `previous_secret_expires_at` (`SECRET_ROTATION_GRACE_MS`), each in the profile’s own header.',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    body: { schema: req.rotateSecretBody, required: false },
    responses: { 200: { description: 'The new secret.', json: res.secretRotationResponse } },
    errors: [...TENANT, ...BY_ID, 422],
  },

  // ── Events ──────────────────────────────────────────────────────────────────
  {
    operationId: 'publishEvent',
    method: 'post',
    path: '/v1/events',
    summary: 'Publish an event',
    description:
      'Stored with one delivery per active webhook subscribed to its type (or to `"*"`) in one transaction, then sent. Repeating an `idempotency_key` returns the first event and sends nothing twice.',
    tag: 'Events',
    security: 'tenant',
    body: { schema: req.publishEventBody, required: true },
    responses: {
      202: {
        description: 'Accepted: the event and its deliveries.',
        json: res.eventResponse,
        headers: { 'Idempotent-Replayed': { description: '`true` when this is the first event of a repeated `idempotency_key`.' } },
      },
    },
    errors: [...TENANT, 409, 422, 429],
    errorNotes: { 409: 'The `idempotency_key` was used for a different event (`idempotency_key_reused`).' },
  },
  {
    operationId: 'getEvent',
    method: 'get',
    path: '/v1/events/:id',
    summary: 'Get an event',
    tag: 'Events',
    security: 'tenant',
    params: idParam('event'),
    responses: { 200: { description: 'The event and its deliveries.', json: res.eventResponse } },
    errors: [...TENANT, ...BY_ID],
  },

  // ── Deliveries ──────────────────────────────────────────────────────────────
  {
    operationId: 'listDeliveries',
    method: 'get',
    path: '/v1/deliveries',
    summary: 'List deliveries',
    description: 'Newest first.',
    tag: 'Deliveries',
    security: 'tenant',
    query: req.listDeliveriesQuery,
    responses: { 200: { description: 'A page of deliveries.', json: res.deliveryPageResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getDelivery',
    method: 'get',
    path: '/v1/deliveries/:id',
    summary: 'Get a delivery and its attempts',
    description: '`next_attempt_at` is read from its workflow while a retry waits.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 200: { description: 'The delivery with its attempts.', json: res.deliveryDetailResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'retryDelivery',
    method: 'post',
    path: '/v1/deliveries/:id/retry',
    summary: 'Send a finished delivery again',
    description:
      'A `succeeded`, `failed` or `cancelled` delivery goes out again with a fresh attempt series. Attempt numbers continue, and `webhook-id` and the body (`request_body`, shaped at the first attempt) stay the same.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 202: { description: 'The delivery, pending again.', json: res.deliveryResponse } },
    errors: [...TENANT, ...BY_ID, 409],
    errorNotes: { 409: 'Still pending, or its webhook is deleted or disabled (`invalid_state`).' },
  },
  {
    operationId: 'retryDeliveryNow',
    method: 'post',
    path: '/v1/deliveries/:id/retry-now',
    summary: 'Attempt a waiting delivery now',
    description: 'A delivery waiting in its backoff attempts now; the rest of its schedule stays.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 202: { description: 'The delivery.', json: res.deliveryResponse } },
    errors: [...TENANT, ...BY_ID, 409],
    errorNotes: { 409: 'Finished, or not started yet (`invalid_state`).', 503: temporalDown },
  },
  {
    operationId: 'cancelDelivery',
    method: 'post',
    path: '/v1/deliveries/:id/cancel',
    summary: 'Cancel a pending delivery',
    description: 'It ends as `cancelled`; nothing more is sent.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 200: { description: 'The cancelled delivery.', json: res.deliveryResponse } },
    errors: [...TENANT, ...BY_ID, 409],
    errorNotes: { 409: 'Already finished (`invalid_state`).' },
  },

  // ── Users and accounts ──────────────────────────────────────────────────────
  {
    operationId: 'createUser',
    method: 'post',
    path: '/v1/users',
    summary: 'Create a user',
    tag: 'Accounts',
    security: 'tenant',
    body: { schema: req.createUserBody, required: true },
    responses: { 201: { description: 'The user.', json: res.userResponse } },
    errors: [...TENANT, 409, 422],
    errorNotes: { 409: 'A user with this `login_name` exists (`login_name_taken`).' },
  },
  {
    operationId: 'getUser',
    method: 'get',
    path: '/v1/users/:id',
    summary: 'Get a user',
    tag: 'Accounts',
    security: 'tenant',
    params: idParam('user'),
    responses: { 200: { description: 'The user.', json: res.userResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'createAccount',
    method: 'post',
    path: '/v1/accounts',
    summary: 'Connect an account',
    description: 'Creates the account and its daily sync schedule together.',
    tag: 'Accounts',
    security: 'tenant',
    body: { schema: req.createAccountBody, required: true },
    responses: { 201: { description: 'The account.', json: res.accountResponse, headers: created('account') } },
    errors: [...TENANT, 422],
    errorNotes: { 422: 'A field is invalid, or there is no such user (`validation_failed`).', 503: temporalDown },
  },
  {
    operationId: 'listAccounts',
    method: 'get',
    path: '/v1/accounts',
    summary: 'List accounts',
    tag: 'Accounts',
    security: 'tenant',
    query: req.listAccountsQuery,
    responses: { 200: { description: 'A page of accounts.', json: res.accountPageResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getAccount',
    method: 'get',
    path: '/v1/accounts/:id',
    summary: 'Get an account',
    tag: 'Accounts',
    security: 'tenant',
    params: idParam('account'),
    responses: { 200: { description: 'The account.', json: res.accountResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'deleteAccount',
    method: 'delete',
    path: '/v1/accounts/:id',
    summary: 'Delete an account',
    description: 'Deletes its sync schedule too.',
    tag: 'Accounts',
    security: 'tenant',
    params: idParam('account'),
    responses: { 204: { description: 'Deleted.' } },
    errors: [...TENANT, ...BY_ID],
    errorNotes: { 503: temporalDown },
  },
  {
    operationId: 'syncAccount',
    method: 'post',
    path: '/v1/accounts/:id/sync',
    summary: 'Sync an account now',
    description: 'While a sync runs, a second request joins it instead of starting another.',
    tag: 'Accounts',
    security: 'tenant',
    params: idParam('account'),
    responses: { 202: { description: 'The sync’s workflow.', json: res.syncStartedResponse } },
    errors: [...TENANT, ...BY_ID, 409],
    errorNotes: { 409: 'The account needs to be reconnected first (`needs_reconnect`).', 503: temporalDown },
  },
  {
    operationId: 'reconnectAccount',
    method: 'post',
    path: '/v1/accounts/:id/reconnect',
    summary: 'Reconnect an account',
    description: 'After a `LoginFailedError` or `SecurityQuestionError`: syncs run again.',
    tag: 'Accounts',
    security: 'tenant',
    params: idParam('account'),
    responses: { 200: { description: 'The account.', json: res.accountResponse } },
    errors: [...TENANT, ...BY_ID],
  },

  // ── API keys ────────────────────────────────────────────────────────────────
  {
    operationId: 'createApiKey',
    method: 'post',
    path: '/v1/api-keys',
    summary: 'Create an API key',
    description: 'A new key for the calling tenant, shown this once. The calling key is checked in the database, not a cache: a revoked key cannot mint.',
    tag: 'API keys',
    security: 'tenant',
    body: { schema: req.createApiKeyBody, required: false },
    responses: { 201: { description: 'The key, with `key` itself.', json: res.apiKeyCreatedResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'listApiKeys',
    method: 'get',
    path: '/v1/api-keys',
    summary: 'List API keys',
    description: 'By `prefix`, with `last_used_at` and `revoked_at`; never the keys themselves.',
    tag: 'API keys',
    security: 'tenant',
    responses: { 200: { description: 'The tenant’s keys.', json: res.apiKeyListResponse } },
    errors: TENANT,
  },
  {
    operationId: 'revokeApiKey',
    method: 'delete',
    path: '/v1/api-keys/:id',
    summary: 'Revoke an API key',
    description:
      'Refused at once by the API process that answers, within a second by the others. The keys it minted in the 5 s before go with it, except the key this request is made with.',
    tag: 'API keys',
    security: 'tenant',
    params: idParam('API key'),
    responses: { 204: { description: 'Revoked.' } },
    errors: [...TENANT, ...BY_ID],
  },

  // ── Event catalogue ─────────────────────────────────────────────────────────
  {
    operationId: 'createEventType',
    method: 'post',
    path: '/v1/event-types',
    summary: 'Create an event type',
    description: 'With an optional JSON Schema (draft 2020-12) that `POST /v1/events` checks `data` against. Recreating an archived type brings it back.',
    tag: 'Event types',
    security: 'tenant',
    body: { schema: req.createEventTypeBody, required: true },
    responses: { 201: { description: 'The type.', json: res.eventTypeResponse } },
    errors: [...TENANT, 409, 422],
    errorNotes: { 409: 'The type exists, or is built in.', 422: 'A bad name, or a schema that is not a valid JSON Schema.' },
  },
  {
    operationId: 'listEventTypes',
    method: 'get',
    path: '/v1/event-types',
    summary: 'List event types',
    description: 'The built-in types, then the tenant’s live ones by name.',
    tag: 'Event types',
    security: 'tenant',
    query: req.noQuery,
    responses: { 200: { description: 'The catalogue.', json: res.eventTypeListResponse } },
    errors: [...TENANT, 422],
  },
  ...(['get', 'patch', 'delete'] as const).map(
    (method): OperationSpec => ({
      operationId: { get: 'getEventType', patch: 'updateEventType', delete: 'archiveEventType' }[method],
      method,
      path: '/v1/event-types/:name',
      summary: { get: 'Get an event type', patch: 'Change an event type', delete: 'Archive an event type' }[method],
      description:
        method === 'delete' ? 'Events already sent keep it; new events treat it as unknown.' : method === 'patch' ? 'Built-in types cannot change.' : undefined,
      tag: 'Event types',
      security: 'tenant',
      params: { name: { description: 'The event type’s name.', schema: req.eventType } },
      ...(method === 'patch' ? { body: { schema: req.updateEventTypeBody, required: true } } : {}),
      responses: method === 'delete' ? { 204: { description: 'Archived.' } } : { 200: { description: 'The type.', json: res.eventTypeResponse } },
      errors: method === 'get' ? [...TENANT, ...BY_ID] : [...TENANT, ...BY_ID, 409, 422],
    }),
  ),
  {
    operationId: 'getSettings',
    method: 'get',
    path: '/v1/settings',
    summary: 'Get the tenant’s settings',
    tag: 'Event types',
    security: 'tenant',
    responses: { 200: { description: 'The settings.', json: res.settingsResponse } },
    errors: TENANT,
  },
  {
    operationId: 'updateSettings',
    method: 'patch',
    path: '/v1/settings',
    summary: 'Change the tenant’s settings',
    description:
      '`strict_event_types: true` refuses events whose type is not in the catalogue. `default_profile` is the profile of webhooks created without one; existing webhooks keep theirs. Only the settings given change.',
    tag: 'Event types',
    security: 'tenant',
    body: { schema: req.updateSettingsBody, required: true },
    responses: { 200: { description: 'The settings.', json: res.settingsResponse } },
    errors: [...TENANT, 422],
  },

  // ── The webhook portal ──────────────────────────────────────────────────────
  {
    operationId: 'createPortalSession',
    method: 'post',
    path: '/v1/portal/sessions',
    summary: 'Create a portal link',
    description:
      'A single-use link to the webhook portal for the calling tenant: hand it to a user, or put it in an iframe. Opening it within `PORTAL_LINK_TTL_MS` (10 min) starts a session of `PORTAL_SESSION_TTL_MS` (1 h) in an HttpOnly cookie; a second opening gets the login page. The link is built on `PUBLIC_URL`; without it, on the API’s listen address outside production, and not at all in production (409 `public_url_required`). Never on the request’s `Host`. Needs an API key: a portal session cannot create links.',
    tag: 'Portal',
    security: 'tenant',
    body: { schema: req.createPortalSessionBody, required: false },
    responses: { 201: { description: 'The link and when it stops working.', json: res.portalLinkResponse } },
    errors: [...TENANT, 409, 422],
    errorNotes: { 409: '`public_url_required`: production without `PUBLIC_URL`, so there is no origin to build the link on.' },
  },
  {
    operationId: 'getPortalSession',
    method: 'get',
    path: '/v1/portal/session',
    summary: 'The portal’s own session',
    description: 'For the portal page: whose session it is, until when, and the CSRF token its changes must carry as `X-CSRF-Token`.',
    tag: 'Portal',
    security: 'session',
    responses: { 200: { description: 'The session.', json: res.portalSessionResponse } },
    errors: TENANT,
    errorNotes: { 401: 'No session, or it has ended (`unauthorized`).', 403: 'An API key has no portal session (`forbidden`).' },
  },
  {
    operationId: 'endPortalSession',
    method: 'delete',
    path: '/v1/portal/session',
    summary: 'Sign out of the portal',
    description: 'The session ends at once and its cookie is cleared.',
    tag: 'Portal',
    security: 'session',
    responses: { 204: { description: 'Signed out.', headers: { 'Set-Cookie': { description: 'Clears the session cookie.' } } } },
    errors: TENANT,
    errorNotes: { 403: 'An API key has no portal session (`forbidden`), or the CSRF check failed (`csrf_failed`).' },
  },
  {
    operationId: 'getWebhookStats',
    method: 'get',
    path: '/v1/stats/webhooks',
    summary: 'Success rates of webhooks',
    description: 'For each webhook with deliveries created in the range: how many succeeded, failed, wait or were cancelled, and its success rate.',
    tag: 'Webhooks',
    security: 'tenant',
    query: req.statsQuery,
    responses: { 200: { description: 'Counts by webhook.', json: res.webhookStatsResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getDeliveryStats',
    method: 'get',
    path: '/v1/stats/deliveries',
    summary: 'Attempts and latency over time',
    description:
      'Attempts per bucket (1 minute over the last hour, 15 minutes over the last day), split into succeeded and failed, with the median and 95th-percentile attempt duration. Every bucket is listed, empty ones too.',
    tag: 'Deliveries',
    security: 'tenant',
    query: req.statsQuery,
    responses: { 200: { description: 'The buckets, oldest first.', json: res.deliveryStatsResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getDeliveryRequest',
    method: 'get',
    path: '/v1/deliveries/:id/request',
    summary: 'The request a delivery sends',
    description:
      'Its exact body (the stored bytes every attempt sends) and its headers in the order they are sent: the webhook’s custom headers, then the engine’s. The timestamp and signatures are made for each attempt and not stored: they are listed with `value: null` and a note. The signature headers are those of the profile the delivery was dispatched under (the webhook’s current one before that); an unsigned `argyle` webhook has none. URL and custom headers are the webhook’s current ones.',
    tag: 'Deliveries',
    security: 'tenant',
    params: idParam('delivery'),
    responses: { 200: { description: 'The request.', json: res.deliveryRequestResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'getPortal',
    method: 'get',
    path: '/portal',
    summary: 'The webhook portal',
    description:
      'The portal page. It signs in with the session cookie that a portal link sets; without one it shows how to get a new link. Served with a strict Content-Security-Policy (`frame-ancestors` from `PORTAL_FRAME_ANCESTORS`).',
    tag: 'Portal',
    security: 'none',
    responses: { 200: { description: 'An HTML page.', media: { 'text/html': { schema: { type: 'string' } } } } },
    errors: [],
  },
  {
    operationId: 'openPortalLink',
    method: 'get',
    path: '/portal/login',
    summary: 'Open a portal link',
    description:
      'The link `POST /v1/portal/sessions` returns, `/portal/login?token=<token>`. Spends the token, sets the session cookie (HttpOnly, SameSite, `Secure` over https) and redirects to `/portal`. A page for people: whatever is wrong with the link, the answer is the page that says to ask for a new one.',
    tag: 'Portal',
    security: 'none',
    responses: {
      303: {
        description: 'Signed in: on to the portal.',
        headers: { Location: { description: '`/portal`' }, 'Set-Cookie': { description: 'The session cookie, `hookline_portal`.' } },
      },
      401: {
        description: 'The link was used already, has expired or is unknown: a page that says to ask for a new one.',
        media: { 'text/html': { schema: { type: 'string' } } },
      },
    },
    errors: [503],
  },
  {
    operationId: 'getPortalAsset',
    method: 'get',
    path: '/portal/assets/:asset',
    summary: 'A file of the portal',
    tag: 'Portal',
    security: 'none',
    params: { asset: { description: 'A script, style sheet or image of the portal.', schema: z.string().regex(PORTAL_ASSET_PATTERN) } },
    responses: {
      200: {
        description: 'The file.',
        media: {
          'text/javascript': { schema: { type: 'string' } },
          'text/css': { schema: { type: 'string' } },
          'image/svg+xml': { schema: { type: 'string' } },
        },
      },
    },
    errors: [404],
  },
];
