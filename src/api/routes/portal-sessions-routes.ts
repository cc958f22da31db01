import { apiRouter } from '../router';
import type { Context, DefaultState } from 'koa';
import type { Pool } from 'pg';
import { ConflictError, ForbiddenError } from '../../errors';
import { DEFAULT_PORTAL_OPTIONS, type PortalOptions } from '../../portal/portal-options';
import { clearedSessionCookie } from '../../portal/session-cookie';
import { createPortalLink, endPortalSession } from '../../services/manage-portal-sessions';
import type { PortalSessionResponse } from '../responses/portal-sessions';
import { createPortalSessionBody } from '../schemas/portal-sessions';
import { validate } from '../validate';
import { cookieOptions } from './portal-pages-routes';

function portalSessionOf(ctx: Context) {
  const session = ctx.state.portalSession;
  if (!session) throw new ForbiddenError('Only a portal session has a session: open a portal link in a browser');
  return session;
}

/**
 * `POST /v1/portal/sessions`: a tenant's backend, with its API key, asks for
 * a portal link. `GET|DELETE /v1/portal/session`: the portal page reads its
 * session (and its CSRF token), or signs out.
 */
export function portalSessionsRoutes(deps: { pool: Pool; portal?: PortalOptions }) {
  const portal = () => deps.portal ?? DEFAULT_PORTAL_OPTIONS;
  const router = apiRouter<DefaultState>();

  router.post('/portal/sessions', async (ctx) => {
    // A session cannot extend itself by minting links; only an API key can.
    if (ctx.state.portalSession) throw new ForbiddenError('A portal session cannot create portal links; use an API key');
    const body = validate(createPortalSessionBody, ctx.request.body === undefined ? {} : ctx.request.body, 'body');
    // Built on configuration only: a link on the request's Host would go wherever its sender said.
    const base = portal().linkOrigin;
    if (!base) throw new ConflictError('Portal links need PUBLIC_URL, the origin people reach the API at', 'public_url_required');
    const link = await createPortalLink(deps.pool, ctx.state.tenant, {
      linkTtlMs: portal().linkTtlMs,
      readOnly: body.read_only ?? false,
      creatorKeyId: ctx.state.apiKeyId,
    });
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { url: `${base}/portal/login?token=${link.token}`, expires_at: link.expiresAt.toISOString() };
  });

  router.get('/portal/session', (ctx) => {
    const session = portalSessionOf(ctx);
    const { tenant } = ctx.state;
    ctx.set('Cache-Control', 'no-store');
    const body: PortalSessionResponse = {
      tenant: { name: tenant.name, client_id: tenant.clientId },
      expires_at: session.expiresAt.toISOString(),
      read_only: session.readOnly,
      csrf_token: session.csrfToken,
      temporal_ui: portal().temporalUi ? { ...portal().temporalUi! } : null,
    };
    ctx.body = body;
  });

  router.delete('/portal/session', async (ctx) => {
    const session = portalSessionOf(ctx);
    await endPortalSession(deps.pool, session.id);
    ctx.append('Set-Cookie', clearedSessionCookie(cookieOptions(ctx, portal())));
    ctx.status = 204;
  });

  return router;
}
