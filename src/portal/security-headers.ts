import type { Middleware } from 'koa';

/**
 * The portal's Content-Security-Policy: its own scripts, styles and API
 * only, no inline script or style, no plugins. `frame-ancestors` decides who
 * may embed it in an iframe (`PORTAL_FRAME_ANCESTORS`).
 */
export function portalContentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

export function portalSecurityHeaders(frameAncestors: () => string): Middleware {
  return async (ctx, next) => {
    ctx.set('Content-Security-Policy', portalContentSecurityPolicy(frameAncestors()));
    ctx.set('X-Content-Type-Options', 'nosniff');
    // Nothing of the portal's URLs (a login link's token included) leaves in a Referer.
    ctx.set('Referrer-Policy', 'no-referrer');
    return next();
  };
}
