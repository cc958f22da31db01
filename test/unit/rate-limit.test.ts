import { RateLimitedError } from '../../src/errors';
import { AuthFailureLimiter, clientNetwork, rateLimitPerTenant } from '../../src/api/middleware/rate-limit';

/** Runs the middleware for `tenant` at the clock's current time: 'passed', or the Retry-After it refused with. */
function limiter(perSecond: number, burst: number) {
  let clockMs = 0;
  const middleware = rateLimitPerTenant({ perSecond, burst, now: () => clockMs });
  return {
    advance: (ms: number) => void (clockMs += ms),
    async send(tenant = 't1'): Promise<'passed' | number> {
      try {
        await middleware({ state: { tenant: { id: tenant } } } as never, async () => undefined);
        return 'passed';
      } catch (err) {
        if (err instanceof RateLimitedError) return err.retryAfterSeconds;
        throw err;
      }
    },
  };
}

describe('the per-tenant token bucket', () => {
  test('a burst passes, the next request waits for the next token, rounded up to whole seconds', async () => {
    const l = limiter(0.1, 3);
    for (let i = 0; i < 3; i++) expect(await l.send()).toBe('passed');
    expect(await l.send()).toBe(10);
    l.advance(1_500);
    expect(await l.send()).toBe(9);
    l.advance(8_500);
    expect(await l.send()).toBe('passed');
    expect(await l.send()).toBe(10);
  });

  test('tokens refill up to the burst and no further; tenants have buckets of their own', async () => {
    const l = limiter(2, 2);
    expect(await l.send()).toBe('passed');
    expect(await l.send()).toBe('passed');
    expect(await l.send()).toBe(1);
    expect(await l.send('t2')).toBe('passed');
    l.advance(60_000);
    expect(await l.send()).toBe('passed');
    expect(await l.send()).toBe('passed');
    expect(await l.send()).toBe(1);
  });

  test('a rate of 0 turns the limit off', async () => {
    const l = limiter(0, 1);
    for (let i = 0; i < 50; i++) expect(await l.send()).toBe('passed');
  });
});

describe('the failed-authentication limit', () => {
  function limiter(limit: number, windowMs: number) {
    let clockMs = 0;
    const l = new AuthFailureLimiter({ limit, windowMs, now: () => clockMs });
    return {
      l,
      advance: (ms: number) => void (clockMs += ms),
      /** 'allowed', or the Retry-After it refused with. */
      check(ip: string): 'allowed' | number {
        try {
          l.check(ip);
          return 'allowed';
        } catch (err) {
          if (err instanceof RateLimitedError) {
            expect(err.code).toBe('too_many_auth_failures');
            return err.retryAfterSeconds;
          }
          throw err;
        }
      },
    };
  }

  test('an address may fail `limit` times, then waits for one failure to come back, rounded up to whole seconds', () => {
    const t = limiter(3, 30_000);
    for (let i = 0; i < 3; i++) {
      expect(t.check('203.0.113.9')).toBe('allowed');
      t.l.failed('203.0.113.9');
    }
    expect(t.check('203.0.113.9')).toBe(10);
    t.advance(2_500);
    expect(t.check('203.0.113.9')).toBe(8);
    // Refusals spend nothing: the wait does not grow.
    expect(t.check('203.0.113.9')).toBe(8);
    t.advance(7_500);
    expect(t.check('203.0.113.9')).toBe('allowed');
    t.l.failed('203.0.113.9');
    expect(t.check('203.0.113.9')).toBe(10);
    // Other addresses are counted apart.
    expect(t.check('198.51.100.7')).toBe('allowed');
  });

  test('only failures count: checks alone never exhaust an address', () => {
    const t = limiter(2, 60_000);
    for (let i = 0; i < 1_000; i++) expect(t.check('203.0.113.9')).toBe('allowed');
  });

  test('an IPv6 address is counted by its /64, an IPv4-mapped one as IPv4', () => {
    const t = limiter(2, 60_000);
    t.l.failed('2001:db8:1:2::1');
    t.l.failed('2001:db8:1:2:ffff:ffff:ffff:ffff');
    expect(t.check('2001:0db8:0001:0002:0:0:0:9')).toBe(30);
    expect(t.check('2001:db8:1:3::1')).toBe('allowed');
    t.l.failed('::ffff:192.0.2.1');
    t.l.failed('192.0.2.1');
    expect(t.check('192.0.2.1')).toBe(30);
  });

  test.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0DB8:0:00a0:1:2:3:4', '2001:db8:0:a0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('clientNetwork(%s) is %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });

  test('a limit of 0 turns it off', () => {
    const t = limiter(0, 60_000);
    for (let i = 0; i < 100; i++) t.l.failed('203.0.113.9');
    expect(t.check('203.0.113.9')).toBe('allowed');
  });
});
