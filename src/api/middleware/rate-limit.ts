import { isIPv4, isIPv6 } from 'node:net';
import type { DefaultState, Middleware } from 'koa';
import { RateLimitedError } from '../../errors';

/**
 * Token buckets by key: `perSecond` tokens flow into each, up to `burst`
 * wait to be spent. Kept in this process. At most `maxKeys` buckets are
 * kept; past that the one used least recently is dropped (and starts full
 * when its key comes back).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: { perSecond: number; burst: number; maxKeys?: number; now?: () => number }) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Spends one of `key`'s tokens: undefined if there was one, else the whole seconds until there will be. */
  take(key: string): number | undefined {
    const wait = this.wait(key);
    if (wait === undefined) this.bucket(key).tokens -= 1;
    return wait;
  }

  /** Undefined if `key` has a token to spend, else the whole seconds until it will; spends nothing. */
  wait(key: string): number | undefined {
    const { tokens } = this.bucket(key);
    return tokens < 1 ? Math.max(1, Math.ceil((1 - tokens) / this.opts.perSecond)) : undefined;
  }

  /** Spends a token whether or not there is one: the bucket may go into debt, down to one burst. */
  spend(key: string): void {
    const bucket = this.bucket(key);
    bucket.tokens = Math.max(-this.opts.burst, bucket.tokens - 1);
  }

  /** `key`'s bucket, refilled up to now, and marked as the most recently used. */
  private bucket(key: string): { tokens: number; at: number } {
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.opts.burst, at: t };
    bucket.tokens = Math.min(this.opts.burst, bucket.tokens + ((t - bucket.at) / 1000) * this.opts.perSecond);
    bucket.at = t;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > (this.opts.maxKeys ?? Infinity)) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket;
  }
}

/**
 * A token bucket per tenant: `perSecond` tokens flow in, up to `burst` wait
 * to be spent. Kept in this process, so each API process limits on its own.
 */
export function rateLimitPerTenant(opts: { perSecond: number; burst: number; now?: () => number }): Middleware<DefaultState> {
  if (opts.perSecond <= 0) return (_ctx, next) => next();
  const buckets = new TokenBuckets(opts);
  return async (ctx, next) => {
    const wait = buckets.take(ctx.state.tenant.id);
    if (wait !== undefined) {
      throw new RateLimitedError(`Too many events: at most ${opts.perSecond}/s (bursts of ${opts.burst}) per tenant`, wait);
    }
    return next();
  };
}

/**
 * Whom failures are counted against: an IPv4 address (an IPv4-mapped IPv6
 * one included), or the /64 network of an IPv6 address, since one host
 * usually holds a whole /64.
 */
export function clientNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::') as [string, string?];
  const groups = (s: string) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = ip.includes('::') ? groups(tail) : [];
  const all = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, '').toLowerCase())
    .join(':')}::/64`;
}

/** What the failed-authentication limit allows: `limit` failures per `windowMs` from one address; a limit of 0 turns it off. */
export interface AuthFailureLimit {
  limit: number;
  windowMs: number;
}

/**
 * Limits failed authentications per client address (see `clientNetwork`):
 * `limit` failures at once, earned back at `limit` per `windowMs`. Only
 * failures spend, so a client whose key is good is never slowed, however
 * fast it goes. An address with no failure left is refused before any
 * lookup, whatever it presents: a valid key from it waits out the
 * `Retry-After` too. That is what keeps the database out of reach of a
 * flood of wrong keys.
 */
export class AuthFailureLimiter {
  private readonly buckets?: TokenBuckets;

  constructor(private readonly opts: AuthFailureLimit & { now?: () => number; maxAddresses?: number }) {
    if (opts.limit > 0) {
      this.buckets = new TokenBuckets({
        perSecond: opts.limit / (opts.windowMs / 1000),
        burst: opts.limit,
        maxKeys: opts.maxAddresses ?? 100_000,
        now: opts.now,
      });
    }
  }

  /** Undefined while `ip` may still fail, else the seconds until it may again. */
  retryAfter(ip: string): number | undefined {
    return this.buckets?.wait(clientNetwork(ip));
  }

  /** Call before checking a credential from `ip`: throws RateLimitedError when the address has no failure left. */
  check(ip: string): void {
    const wait = this.retryAfter(ip);
    if (wait === undefined) return;
    throw new RateLimitedError(
      `Too many failed authentications from this address: at most ${this.opts.limit} per ${this.opts.windowMs / 1000} s`,
      wait,
      'too_many_auth_failures',
    );
  }

  /** A credential from `ip` was wrong. */
  failed(ip: string): void {
    this.buckets?.spend(clientNetwork(ip));
  }
}
