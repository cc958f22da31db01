/**
 * Response shapes, defined once, one module per resource. The view functions
 * that build them are typed from these (`z.infer`), the OpenAPI document is
 * generated from them, and the API test suites check every response against
 * that document.
 *
 * Objects are strict: a field that a view adds without adding it here is a
 * contract violation, not something the document silently leaves out.
 */
import { accountPageResponse, accountResponse, syncStartedResponse, userResponse } from './accounts';
import { attemptResponse, deliveryDetailResponse, deliveryPageResponse, deliveryResponse } from './deliveries';
import { errorResponse } from './errors';
import { eventTypeListResponse, eventTypeResponse } from './event-types';
import { eventDeliveryResponse, eventResponse } from './events';
import { healthResponse, notReadyResponse, readyResponse } from './health';
import { deliveryRequestResponse, deliveryStatsResponse, webhookStatsResponse } from './portal-insights';
import { portalLinkResponse, portalSessionResponse } from './portal-sessions';
import { settingsResponse } from './settings';
import { jwksResponse, signingKeyRotationResponse } from './signing-keys';
import { apiKeyCreatedResponse, apiKeyListResponse, apiKeyResponse, tenantCreatedResponse, tenantResponse } from './tenants';
import { recoveryResponse, secretRotationResponse, webhookCreatedResponse, webhookPageResponse, webhookResponse } from './webhooks';

export * from './accounts';
export * from './deliveries';
export * from './errors';
export * from './event-types';
export * from './events';
export * from './health';
export * from './pages';
export * from './portal-insights';
export * from './portal-sessions';
export * from './settings';
export * from './signing-keys';
export * from './tenants';
export * from './webhooks';

/** The named shapes: each is one entry of `components.schemas`, referenced wherever it appears. */
export const RESPONSE_SCHEMAS = {
  Error: errorResponse,
  Webhook: webhookResponse,
  WebhookCreated: webhookCreatedResponse,
  WebhookPage: webhookPageResponse,
  SecretRotation: secretRotationResponse,
  Recovery: recoveryResponse,
  Event: eventResponse,
  EventDelivery: eventDeliveryResponse,
  Delivery: deliveryResponse,
  DeliveryDetail: deliveryDetailResponse,
  DeliveryPage: deliveryPageResponse,
  Attempt: attemptResponse,
  User: userResponse,
  Account: accountResponse,
  AccountPage: accountPageResponse,
  SyncStarted: syncStartedResponse,
  ApiKey: apiKeyResponse,
  ApiKeyCreated: apiKeyCreatedResponse,
  ApiKeyList: apiKeyListResponse,
  TenantCreated: tenantCreatedResponse,
  Tenant: tenantResponse,
  SigningKeyRotation: signingKeyRotationResponse,
  Jwks: jwksResponse,
  EventType: eventTypeResponse,
  EventTypeList: eventTypeListResponse,
  Settings: settingsResponse,
  PortalLink: portalLinkResponse,
  PortalSession: portalSessionResponse,
  WebhookStats: webhookStatsResponse,
  DeliveryStats: deliveryStatsResponse,
  DeliveryRequest: deliveryRequestResponse,
  Health: healthResponse,
  Ready: readyResponse,
  NotReady: notReadyResponse,
} as const;
