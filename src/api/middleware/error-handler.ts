import type { Middleware } from 'koa';
import { AppError, RateLimitedError, isDatabaseUnavailable } from '../../errors';
import type { Logger } from '../../logger';

const CODES_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  501: 'not_implemented',
};

/**
 * The one place errors become HTTP: `{error: {code, message, details?}}`.
 * Known errors keep their status; anything unexpected is logged and becomes
 * a 500 that reveals nothing of its cause.
 */
export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `No route for ${ctx.method} ${ctx.path}` } };
      }
    } catch (err) {
      if (err instanceof AppError) {
        ctx.status = err.status;
        if (err instanceof RateLimitedError) ctx.set('Retry-After', String(err.retryAfterSeconds));
        ctx.body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
        return;
      }
      const httpError = err as { status?: unknown; expose?: boolean; message?: string; headers?: Record<string, string> };
      if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
        ctx.status = httpError.status;
        if (httpError.headers) ctx.set(httpError.headers);
        ctx.body = {
          error: { code: CODES_BY_STATUS[httpError.status] ?? 'client_error', message: httpError.message ?? 'Bad request' },
        };
        return;
      }
      if (isDatabaseUnavailable(err)) {
        log.warn('database unavailable', { method: ctx.method, path: ctx.path, err: (err as Error).message });
        ctx.status = 503;
        ctx.set('Retry-After', '5');
        ctx.body = { error: { code: 'service_unavailable', message: 'The database is unavailable; try again shortly' } };
        return;
      }
      log.error('unhandled error', { method: ctx.method, path: ctx.path, err });
      ctx.status = 500;
      ctx.body = { error: { code: 'internal_error', message: 'Internal server error' } };
    }
  };
}
