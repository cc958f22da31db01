import { SYNC_ERRORS } from './account-sync';
import { OPERATIONAL_EVENT_SCHEMAS, OPERATIONAL_EVENT_TYPES } from './operational-events';

/** An event type as the catalogue shows it. */
export interface EventTypeDefinition {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the event's `data`; null accepts any JSON object. */
  schema: Record<string, unknown> | null;
  deprecated: boolean;
  builtin: boolean;
}

const syncBody = (hook: 'SyncAccount' | 'SyncError') => ({
  type: 'object',
  additionalProperties: false,
  required: hook === 'SyncError' ? ['hook', 'user', 'account', 'error'] : ['hook', 'user', 'account'],
  properties: {
    hook: { const: hook },
    user: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'loginName'],
      properties: { id: { type: 'string' }, loginName: { type: 'string' } },
    },
    account: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'provider'],
      properties: { id: { type: 'string' }, provider: { type: 'string' } },
    },
    ...(hook === 'SyncError' ? { error: { enum: [...SYNC_ERRORS] } } : {}),
  },
});

/** The engine's own events, with the exact schemas of the contracts they come from; every tenant has them and none can change them. */
export const BUILTIN_EVENT_TYPES: readonly EventTypeDefinition[] = [
  {
    name: 'webhook.test',
    description: 'Sent by POST /v1/webhooks/:id/test to that webhook alone (AssetsUp’s test payload).',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['webhook_id', 'message'],
      properties: { webhook_id: { type: 'string', format: 'uuid' }, message: { type: 'string' } },
    },
    deprecated: false,
    builtin: true,
  },
  {
    name: 'SyncAccount',
    description: 'An account synced successfully (the SyncAccount/SyncError contract). Sent bare: the body is exactly this object.',
    schema: syncBody('SyncAccount'),
    deprecated: false,
    builtin: true,
  },
  {
    name: 'SyncError',
    description: 'An account failed to sync (the SyncAccount/SyncError contract), with the error type. Sent bare: the body is exactly this object.',
    schema: syncBody('SyncError'),
    deprecated: false,
    builtin: true,
  },
  // Operational events (src/domain/operational-events.ts): the engine's own, tenants cannot publish them.
  ...OPERATIONAL_EVENT_TYPES.map((name) => ({ name, ...OPERATIONAL_EVENT_SCHEMAS[name], deprecated: false, builtin: true })),
];

export const builtinEventType = (name: string) => BUILTIN_EVENT_TYPES.find((t) => t.name === name);
