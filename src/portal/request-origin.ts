import type { Context } from 'koa';

/**
 * The origin a request was sent to, from its scheme and Host header. (Koa's
 * `ctx.origin` is the request's `Origin` header, the origin it came from.)
 */
export function requestOrigin(ctx: Pick<Context, 'protocol' | 'host'>): string {
  return `${ctx.protocol}://${ctx.host}`;
}
