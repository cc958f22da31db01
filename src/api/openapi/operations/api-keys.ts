import * as req from '../../schemas';
import * as res from '../../responses';
import { TENANT, BY_ID, idParam } from './common';
import type { OperationSpec } from './spec';

/** The calling tenant's own API keys. */
export const API_KEY_OPERATIONS: OperationSpec[] = [
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
];
