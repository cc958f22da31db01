/**
 * Request shapes, defined once, one module per resource. Objects are strict:
 * an unknown field is an error with its name, not something silently dropped.
 */
export { createAccountBody, createUserBody, listAccountsQuery } from './accounts';
export { listDeliveriesQuery } from './deliveries';
export { createEventTypeBody, EVENT_TYPE_PATTERN, eventSelector, eventType, PREFIX_WILDCARD_PATTERN, updateEventTypeBody } from './event-types';
export { publishEventBody } from './events';
export { noQuery, profileName, uuid } from './fields';
export { deliveryRequestQuery, statsQuery } from './portal-insights';
export { createPortalSessionBody } from './portal-sessions';
export { updateSettingsBody } from './settings';
export { createApiKeyBody, createTenantBody, updateTenantBody } from './tenants';
export {
  createWebhookBody,
  listWebhooksQuery,
  MAX_ATTEMPTS_CEILING,
  MAX_PAYLOAD_FIELDS,
  recoverBody,
  rotateSecretBody,
  updateWebhookBody,
  WEBHOOK_TIMEOUT_MS,
} from './webhooks';
