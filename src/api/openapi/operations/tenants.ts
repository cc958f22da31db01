import * as req from '../../schemas';
import * as res from '../../responses';
import type { OperationSpec } from './spec';
import { idParam } from './common';

/** Tenants, created with the admin key. */
export const TENANT_OPERATIONS: OperationSpec[] = [
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
    operationId: 'updateTenant',
    method: 'patch',
    path: '/v1/tenants/:id',
    summary: "Set a tenant's outbound proxy",
    description:
      "Every delivery of the tenant's webhooks then goes through this forward proxy (HTTP CONNECT) instead of `EGRESS_PROXY_URL`; `null` removes it. The URL is stored encrypted and never shown again: answers give its origin only.",
    tag: 'Admin',
    security: 'admin',
    params: idParam('tenant'),
    body: { schema: req.updateTenantBody, required: true },
    responses: { 200: { description: 'The tenant.', json: res.tenantResponse } },
    errors: [400, 401, 404, 413, 415, 422, 429, 503],
    errorNotes: {
      401: 'Not the admin key, or `ADMIN_API_KEY` is not set (`unauthorized`).',
      404: 'No such tenant (`not_found`).',
      422: 'Not an `http://` or `https://` proxy URL without path (`validation_failed`); the value is not repeated.',
    },
  },
];
