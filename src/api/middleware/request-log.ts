import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../../logger';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
  }
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One log line per request: request id, tenant, route, status, duration. The
 * id is the caller's `X-Request-Id` when it is sane, else a new one, and it
 * comes back in the response header either way.
 */
export function requestLog(log: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    const incoming = ctx.get('x-request-id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      log.info('request', {
        requestId,
        tenant: ctx.state.tenant?.id ?? null,
        method: ctx.method,
        route: (ctx as { _matchedRoute?: string })._matchedRoute ?? ctx.path,
        status: ctx.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  };
}
