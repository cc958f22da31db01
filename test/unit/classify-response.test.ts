import { classifyAttempt, parseRetryAfter } from '../../activities/classify-response';

const CAP_MS = 3_600_000;
const NOW = new Date('2025-03-14T12:00:00.000Z');

function response(statusCode: number, retryAfter?: string | null) {
  return classifyAttempt({ kind: 'response', statusCode, retryAfter }, CAP_MS, NOW);
}

describe('classifyAttempt', () => {
  describe('2xx answers are delivered', () => {
    it.each([200, 204, 299])('a %i is delivered', (code) => {
      expect(response(code)).toStrictEqual({ kind: 'delivered' });
    });
  });

  describe('3xx answers are final because redirects are not followed', () => {
    it.each([301, 302])('a %i is rejected, saying redirects are not followed', (code) => {
      expect(response(code)).toStrictEqual({
        kind: 'reject',
        reason: `receiver answered ${code}; redirects are not followed`,
      });
    });
  });

  describe('4xx answers other than 408 and 429 are final', () => {
    it.each([400, 401, 404, 410, 422])('a %i is rejected', (code) => {
      expect(response(code)).toStrictEqual({ kind: 'reject', reason: `receiver answered ${code}` });
    });
  });

  describe('408 and 429 are retried', () => {
    it.each([408, 429])('a %i without Retry-After retries on the schedule (no retryAfterMs)', (code) => {
      const verdict = response(code);
      expect(verdict).toStrictEqual({ kind: 'retry', reason: `receiver answered ${code}` });
      expect(verdict).not.toHaveProperty('retryAfterMs');
    });

    it('a 429 with Retry-After: null retries on the schedule', () => {
      expect(response(429, null)).toStrictEqual({ kind: 'retry', reason: 'receiver answered 429' });
    });

    it('a 429 with Retry-After: 7 retries after 7 s', () => {
      expect(response(429, '7')).toStrictEqual({ kind: 'retry', reason: 'receiver answered 429', retryAfterMs: 7_000 });
    });

    it('a 408 with Retry-After: 3 retries after 3 s', () => {
      expect(response(408, '3')).toStrictEqual({ kind: 'retry', reason: 'receiver answered 408', retryAfterMs: 3_000 });
    });

    it('a 429 with an HTTP date 30 s from now retries after 30 s', () => {
      const in30s = new Date(NOW.getTime() + 30_000).toUTCString();
      expect(in30s).toBe('Fri, 14 Mar 2025 12:00:30 GMT');
      expect(response(429, in30s)).toStrictEqual({
        kind: 'retry',
        reason: 'receiver answered 429',
        retryAfterMs: 30_000,
      });
    });

    it('a 429 asking for more than the cap waits only the cap', () => {
      const verdict = classifyAttempt({ kind: 'response', statusCode: 429, retryAfter: '86400' }, 60_000, NOW);
      expect(verdict).toStrictEqual({ kind: 'retry', reason: 'receiver answered 429', retryAfterMs: 60_000 });
    });

    it('a 429 asking for exactly the cap waits the cap', () => {
      const verdict = classifyAttempt({ kind: 'response', statusCode: 429, retryAfter: '60' }, 60_000, NOW);
      expect(verdict).toStrictEqual({ kind: 'retry', reason: 'receiver answered 429', retryAfterMs: 60_000 });
    });

    it('a 429 with an unreadable Retry-After ignores it and retries on the schedule', () => {
      expect(response(429, 'soon')).toStrictEqual({ kind: 'retry', reason: 'receiver answered 429' });
    });
  });

  describe('5xx answers are retried on the schedule', () => {
    it.each([500, 502, 503])('a %i is retried', (code) => {
      expect(response(code)).toStrictEqual({ kind: 'retry', reason: `receiver answered ${code}` });
    });

    it('a 503 with Retry-After: 120 still retries on the schedule (Retry-After is honoured only for 408 and 429)', () => {
      expect(response(503, '120')).toStrictEqual({ kind: 'retry', reason: 'receiver answered 503' });
    });
  });

  it('a timeout after 2000 ms is retried, saying no response came within 2000 ms', () => {
    expect(classifyAttempt({ kind: 'timeout', timeoutMs: 2_000 }, CAP_MS, NOW)).toStrictEqual({
      kind: 'retry',
      reason: 'no response within 2000 ms',
    });
  });

  it('a connection error is retried, with the cause after "connection failed:"', () => {
    const verdict = classifyAttempt({ kind: 'connection_error', message: 'connect ECONNREFUSED 127.0.0.1:9' }, CAP_MS, NOW);
    expect(verdict).toStrictEqual({ kind: 'retry', reason: 'connection failed: connect ECONNREFUSED 127.0.0.1:9' });
    expect(verdict.kind === 'retry' && verdict.reason.startsWith('connection failed:')).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
  });

  it('reads "0" as no wait', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('tolerates surrounding whitespace', () => {
    expect(parseRetryAfter('  5 ', NOW)).toBe(5_000);
  });

  it('reads an HTTP date as the time left until it', () => {
    expect(parseRetryAfter('Fri, 14 Mar 2025 12:01:00 GMT', NOW)).toBe(60_000);
  });

  it('reads an HTTP date in the past as no wait', () => {
    expect(parseRetryAfter('Fri, 14 Mar 2025 11:59:00 GMT', NOW)).toBe(0);
  });

  it.each([
    ['an empty string', ''],
    ['null', null],
    ['undefined', undefined],
    ['a word', 'soon'],
    ['a unit suffix', '7 seconds'],
  ])('gives undefined for %s', (_label, value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  // RFC 9110 §10.2.3: Retry-After = HTTP-date / delay-seconds, and delay-seconds is 1*DIGIT.
  // "1.5" and "-5" are neither; they must be ignored, not read as a date long past (which would mean "retry now").
  it.each([
    ['fractional seconds', '1.5'],
    ['negative seconds', '-5'],
  ])('gives undefined for %s, which are neither delay-seconds nor an HTTP date', (_label, value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});
