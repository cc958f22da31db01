import * as req from '../../schemas';
import * as res from '../../responses';
import type { OperationSpec } from './spec';

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
];
