import * as req from '../../schemas';
import * as res from '../../responses';
import { TENANT } from './common';
import type { OperationSpec } from './spec';

/** Portal links, and the session a portal page runs in. */
export const PORTAL_SESSION_OPERATIONS: OperationSpec[] = [
  {
    operationId: 'createPortalSession',
    method: 'post',
    path: '/v1/portal/sessions',
    summary: 'Create a portal link',
    description:
      'A single-use link to the webhook portal for the calling tenant: hand it to a user, or put it in an iframe. Opening it within `PORTAL_LINK_TTL_MS` (10 min) starts a session of `PORTAL_SESSION_TTL_MS` (1 h) in an HttpOnly cookie; a second opening gets the login page. The link is built on `PUBLIC_URL`; without it, on the API’s listen address outside production, and not at all in production (409 `public_url_required`). Never on the request’s `Host`. Needs an API key: a portal session cannot create links.',
    tag: 'Portal',
    security: 'tenant',
    body: { schema: req.createPortalSessionBody, required: false },
    responses: { 201: { description: 'The link and when it stops working.', json: res.portalLinkResponse } },
    errors: [...TENANT, 409, 422],
    errorNotes: { 409: '`public_url_required`: production without `PUBLIC_URL`, so there is no origin to build the link on.' },
  },
  {
    operationId: 'getPortalSession',
    method: 'get',
    path: '/v1/portal/session',
    summary: 'The portal’s own session',
    description: 'For the portal page: whose session it is, until when, and the CSRF token its changes must carry as `X-CSRF-Token`.',
    tag: 'Portal',
    security: 'session',
    responses: { 200: { description: 'The session.', json: res.portalSessionResponse } },
    errors: TENANT,
    errorNotes: { 401: 'No session, or it has ended (`unauthorized`).', 403: 'An API key has no portal session (`forbidden`).' },
  },
  {
    operationId: 'endPortalSession',
    method: 'delete',
    path: '/v1/portal/session',
    summary: 'Sign out of the portal',
    description: 'The session ends at once and its cookie is cleared.',
    tag: 'Portal',
    security: 'session',
    responses: { 204: { description: 'Signed out.', headers: { 'Set-Cookie': { description: 'Clears the session cookie.' } } } },
    errors: TENANT,
    errorNotes: { 403: 'An API key has no portal session (`forbidden`), or the CSRF check failed (`csrf_failed`).' },
  },
];
