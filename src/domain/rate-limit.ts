/**
 * A webhook's request ceiling (`rate_limit`): at most `count` requests in any window of
 * `periodMs`, across every worker, retries included.
 */
export interface RateLimit {
  count: number;
  periodMs: RateLimitPeriodMs;
}

/** The two windows a rate may be given over: a second or a minute. */
export type RateLimitPeriodMs = 1_000 | 60_000;

/** The rate as the API writes it: exactly one of the two keys. */
export type RateLimitJson = { per_second: number } | { per_minute: number };

/** The highest rates a webhook may set. */
export const RATE_LIMIT_MAX = { perSecond: 1_000, perMinute: 60_000 } as const;

export function rateLimitFromJson(json: RateLimitJson): RateLimit {
  return 'per_second' in json ? { count: json.per_second, periodMs: 1_000 } : { count: json.per_minute, periodMs: 60_000 };
}

export function rateLimitToJson(limit: RateLimit): RateLimitJson {
  return limit.periodMs === 1_000 ? { per_second: limit.count } : { per_minute: limit.count };
}
