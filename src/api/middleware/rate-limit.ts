import type { DefaultState, Middleware } from 'koa';
import { RateLimitedError } from '../../errors';

/**
 * A token bucket per tenant: `perSecond` tokens flow in, up to `burst` wait
 * to be spent. Kept in this process, so each API process limits on its own.
 */
export function rateLimitPerTenant(opts: { perSecond: number; burst: number; now?: () => number }): Middleware<DefaultState> {
  if (opts.perSecond <= 0) return (_ctx, next) => next();
  const now = opts.now ?? (() => performance.now());
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (ctx, next) => {
    const id = ctx.state.tenant.id;
    const t = now();
    const bucket = buckets.get(id) ?? { tokens: opts.burst, at: t };
    bucket.tokens = Math.min(opts.burst, bucket.tokens + ((t - bucket.at) / 1000) * opts.perSecond);
    bucket.at = t;
    buckets.set(id, bucket);
    if (bucket.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - bucket.tokens) / opts.perSecond));
      throw new RateLimitedError(`Too many events: at most ${opts.perSecond}/s (bursts of ${opts.burst}) per tenant`, wait);
    }
    bucket.tokens -= 1;
    return next();
  };
}
