import { ACCOUNT_OPERATIONS } from './accounts';
import { API_KEY_OPERATIONS } from './api-keys';
import { DELIVERY_OPERATIONS } from './deliveries';
import { EVENT_TYPE_OPERATIONS } from './event-types';
import { EVENT_OPERATIONS } from './events';
import { HEALTH_OPERATIONS } from './health';
import { PORTAL_INSIGHT_OPERATIONS } from './portal-insights';
import { PORTAL_PAGE_OPERATIONS } from './portal-pages';
import { PORTAL_SESSION_OPERATIONS } from './portal-sessions';
import { REFERENCE_OPERATIONS } from './reference';
import { SIGNING_KEY_OPERATIONS } from './signing-keys';
import type { OperationSpec } from './spec';
import { TENANT_OPERATIONS } from './tenants';
import { WEBHOOK_OPERATIONS } from './webhooks';

export { TAGS, type Tag } from './tags';
export type { ErrorStatus, HeaderSpec, HttpMethod, OperationSpec, ParamSpec, ResponseSpec, Security } from './spec';

/**
 * Every route of the API, once: what `../document.ts` turns into the OpenAPI
 * document, one module per resource, in the order the document lists them.
 * Request bodies and query parameters are the zod schemas the routes
 * validate with; responses are the schemas of `../../responses/`. A route
 * added to the app without an entry here fails
 * `test/unit/openapi-routes.test.ts`; a response that does not match its
 * entry fails the API test suite that received it.
 */
export const OPERATIONS: OperationSpec[] = [
  ...HEALTH_OPERATIONS,
  ...REFERENCE_OPERATIONS,
  ...TENANT_OPERATIONS,
  ...SIGNING_KEY_OPERATIONS,
  ...WEBHOOK_OPERATIONS,
  ...EVENT_OPERATIONS,
  ...DELIVERY_OPERATIONS,
  ...ACCOUNT_OPERATIONS,
  ...API_KEY_OPERATIONS,
  ...EVENT_TYPE_OPERATIONS,
  ...PORTAL_SESSION_OPERATIONS,
  ...PORTAL_INSIGHT_OPERATIONS,
  ...PORTAL_PAGE_OPERATIONS,
];
