import { z } from 'zod';
import { SIGNATURE_SCHEMES } from '../crypto/signature-schemes';
import { DELIVERY_STATUSES } from '../domain/statuses';
import { DEMO_OUTCOMES, PROVIDERS } from '../domain/account-sync';
import { WEBHOOK_ORDERINGS } from '../repositories/webhooks-repository';

/**
 * Request shapes, defined once. Objects are strict: an unknown field is an
 * error with its name, not something silently dropped.
 */

/** Event type names: letters, digits, ".", "_" and "-", e.g. `accounts.updated`, `PLAID_ACCOUNT_CONNECTED`. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const eventType = z.string().regex(EVENT_TYPE_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-"');
export const eventSelector = z.union([z.literal('*'), eventType], {
  error: 'must be "*" or an event type of 1-128 letters, digits, ".", "_" or "-"',
});

export const uuid = z.uuid({ error: 'must be a UUID' });

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

/** Headers the engine sets itself; a webhook may not override them. */
export const RESERVED_HEADERS = [
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'x-client-id',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'webhook-key-id',
  'x-webhook-signature',
  'connection',
  'transfer-encoding',
  'te',
  'upgrade',
  'keep-alive',
  'expect',
];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MAX_HEADERS = 50;

const headers = z.record(z.string(), z.string({ error: 'must be a string' })).superRefine((record, ctx) => {
  const names = Object.keys(record);
  if (names.length > MAX_HEADERS) ctx.addIssue({ code: 'custom', message: `may hold at most ${MAX_HEADERS} headers` });
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(record)) {
    const lower = name.toLowerCase();
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
  description: `Custom headers sent with each request: at most ${MAX_HEADERS}, values of at most 4096 characters without line breaks. Headers the engine sets (${RESERVED_HEADERS.join(', ')}) cannot be overridden.`,
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

export const createWebhookBody = z.strictObject({ ...webhookFields, headers: headers.optional(), signature: signatureScheme.optional() });
export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

export const updateWebhookBody = z
  .strictObject({
    name: webhookFields.name.optional(),
    url: webhookFields.url.optional(),
    events: webhookFields.events.optional(),
    headers: webhookFields.headers.optional(),
    signature: signatureScheme.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one of name, url, events, headers, signature')
  .meta({ minProperties: 1, description: 'The fields to change; at least one.' });
export type UpdateWebhookBody = z.infer<typeof updateWebhookBody>;

const isoDate = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z',
  })
  .meta({ description: 'An ISO 8601 date or date-time, e.g. `2026-01-31` or `2026-01-31T12:00:00Z`.' });

const limit = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(200, 'must be at most 200')
  .default(10)
  .meta({ description: 'Results per page.' });
const cursor = z.string().meta({ description: 'The `next_cursor` of the previous page.' });

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

export const listDeliveriesQuery = z.strictObject({
  limit,
  cursor: cursor.optional(),
  webhook_id: uuid.optional().meta({ description: 'Only the deliveries to this webhook.' }),
  event_id: uuid.optional().meta({ description: 'Only the deliveries of this event.' }),
  status: z
    .enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(', ')}` })
    .optional()
    .meta({ description: 'Only the deliveries in this status.' }),
});

export const publishEventBody = z.strictObject({
  type: eventType,
  data: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).meta({ description: 'The payload, sent as `data` in the envelope.' }),
  idempotency_key: z
    .string()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters')
    .optional()
    .meta({ description: 'Repeating it returns the first event and sends nothing twice; reusing it for a different event is a 409.' }),
});
export type PublishEventBody = z.infer<typeof publishEventBody>;

export const recoverBody = z.strictObject({
  since: isoDate.meta({ description: 'Failed deliveries created from here (inclusive).' }),
  until: isoDate.optional().meta({ description: 'Up to here (exclusive); no upper bound when omitted.' }),
});

export const createUserBody = z.strictObject({
  login_name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

export const createAccountBody = z.strictObject({
  user_id: uuid,
  provider: z.enum(PROVIDERS, { error: `must be one of: ${PROVIDERS.join(', ')}` }),
  demo: z
    .strictObject({
      outcomes: z
        .array(z.enum(DEMO_OUTCOMES, { error: `must be one of ${DEMO_OUTCOMES.join(', ')}` }))
        .min(1, 'must list at least one outcome')
        .max(100, 'may list at most 100 outcomes'),
    })
    .optional(),
});

export const listAccountsQuery = z.strictObject({
  user_id: uuid.optional().meta({ description: "Only this user's accounts." }),
  limit,
  cursor: cursor.optional(),
});

export const createTenantBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  client_id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
    .optional()
    .meta({ description: 'Sent to receivers as `x-client-id`; a random `client_...` when omitted.' }),
});

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
});

/** For lists that take no parameters: an unknown one is refused like everywhere else. */
export const noQuery = z.strictObject({});
