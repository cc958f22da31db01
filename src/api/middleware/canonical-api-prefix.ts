import type { Middleware } from 'koa';

/**
 * One spelling of the `/v1` prefix: `/V1/webhooks` is `/v1/webhooks`. The
 * rest of a path is matched case-sensitively by every router and by the
 * middleware each one uses (src/api/router.ts), so the two always agree; the
 * prefix is rewritten before any router sees the request.
 */
export function canonicalApiPrefix(): Middleware {
  return (ctx, next) => {
    if (/^\/v1(?:\/|$)/i.test(ctx.path) && !ctx.path.startsWith('/v1')) ctx.path = `/v1${ctx.path.slice(3)}`;
    return next();
  };
}
