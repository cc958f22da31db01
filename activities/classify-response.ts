import type { RetryRule } from '../src/domain/profiles';

/**
 * What an HTTP try means for the delivery. Policy, under the `standard` rule:
 * - 2xx: delivered.
 * - 5xx, timeouts and connection errors: retry on the schedule.
 * - 408 and 429: retry, after `Retry-After` when the receiver gives one.
 * - any other status (3xx: redirects are not followed; 4xx): final, no retry.
 *
 * Under `every-failure` (AssetsUp: "retries on failure") every answer but a 2xx is retried too,
 * except a 410, which disables the webhook. Under `server-errors` (Assets Server) only 5xx,
 * timeouts and connection errors are retried; a 4xx is final, 408 and 429 included. Under `non-200`
 * (Asset: "If there is non-200 response or the request times out, Asset will retry") only a 200 is
 * delivered: any other answer, a 201 or a 204 included, is retried, except a 410. A target the
 * policy refuses is final under every rule: nothing was sent.
 */
export type AttemptVerdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'reject'; reason: string };

export type AttemptOutcome =
  | { kind: 'response'; statusCode: number; retryAfter?: string | null }
  /** The target is not allowed (a non-public address, or http where https is required): nothing was sent. */
  | { kind: 'blocked'; reason: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'connection_error'; message: string };

export function classifyAttempt(
  outcome: AttemptOutcome,
  retryAfterMaxMs: number,
  now: Date = new Date(),
  rule: RetryRule = 'standard',
): AttemptVerdict {
  switch (outcome.kind) {
    case 'blocked':
      return { kind: 'reject', reason: `target refused: ${outcome.reason}` };
    case 'timeout':
      return { kind: 'retry', reason: `no response within ${outcome.timeoutMs} ms` };
    case 'connection_error':
      return { kind: 'retry', reason: `connection failed: ${outcome.message}` };
    case 'response': {
      const code = outcome.statusCode;
      if (rule === 'non-200' && code !== 200) {
        if (code === 410) return { kind: 'reject', reason: `receiver answered ${code}` };
        if (code >= 200 && code < 300) return { kind: 'retry', reason: `receiver answered ${code}; only a 200 counts as delivered` };
      }
      if (code >= 200 && code < 300) return { kind: 'delivered' };
      if (rule === 'server-errors') {
        if (code >= 500) return { kind: 'retry', reason: `receiver answered ${code}` };
        if (code >= 300 && code < 400) return { kind: 'reject', reason: `receiver answered ${code}; redirects are not followed` };
        return { kind: 'reject', reason: `receiver answered ${code}` };
      }
      if (code === 408 || code === 429) {
        const retryAfterMs = parseRetryAfter(outcome.retryAfter, now);
        return retryAfterMs === undefined
          ? { kind: 'retry', reason: `receiver answered ${code}` }
          : { kind: 'retry', reason: `receiver answered ${code}`, retryAfterMs: Math.min(retryAfterMs, retryAfterMaxMs) };
      }
      if (code >= 500) return { kind: 'retry', reason: `receiver answered ${code}` };
      if ((rule === 'every-failure' || rule === 'non-200') && code !== 410) {
        return { kind: 'retry', reason: code >= 300 && code < 400 ? `receiver answered ${code}; redirects are not followed` : `receiver answered ${code}` };
      }
      if (code >= 300 && code < 400) return { kind: 'reject', reason: `receiver answered ${code}; redirects are not followed` };
      return { kind: 'reject', reason: `receiver answered ${code}` };
    }
  }
}

const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the IMF-fixdate form: Date.parse alone reads "1.5" or "-5" as dates in 2001.
  if (!HTTP_DATE.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
