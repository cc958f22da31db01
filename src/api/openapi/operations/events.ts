import * as req from '../../schemas';
import * as res from '../../responses';
import { TENANT, BY_ID, idParam } from './common';
import type { OperationSpec } from './spec';

/** Publishing an event, and reading it back with its deliveries. */
export const EVENT_OPERATIONS: OperationSpec[] = [
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
  {
    operationId: 'eraseEventPayload',
    method: 'delete',
    path: '/v1/events/:id/payload',
    summary: 'Erase an event’s payload',
    description:
      'For erasure requests ("expunge content"): erases the event’s `data`, the bodies its deliveries stored and sent (`request_body`) and the receivers’ stored answers (`response_body`). Ids, type, times, statuses, status codes and errors stay; `GET /v1/events/:id` then shows `data: null` and `payload_erased_at`. Deliveries still pending end as `cancelled` and are never sent. Idempotent: a second call is a `204` too.',
    tag: 'Events',
    security: 'tenant',
    params: idParam('event'),
    responses: { 204: { description: 'Erased (or already erased).' } },
    errors: [...TENANT, ...BY_ID],
  },
];
