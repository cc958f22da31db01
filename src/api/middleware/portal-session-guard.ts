import type { Middleware } from 'koa';
import { ForbiddenError } from '../../errors';
import { sameToken } from '../../portal/portal-tokens';
import { requestOrigin } from '../../portal/request-origin';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * What a portal session may reach: its webhooks, their deliveries, the
 * events and event types behind them, the statistics, and its own session.
 * Anything else (API keys, new portal links, accounts, settings, publishing)
 * needs an API key. An allowlist, so a route added later stays closed to
 * portal sessions until it is listed here. Matched case-insensitively and
 * with an optional trailing slash, as the router matches.
 */
const PORTAL_ROUTES: ReadonlyArray<{ methods: 'read' | 'any'; path: RegExp }> = [
  { methods: 'any', path: /^\/v1\/webhooks(\/.*)?$/i },
  { methods: 'any', path: /^\/v1\/deliveries(\/.*)?$/i },
  { methods: 'read', path: /^\/v1\/events\/[^/]+\/?$/i },
  { methods: 'read', path: /^\/v1\/event-types(\/[^/]+)?\/?$/i },
  { methods: 'read', path: /^\/v1\/stats\/[^/]+\/?$/i },
  { methods: 'any', path: /^\/v1\/portal\/session\/?$/i },
];

const SIGN_OUT = /^\/v1\/portal\/session\/?$/i;

/**
 * Requests authenticated by a portal session cookie: only the portal's
 * routes, nothing but reads for a read-only session, and every state change
 * protected against cross-site request forgery twice over: the session's
 * CSRF token in `X-CSRF-Token`, and an `Origin` (or, without one,
 * `Sec-Fetch-Site`) that says the request came from the portal's own origin.
 * Requests with an API key pass untouched.
 */
export function portalSessionGuard(opts: { publicUrl?: string }): Middleware {
  const publicOrigin = opts.publicUrl ? new URL(opts.publicUrl).origin : undefined;
  return async (ctx, next) => {
    const session = ctx.state.portalSession;
    if (!session) return next();
    const safe = SAFE_METHODS.has(ctx.method);
    const route = PORTAL_ROUTES.find((r) => r.path.test(ctx.path));
    if (!route || (route.methods === 'read' && !safe)) {
      throw new ForbiddenError(`A portal session cannot ${ctx.method} ${ctx.path}; use an API key`);
    }
    if (safe) return next();
    if (session.readOnly && !SIGN_OUT.test(ctx.path)) throw new ForbiddenError('This portal session is read-only', 'read_only_session');
    const token = ctx.get('x-csrf-token');
    if (!token || !sameToken(token, session.csrfToken)) {
      throw new ForbiddenError('A portal session must send its X-CSRF-Token with every change', 'csrf_failed');
    }
    const origin = ctx.get('origin');
    const sameOrigin = origin ? origin === requestOrigin(ctx) || origin === publicOrigin : ctx.get('sec-fetch-site') === 'same-origin';
    if (!sameOrigin) throw new ForbiddenError('A portal session accepts changes from the portal’s own origin only', 'csrf_failed');
    return next();
  };
}
