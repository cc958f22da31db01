import type { Middleware } from 'koa';

/**
 * One spelling of the `/v1` prefix. @koa/router matches routes without
 * regard to case, but the middleware a router `use`s (authentication, the
 * admin key, the body parser) by exact case: `POST /V1/signing-keys/rotate`
 * reached its route with no key checked at all. Rewriting the prefix before
 * any router sees the request makes the two agree.
 */
export function canonicalApiPrefix(): Middleware {
  return (ctx, next) => {
    if (/^\/v1(?:\/|$)/i.test(ctx.path) && !ctx.path.startsWith('/v1')) ctx.path = `/v1${ctx.path.slice(3)}`;
    return next();
  };
}
