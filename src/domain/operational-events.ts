import { WebhookStatus } from './statuses';

/**
 * Operational events: the engine's events about a tenant's own webhooks and
 * deliveries. Built-in types in the catalogue, published through the same
 * outbox as any event, to the webhooks of the tenant concerned that name them
 * (or a prefix wildcard such as `webhook.*`): `*` does not take them.
 */
export const OPERATIONAL_EVENT_TYPES = [
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.disabled',
  'webhook.enabled',
  'delivery.exhausted',
  'delivery.recovered',
] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

export const isOperationalEventType = (type: string): type is OperationalEventType =>
  (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(type);

/**
 * Whether a subscription entry takes operational events only (`webhook.disabled`, `delivery.*`).
 * `webhook.*` also matches `webhook.test`, which is only ever sent to one chosen webhook.
 */
export const isOperationalSubscription = (entry: string): boolean =>
  isOperationalEventType(entry) || entry === 'webhook.*' || entry === 'delivery.*';

/** Why a webhook was disabled: auto-disable's threshold, a 410 Gone answer, or by hand (API, signal, operator). */
export type DisableKind = 'automatic' | 'gone' | 'manual';

/** Reads the kind from the reason the webhook's controller gives (workflows/webhook-controller-workflow.ts). */
export function disableKindOf(reason: string | null | undefined): DisableKind {
  if (reason === 'the receiver answered 410 Gone') return 'gone';
  if (reason && /^\d+ failed attempts within \d+(\.\d+)? s$/.test(reason)) return 'automatic';
  return 'manual';
}

const dateTime = { type: 'string', format: 'date-time' } as const;
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

/** What every operational event tells of the webhook concerned; never its secret or header values. */
const webhookSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'url', 'status', 'events', 'disabled_reason', 'disabled_at', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    url: { type: 'string' },
    status: { enum: Object.values(WebhookStatus) },
    events: { type: 'array', items: { type: 'string' } },
    disabled_reason: nullable({ type: 'string' }),
    disabled_at: nullable(dateTime),
    created_at: dateTime,
    updated_at: dateTime,
  },
};

const object = (required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

/** The JSON Schema of each operational event's `data`. */
export const OPERATIONAL_EVENT_SCHEMAS: Record<OperationalEventType, { description: string; schema: Record<string, unknown> }> = {
  'webhook.created': {
    description: 'A webhook was created (operational event).',
    schema: object(['webhook'], { webhook: webhookSchema }),
  },
  'webhook.updated': {
    description: 'A webhook was changed through PATCH, with the names of the fields given (operational event).',
    schema: object(['webhook', 'changed'], { webhook: webhookSchema, changed: { type: 'array', items: { type: 'string' } } }),
  },
  'webhook.deleted': {
    description: 'A webhook was deleted (operational event).',
    schema: object(['webhook', 'deleted_at'], { webhook: webhookSchema, deleted_at: dateTime }),
  },
  'webhook.disabled': {
    description: 'A webhook was disabled: automatically (auto-disable threshold), after a 410 Gone, or by hand (operational event).',
    schema: object(['webhook', 'reason', 'kind', 'disabled_at'], {
      webhook: webhookSchema,
      reason: { type: 'string' },
      kind: { enum: ['automatic', 'gone', 'manual'] },
      disabled_at: dateTime,
    }),
  },
  'webhook.enabled': {
    description: 'A disabled (or paused) webhook was enabled (operational event).',
    schema: object(['webhook', 'enabled_at'], { webhook: webhookSchema, enabled_at: dateTime }),
  },
  'delivery.exhausted': {
    description: 'A delivery ended failed: its attempts ran out or the receiver refused it; with the last attempt’s status code and error (operational event).',
    schema: object(['webhook', 'delivery'], {
      webhook: webhookSchema,
      delivery: object(['id', 'event_id', 'event_type', 'attempts', 'last_status_code', 'last_error', 'created_at', 'failed_at'], {
        id: { type: 'string', format: 'uuid' },
        event_id: { type: 'string', format: 'uuid' },
        event_type: { type: 'string' },
        attempts: { type: 'integer', minimum: 0 },
        last_status_code: nullable({ type: 'integer' }),
        last_error: nullable({ type: 'string' }),
        created_at: dateTime,
        failed_at: dateTime,
      }),
    }),
  },
  'delivery.recovered': {
    description:
      'A webhook delivered successfully again: the first delivery to succeed after one or more of its deliveries in a row ended failed (operational event).',
    schema: object(['webhook', 'delivery', 'failed_deliveries'], {
      webhook: webhookSchema,
      delivery: object(['id', 'event_id', 'event_type', 'attempts', 'status_code', 'succeeded_at'], {
        id: { type: 'string', format: 'uuid' },
        event_id: { type: 'string', format: 'uuid' },
        event_type: { type: 'string' },
        attempts: { type: 'integer', minimum: 1 },
        status_code: { type: 'integer' },
        succeeded_at: dateTime,
      }),
      failed_deliveries: { type: 'integer', minimum: 1 },
    }),
  },
};
