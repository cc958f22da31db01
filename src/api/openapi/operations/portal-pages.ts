import { z } from 'zod';
import { PORTAL_ASSET_PATTERN } from '../../../portal/portal-assets';
import type { OperationSpec } from './spec';

/** The portal page, the link that signs into it, and its files. */
export const PORTAL_PAGE_OPERATIONS: OperationSpec[] = [
  {
    operationId: 'getPortal',
    method: 'get',
    path: '/portal',
    summary: 'The webhook portal',
    description:
      'The portal page. It signs in with the session cookie that a portal link sets; without one it shows how to get a new link. Served with a strict Content-Security-Policy (`frame-ancestors` from `PORTAL_FRAME_ANCESTORS`).',
    tag: 'Portal',
    security: 'none',
    responses: { 200: { description: 'An HTML page.', media: { 'text/html': { schema: { type: 'string' } } } } },
    errors: [],
  },
  {
    operationId: 'openPortalLink',
    method: 'get',
    path: '/portal/login',
    summary: 'Open a portal link',
    description:
      'The link `POST /v1/portal/sessions` returns, `/portal/login?token=<token>`. Spends the token, sets the session cookie (HttpOnly, SameSite, `Secure` over https) and redirects to `/portal`. A page for people: whatever is wrong with the link, the answer is the page that says to ask for a new one.',
    tag: 'Portal',
    security: 'none',
    responses: {
      303: {
        description: 'Signed in: on to the portal.',
        headers: { Location: { description: '`/portal`' }, 'Set-Cookie': { description: 'The session cookie, `hookline_portal`.' } },
      },
      401: {
        description: 'The link was used already, has expired or is unknown: a page that says to ask for a new one.',
        media: { 'text/html': { schema: { type: 'string' } } },
      },
    },
    errors: [503],
  },
  {
    operationId: 'getPortalAsset',
    method: 'get',
    path: '/portal/assets/:asset',
    summary: 'A file of the portal',
    tag: 'Portal',
    security: 'none',
    params: { asset: { description: 'A script, style sheet or image of the portal.', schema: z.string().regex(PORTAL_ASSET_PATTERN) } },
    responses: {
      200: {
        description: 'The file.',
        media: {
          'text/javascript': { schema: { type: 'string' } },
          'text/css': { schema: { type: 'string' } },
          'image/svg+xml': { schema: { type: 'string' } },
        },
      },
    },
    errors: [404],
  },
];
