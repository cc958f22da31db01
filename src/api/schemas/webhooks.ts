import { z } from 'zod';
import { SIGNATURE_SCHEMES } from '../../crypto/signature-schemes';
import { SUPPLIED_SECRET_MAX_BYTES, SUPPLIED_SECRET_MIN_BYTES } from '../../crypto/webhook-signature';
import { CLIENT_SECRET_MAX_LENGTH } from '../../domain/profiles';
import { RESERVED_HEADERS } from '../../domain/reserved-headers';
import { WEBHOOK_ORDERINGS } from '../../domain/webhook-ordering';
import { JSON_POINTER_PATTERN, MAX_POINTER_LENGTH } from '../../util/json-pointer';
import { customProfileSettings } from '../custom-profile-schema';
import { eventSelector } from './event-types';
import { cursor, isoDate, limit, profileName } from './fields';
import { DELIVERY_ORDERINGS } from '../../domain/delivery-ordering';

const webhookUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => {
    try {
      const u = new URL(value);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL')
  .refine((value) => {
    try {
      const u = new URL(value);
      return !u.username && !u.password;
    } catch {
      return true;
    }
  }, 'must not carry credentials; use a custom header instead')
  .meta({
    format: 'uri',
    description: 'An absolute http(s) URL without credentials, at most 2048 characters. Private and loopback hosts are refused unless allowed.',
  });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MAX_HEADERS = 50;

/**
 * A custom header's value: a string, sent and shown as it is, or `{"value": "...", "secret": true}`,
 * sent but never shown again (responses give `{"secret": true}`). In a change, `{"secret": true}`
 * without a value keeps the secret value the header has.
 */
const headerValue = z.union([
  z.string({ error: 'must be a string or {"value": string, "secret": true}' }),
  z.strictObject(
    { value: z.string({ error: 'must be a string' }).optional(), secret: z.literal(true, { error: 'must be true' }) },
    { error: 'must be a string or {"value": string, "secret": true}' },
  ),
]);

const headers = z.record(z.string(), headerValue).superRefine((record, ctx) => {
  const names = Object.keys(record);
  if (names.length > MAX_HEADERS) ctx.addIssue({ code: 'custom', message: `may hold at most ${MAX_HEADERS} headers` });
  const seen = new Set<string>();
  for (const [name, given] of Object.entries(record)) {
    const lower = name.toLowerCase();
    const value = typeof given === 'string' ? given : (given.value ?? '');
    const problem = !HEADER_NAME.test(name)
      ? 'is not a valid HTTP header name'
      : RESERVED_HEADERS.includes(lower)
        ? 'is set by the engine and cannot be overridden'
        : seen.has(lower)
          ? 'repeats a header name'
          : value.length > 4096
            ? 'must be at most 4096 characters'
            : !HEADER_VALUE.test(value)
              ? 'must not contain control characters or line breaks'
              : undefined;
    seen.add(lower);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
}).meta({
  maxProperties: MAX_HEADERS,
  description: `Custom headers sent with each request: at most ${MAX_HEADERS}, values of at most 4096 characters without line breaks. Headers the engine sets (${RESERVED_HEADERS.join(', ')}) cannot be overridden. A value given as \`{"value": "...", "secret": true}\` (an \`Authorization\` token) is sent as usual but never shown again: it is encrypted at rest, responses show \`{"secret": true}\`, and attempts store it masked. In a PATCH, \`{"secret": true}\` without a value keeps the header's current secret value.`,
});

const webhookFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  url: webhookUrl,
  events: z
    .array(eventSelector)
    .min(1, 'must list at least one event type, or "*"')
    .max(100, 'may list at most 100 event types')
    .transform((events) => [...new Set(events)])
    .meta({ description: 'Event types to receive; `"*"` subscribes to every type. Repeats are dropped.' }),
  headers,
};

/** How a webhook's requests are signed; `standard` unless chosen. */
const signatureScheme = z
  .enum(SIGNATURE_SCHEMES, { error: `must be one of ${SIGNATURE_SCHEMES.join(', ')}` })
  .meta({ description: 'How its requests are signed; `standard` (Standard Webhooks) unless chosen.' });

/** Most JSON pointers one webhook's `config.fields` may list. */
export const MAX_PAYLOAD_FIELDS = 50;

/** What a webhook's receiver gets (activities/payload.ts). */
const payloadConfig = z
  .strictObject(
    {
      include_resource: z
        .boolean({ error: 'must be true or false' })
        .optional()
        .meta({
          description:
            '`true` (the default) sends the full event. `false` sends a thin notification, `{id, type, timestamp, webhook, data}`, whose `data` keeps only the identifiers: top-level keys that are `id` or end in `_id` or `Id`.',
        }),
      fields: z
        .array(
          z
            .string({ error: 'must be a string' })
            .max(MAX_POINTER_LENGTH, `must be at most ${MAX_POINTER_LENGTH} characters`)
            .regex(JSON_POINTER_PATTERN, 'must be a JSON pointer (RFC 6901) into data, such as "/customer/id"'),
        )
        .min(1, 'must list at least one JSON pointer, or be null')
        .max(MAX_PAYLOAD_FIELDS, `may list at most ${MAX_PAYLOAD_FIELDS} JSON pointers`)
        .transform((fields) => [...new Set(fields)])
        .nullable()
        .optional()
        .meta({
          description: `JSON pointers (RFC 6901) into \`data\`, at most ${MAX_PAYLOAD_FIELDS}: only these values are sent, nested objects rebuilt around them. A pointer that an event lacks is left out. \`null\` (the default) sends all of \`data\`.`,
        }),
    },
    { error: 'must be an object' },
  )
  .meta({ description: 'How its payloads are shaped. In a change, only the keys given change.' });

/** A per-webhook retry ceiling: the backoff stays 10 s doubling, so 10 attempts already span about 85 minutes. */
export const MAX_ATTEMPTS_CEILING = 10;
const maxAttempts = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_ATTEMPTS_CEILING, `must be at most ${MAX_ATTEMPTS_CEILING}`)
  .nullable()
  .meta({
    description: `Attempts in all for each delivery, 1 to ${MAX_ATTEMPTS_CEILING}, overriding \`RETRY_MAXIMUM_ATTEMPTS\`; \`null\` uses it. The backoff stays the same, so ${MAX_ATTEMPTS_CEILING} attempts span about 85 minutes.`,
  });

export const WEBHOOK_TIMEOUT_MS = { min: 1_000, max: 60_000 } as const;
const timeoutMs = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(WEBHOOK_TIMEOUT_MS.min, `must be at least ${WEBHOOK_TIMEOUT_MS.min}`)
  .max(WEBHOOK_TIMEOUT_MS.max, `must be at most ${WEBHOOK_TIMEOUT_MS.max}`)
  .nullable()
  .meta({
    description: `How long its receiver has to answer, ${WEBHOOK_TIMEOUT_MS.min} to ${WEBHOOK_TIMEOUT_MS.max} ms, overriding \`DELIVERY_TIMEOUT_MS\`; \`null\` uses it.`,
  });

/**
 * A signing secret chosen by the caller instead of generated. Its form depends on the profile,
 * so the use case checks it (src/services/webhook-secrets.ts); here only its type and length.
 */
const suppliedSecret = z
  .string({ error: 'must be a string' })
  .max(CLIENT_SECRET_MAX_LENGTH, `must be at most ${CLIENT_SECRET_MAX_LENGTH} characters`)
  .meta({
    writeOnly: true,
    description: `The signing secret instead of a generated one. Under \`argyle\`: any 1 to ${CLIENT_SECRET_MAX_LENGTH} printable ASCII characters, and optional (without it, requests are unsigned). Under the other profiles: a Standard Webhooks secret, \`whsec_\` followed by standard base64 of ${SUPPLIED_SECRET_MIN_BYTES} to ${SUPPLIED_SECRET_MAX_BYTES} random bytes; a weaker one is refused.`,
  });

const ordering = z.enum(DELIVERY_ORDERINGS, { error: `must be one of ${DELIVERY_ORDERINGS.join(', ')}` }).meta({
  description:
    '`fifo`: its deliveries are attempted one at a time, in the order their events were accepted; while the head waits in backoff, the ones behind it wait. `none` (the default): side by side.',
});

/** Printable text without control characters: what may go into a header once encoded. */
const credentialText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters');

const endpointAuth = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('basic'),
      user: credentialText(256).min(1, 'must not be empty').regex(/^[^:]*$/, 'must not contain ":"'),
      password: credentialText(1024),
    }),
    z.strictObject({
      type: z.literal('bearer'),
      token: credentialText(4096).min(1, 'must not be empty').regex(/^[^\s]+$/, 'must not contain spaces'),
    }),
    z.strictObject({
      type: z.literal('oauth2_client_credentials'),
      token_url: webhookUrl.meta({ description: 'The token endpoint: held to the same rules as webhook URLs (SSRF policy, `HTTPS_ONLY`), reached through the egress proxy.' }),
      client_id: credentialText(256).min(1, 'must not be empty'),
      client_secret: credentialText(1024).min(1, 'must not be empty'),
      scope: credentialText(1024).optional(),
    }),
    z.strictObject({
      type: z.literal('mtls'),
      cert_pem: z.string().min(1, 'must not be empty').max(32_768, 'must be at most 32768 characters').meta({ description: 'The client certificate (and any intermediates), PEM.' }),
      key_pem: z.string().min(1, 'must not be empty').max(32_768, 'must be at most 32768 characters').meta({ description: 'Its private key, PEM, unencrypted.' }),
      ca_pem: z
        .string()
        .min(1, 'must not be empty')
        .max(65_536, 'must be at most 65536 characters')
        .optional()
        .meta({ description: "The receiver's CA certificate(s), PEM: only these may sign its certificate (pinned); without it, the system's trust store." }),
    }),
  ])
  .meta({
    description:
      'How the receiver authenticates the engine. `basic`: `Authorization: Basic` from `user` and `password`. `bearer`: `Authorization: Bearer <token>`. `oauth2_client_credentials`: a token fetched from `token_url` (client authenticated with HTTP Basic), cached until shortly before it expires, sent as a bearer token; a 401 fetches a new one and retries once. `mtls`: the worker presents `cert_pem`/`key_pem` in the TLS handshake, and trusts only `ca_pem` for the receiver when given. Stored encrypted; only `type` and the non-secret fields are ever shown. It replaces a custom `Authorization` header.',
  });

const webhookSettings = {
  auth: endpointAuth.nullable().optional(),
  config: payloadConfig.optional(),
  max_attempts: maxAttempts.optional(),
  timeout_ms: timeoutMs.optional(),
  ordering: ordering.optional(),
};

export const createWebhookBody = z.strictObject({
  ...webhookFields,
  headers: headers.optional(),
  profile: profileName.optional().meta({ description: 'Its profile; the tenant’s `default_profile` unless given.' }),
  custom_profile: customProfileSettings.optional(),
  signature: signatureScheme.optional(),
  ...webhookSettings,
  secret: suppliedSecret.optional(),
});

export const updateWebhookBody = z
  .strictObject({
    name: webhookFields.name.optional(),
    url: webhookFields.url.optional(),
    events: webhookFields.events.optional(),
    headers: webhookFields.headers.optional(),
    profile: profileName.optional(),
    custom_profile: customProfileSettings.optional(),
    signature: signatureScheme.optional(),
    ...webhookSettings,
  })
  .refine(
    (b) => Object.keys(b).length > 0,
    'must change at least one of name, url, events, headers, profile, custom_profile, signature, config, max_attempts, timeout_ms, ordering, auth',
  )
  .meta({ minProperties: 1, description: 'The fields to change; at least one.' });

export const listWebhooksQuery = z.strictObject({
  limit,
  cursor: cursor.optional(),
  ordering: z
    .enum(WEBHOOK_ORDERINGS, { error: `must be one of ${WEBHOOK_ORDERINGS.join(', ')}` })
    .default('-created_at')
    .meta({ description: '`-created_at` (newest first), `created_at` or `id`.' }),
  from_created_at_date: isoDate.optional().meta({ description: 'Created on or after (inclusive).' }),
  to_created_at_date: isoDate.optional().meta({ description: 'Created on or before (inclusive); a bare date means the whole day.' }),
});

export const recoverBody = z.strictObject({
  since: isoDate.meta({ description: 'Failed deliveries created from here (inclusive).' }),
  until: isoDate.optional().meta({ description: 'Up to here (exclusive); no upper bound when omitted.' }),
});

/** A rotation may name the new secret (it must fit the webhook's profile); without a body, one is generated. */
export const rotateSecretBody = z.strictObject({ secret: suppliedSecret.optional() });
