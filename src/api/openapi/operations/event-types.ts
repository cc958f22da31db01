import * as req from '../../schemas';
import * as res from '../../responses';
import { TENANT, BY_ID } from './common';
import type { OperationSpec } from './spec';

/** The event catalogue, and the tenant's settings: strict event types and the default profile. */
export const EVENT_TYPE_OPERATIONS: OperationSpec[] = [
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
      '`strict_event_types: true` refuses events whose type is not in the catalogue. `default_profile` is the profile of webhooks created without one; existing webhooks keep theirs. `retention_days` (1 to 3650, `null` for `RETENTION_DAYS`) is how long finished deliveries, their attempts and events are kept (see Data retention). Only the settings given change.',
    tag: 'Event types',
    security: 'tenant',
    body: { schema: req.updateSettingsBody, required: true },
    responses: { 200: { description: 'The settings.', json: res.settingsResponse } },
    errors: [...TENANT, 422],
  },
];
