import type { EventTypeDefinition } from '../../domain/builtin-event-types';

type Json = Record<string, unknown>;

const header = (name: string, description: string, required = true) => ({
  name,
  in: 'header',
  required,
  description,
  schema: { type: 'string' },
});

/** Headers a delivery carries, by profile and signature scheme (see README "Profiles" and "Signature schemes"). */
const DELIVERY_HEADERS = [
  header('webhook-id', 'The event id: the same on every retry, so receivers can deduplicate. Under `custom`: sent in the webhook’s `custom_profile.id_header` instead.'),
  header('webhook-timestamp', 'Unix seconds of this attempt. Under `custom`: sent in `custom_profile.timestamp_header` instead.'),
  header(
    'webhook-signature',
    'Profiles `standard` and `assets-server`: Standard Webhooks, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` (`v1a,<base64 Ed25519>` for the ed25519 scheme). Absent for the HMAC schemes, which send X-Webhook-Signature, and under `assetsup`, `argyle`, `asset` and `custom`. Under `custom` the signature goes in the header the webhook’s `custom_profile.signature_header` names: its `template` with `{signature}` (the `algorithm` over `signed_content`, in `encoding`; HMAC keyed with the secret string’s UTF-8 bytes), `{timestamp}` and `{id}` filled in, one rendering per secret during a rotation, comma-separated.',
    false,
  ),
  header('x-webhook-signature', 'HMAC schemes only: `sha256=<hex>` or the SHA-512 hex digest of the body.', false),
  header('webhook-key-id', 'ed25519 scheme, and `custom` on Ed25519, only: the `kid` of the key in /.well-known/jwks.json.', false),
  header('x-assetsup-signature', 'Profile `assetsup` only (AssetsUp): `sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the secret string.', false),
  header(
    'x-argyle-signature',
    'Profile `argyle` only (Argyle): `<hex HMAC-SHA512 of the raw body>`, keyed with the secret string; absent when the webhook has no secret.',
    false,
  ),
  header('asset-id', 'Profile `asset` only (Asset): identifies the request; the event id, as `webhook-id`.', false),
  header(
    'asset-signature',
    'Profile `asset` only (Asset): a compact JWS (`alg` EdDSA) whose protected header names the key (`kid`) in /.well-known/jwks.json and whose payload is `{"sha256": "<hex SHA-256 of the exact body>", "asset-id": ..., "iat": ...}`.',
    false,
  ),
  header('x-client-id', 'The tenant’s client id.'),
];

const anyObject = { type: 'object', description: 'Any JSON object: this type has no schema.' };

/**
 * The body of one event type: bare for the SyncAccount / SyncError hooks,
 * whose body the SyncAccount/SyncError contract fixes, else the
 * `{type, timestamp, webhook, data}` envelope. The schema describes the full
 * payload; a webhook with `config.include_resource: false` or `config.fields`
 * receives a subset of `data` (and a thin payload also carries the event `id`).
 */
function body(t: EventTypeDefinition): Json {
  const data = t.schema ?? anyObject;
  if (t.name === 'SyncAccount' || t.name === 'SyncError') return data;
  return {
    type: 'object',
    required: ['type', 'timestamp', 'webhook', 'data'],
    properties: {
      id: { type: 'string', format: 'uuid', description: 'Thin payloads only: the event id (also `webhook-id`).' },
      type: { const: t.name },
      timestamp: { type: 'string', format: 'date-time', description: 'When the event was accepted.' },
      webhook: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } },
        description: 'The webhook this was sent to: its name comes back in the payload, as Argyle’s webhooks do.',
      },
      data: { ...data, description: 'The event data; shaped per webhook by `config.include_resource` and `config.fields`.' },
    },
  };
}

/**
 * The OpenAPI 3.1 `webhooks` section: one entry per event type, with the body
 * a receiver gets, the signature headers, and the answers the engine expects.
 * Receivers can generate their types from it.
 */
export function webhooksSection(types: readonly EventTypeDefinition[]): Record<string, Json> {
  return Object.fromEntries(
    types.map((t) => [
      t.name,
      {
        post: {
          operationId: `receive_${t.name.replace(/[^A-Za-z0-9_]/g, '_')}`,
          summary: t.name,
          description: `${t.description || `The ${t.name} event.`}${t.builtin ? ' (built in)' : ''}`,
          deprecated: t.deprecated || undefined,
          parameters: DELIVERY_HEADERS,
          requestBody: { required: true, content: { 'application/json': { schema: body(t) } } },
          responses: {
            '2XX': { description: 'Delivered (under `asset`: only a 200; any other 2xx is retried).' },
            '408': { description: 'Retried, after `Retry-After` when given (under `assets-server`: final, like any 4xx).' },
            '410': { description: 'Gone: the webhook is disabled at once.' },
            '429': { description: 'Retried, after `Retry-After` when given (under `assets-server`: final, like any 4xx).' },
            '4XX': {
              description:
                'Refused: not retried; the delivery fails. Under `assetsup` and `asset`, and `custom` with `retry_4xx`, retried like any failure; under `assets-server` the answer is logged as a warning.',
            },
            '5XX': {
              description: 'Retried on the schedule: 10 s, then doubling, 5 attempts in all (`assetsup`: 4, `assets-server`: 9, `asset`: 5; a webhook’s `max_attempts` overrides).',
            },
          },
        },
      },
    ]),
  );
}
