import { startStack, type Stack } from '../support/harness';

const ADMIN = 'admin-key-for-rate-limit-tests';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, env: { EVENTS_RATE_LIMIT_PER_SECOND: '0.1', EVENTS_RATE_LIMIT_BURST: '3', ADMIN_API_KEY: ADMIN, DISPATCHER_ENABLED: 'false' } });
});
afterAll(() => stack?.stop());

it('answers 429 with Retry-After once a tenant spends its burst, stores nothing, and leaves other tenants alone', async () => {
  const send = (auth: Record<string, string>) => stack.http.post('/v1/events').set(auth).send({ type: 'rate.test', data: {} });
  for (let i = 0; i < 3; i++) expect((await send(stack.auth)).status).toBe(202);
  const before = (await stack.api.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n;
  const limited = await send(stack.auth);
  expect(limited.status).toBe(429);
  // The next token is due 10 s after the burst began, less the time these requests took (on a busy
  // machine, more than a second).
  expect(limited.headers['retry-after']).toMatch(/^([1-9]|10)$/);
  expect(limited.body.error).toEqual({ code: 'rate_limited', message: 'Too many events: at most 0.1/s (bursts of 3) per tenant' });
  expect((await stack.api.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(before);

  const other = await stack.http.post('/v1/tenants').set('Authorization', `Bearer ${ADMIN}`).send({ name: 'Other' });
  expect((await send({ Authorization: `Bearer ${other.body.api_key.key}` })).status).toBe(202);
  // Reading is not limited.
  expect((await stack.http.get('/v1/webhooks').set(stack.auth)).status).toBe(200);
});
