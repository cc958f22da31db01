import * as res from '../../responses';
import type { OperationSpec } from './spec';

/** Liveness, readiness, metrics and the public signing keys. */
export const HEALTH_OPERATIONS: OperationSpec[] = [
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
];
