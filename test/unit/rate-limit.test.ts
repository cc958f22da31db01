import { RateLimitedError } from '../../src/errors';
import { rateLimitPerTenant } from '../../src/api/middleware/rate-limit';

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
