import { WEBHOOK_ACTIONS, type WebhookAction } from '../../../domain/webhook-state';
import * as req from '../../schemas';
import * as res from '../../responses';
import { TENANT, BY_ID, idParam, created, temporalDown } from './common';
import type { OperationSpec } from './spec';

const webhookActions: Record<WebhookAction, { summary: string; description: string }> = {
  pause: {
    summary: 'Pause a webhook',
    description:
      'Holds its deliveries: new ones, those in a retry backoff and those about to be attempted. The change goes through the webhook’s controller workflow, like the `pause` signal.',
  },
  resume: {
    summary: 'Resume a webhook',
    description: 'Releases held deliveries one by one, in the order their events were created; retries keep their place in the schedule.',
  },
  disable: {
    summary: 'Disable a webhook',
    description: 'Pending deliveries end as `cancelled` and new events skip it. `disabled_reason` and `disabled_at` say why and when.',
  },
  enable: { summary: 'Enable a webhook', description: 'Active again, its failure count reset.' },
};

const invalidState = 'The action does not fit the current state (`invalid_state`).';

/** Webhooks: the endpoints, their state actions, recovery, test events and secrets. */
export const WEBHOOK_OPERATIONS: OperationSpec[] = [
  {
    operationId: 'createWebhook',
    method: 'post',
    path: '/v1/webhooks',
    summary: 'Create a webhook',
    description:
      'Registers an endpoint. The signing secret (the one supplied as `secret`, or a generated one) appears in this response only: keep it. `profile` (else the tenant’s `default_profile`) picks the wire format and delivery rules: `standard`, `assetsup`, `argyle`, `assets-server` or `asset`. `signature` applies under `standard` and `assets-server` only. Under `argyle` the secret is optional: without one, requests are unsigned and `secret` is `null`. Under `asset` requests are signed with the engine’s key (the secret is unused) and the `url` must be https unless the engine runs in development.',
    tag: 'Webhooks',
    security: 'tenant',
    body: { schema: req.createWebhookBody, required: true },
    responses: { 201: { description: 'The webhook and its `secret`.', json: res.webhookCreatedResponse, headers: created('webhook') } },
    errors: [...TENANT, 422],
    errorNotes: {
      422: 'A field is invalid, the profile is unknown (the message lists the names), `signature` is given under a profile with its own format, a supplied `secret` does not fit the profile, or the URL points where webhooks may not (`validation_failed`).',
    },
  },
  {
    operationId: 'listWebhooks',
    method: 'get',
    path: '/v1/webhooks',
    summary: 'List webhooks',
    tag: 'Webhooks',
    security: 'tenant',
    query: req.listWebhooksQuery,
    responses: { 200: { description: 'A page of webhooks.', json: res.webhookPageResponse } },
    errors: [...TENANT, 422],
  },
  {
    operationId: 'getWebhook',
    method: 'get',
    path: '/v1/webhooks/:id',
    summary: 'Get a webhook',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    responses: { 200: { description: 'The webhook.', json: res.webhookResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'updateWebhook',
    method: 'patch',
    path: '/v1/webhooks/:id',
    summary: 'Change a webhook',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    body: { schema: req.updateWebhookBody, required: true },
    responses: { 200: { description: 'The changed webhook.', json: res.webhookResponse } },
    errors: [...TENANT, ...BY_ID, 422],
    errorNotes: {
      422: 'A field is invalid, the profile is unknown (the message lists the names), `signature` is given under a profile with its own format, or the current secret cannot sign under the new profile (`validation_failed`: rotate it first).',
    },
  },
  {
    operationId: 'deleteWebhook',
    method: 'delete',
    path: '/v1/webhooks/:id',
    summary: 'Delete a webhook',
    description: 'Its history stays, and its pending deliveries end as `cancelled`.',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    responses: { 204: { description: 'Deleted.' } },
    errors: [...TENANT, ...BY_ID],
  },
  ...WEBHOOK_ACTIONS.map(
    (action): OperationSpec => ({
      operationId: `${action}Webhook`,
      method: 'post',
      path: `/v1/webhooks/:id/${action}`,
      ...webhookActions[action],
      tag: 'Webhooks',
      security: 'tenant',
      params: idParam('webhook'),
      responses: { 200: { description: 'The webhook in its new state.', json: res.webhookResponse } },
      errors: [...TENANT, ...BY_ID, 409],
      errorNotes: { 409: invalidState, 503: temporalDown },
    }),
  ),
  {
    operationId: 'recoverWebhookDeliveries',
    method: 'post',
    path: '/v1/webhooks/:id/recover',
    summary: 'Re-send failed deliveries',
    description: 'Sends again every `failed` delivery of the webhook created in the range.',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    body: { schema: req.recoverBody, required: true },
    responses: { 202: { description: 'How many deliveries were sent again, and which.', json: res.recoveryResponse } },
    errors: [...TENANT, ...BY_ID, 409, 422],
    errorNotes: { 409: 'The webhook is disabled (`invalid_state`).' },
  },
  {
    operationId: 'sendTestEvent',
    method: 'post',
    path: '/v1/webhooks/:id/test',
    summary: 'Send a test event',
    description: 'Sends a `webhook.test` event to this webhook only, through the same workflow path as any event.',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    responses: { 202: { description: 'The test event and its delivery.', json: res.eventResponse } },
    errors: [...TENANT, ...BY_ID],
  },
  {
    operationId: 'rotateWebhookSecret',
    method: 'post',
    path: '/v1/webhooks/:id/secret/rotate',
    summary: 'Rotate a webhook’s signing secret',
    description:
      'A new signing secret, shown this once: generated, or `secret` from the body, which must fit the webhook’s profile as at creation. The old secret keeps signing beside it until `previous_secret_expires_at` (`SECRET_ROTATION_GRACE_MS`), each in the profile’s own header.',
    tag: 'Webhooks',
    security: 'tenant',
    params: idParam('webhook'),
    body: { schema: req.rotateSecretBody, required: false },
    responses: { 200: { description: 'The new secret.', json: res.secretRotationResponse } },
    errors: [...TENANT, ...BY_ID, 422],
  },
];
