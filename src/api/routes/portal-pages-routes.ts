import { apiRouter } from '../router';
import type { Context } from 'koa';
import type { Pool } from 'pg';
import { PortalAssets } from '../../portal/portal-assets';
import { DEFAULT_PORTAL_OPTIONS, type PortalOptions } from '../../portal/portal-options';
import { PORTAL_TOKEN_PATTERN } from '../../portal/portal-tokens';
import { portalSecurityHeaders } from '../../portal/security-headers';
import { sessionCookie, type CookieOptions } from '../../portal/session-cookie';
import { openPortalSession } from '../../services/manage-portal-sessions';

/** The portal's session cookie is `Secure` whenever the portal is reached over https. */
export function cookieOptions(ctx: Context, portal: PortalOptions): CookieOptions {
  return { sameSite: portal.cookieSameSite, secure: ctx.secure || Boolean(portal.publicUrl?.startsWith('https:')) };
}

/**
 * The webhook portal for people: its page, its files, and the login link
 * that starts a session. No API key: the page's own requests to `/v1` carry
 * the session cookie.
 */
export function portalPagesRoutes(deps: { pool: Pool; portal?: PortalOptions; assets?: PortalAssets }) {
  const portal = () => deps.portal ?? DEFAULT_PORTAL_OPTIONS;
  let assets = deps.assets;
  const files = () => (assets ??= new PortalAssets());
  const router = apiRouter();
  router.use(portalSecurityHeaders(() => portal().frameAncestors));

  router.get('/portal', (ctx) => {
    const page = files().page('index.html');
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = page.type;
    ctx.body = page.body;
  });

  /**
   * Opens a portal link: the token is spent, the session cookie set, and the
   * browser sent on to the portal. A link that is used, expired or unknown
   * gets the page that says to ask for a new one.
   */
  router.get('/portal/login', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const token = typeof ctx.query.token === 'string' && PORTAL_TOKEN_PATTERN.test(ctx.query.token) ? ctx.query.token : undefined;
    const opened = token ? await openPortalSession(deps.pool, token, portal()) : undefined;
    if (!opened) {
      const page = files().page('signed-out.html');
      ctx.status = 401;
      ctx.type = page.type;
      ctx.body = page.body;
      return;
    }
    ctx.append('Set-Cookie', sessionCookie(opened.secret, Math.floor(portal().sessionTtlMs / 1000), cookieOptions(ctx, portal())));
    ctx.status = 303;
    ctx.set('Location', '/portal');
  });

  router.get('/portal/assets/:asset', (ctx) => {
    const file = files().asset(ctx.params.asset ?? '');
    if (!file) return; // the error middleware answers 404
    // Revalidated on every load, so a new version of the engine never meets stale scripts.
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = file.type;
    ctx.body = file.body;
  });

  return router;
}
