import { startStack, type Stack } from '../support/harness';

/**
 * Issue 9c: wrong keys cost a database lookup each and were never held back.
 * Now each address may fail AUTH_FAILURE_LIMIT times before it gets 429s
 * (with Retry-After) that reach no database, and a wrong key repeated is
 * answered from memory. Every request here comes from one address (loopback).
 */

const LIMIT = 6;
const ADMIN = 'admin-key-for-auth-failure-tests';
let stack: Stack;
beforeAll(async () => {
  // One failure earned back every 10 minutes: none comes back while the test runs, however slow the machine.
  stack = await startStack({
    worker: false,
    env: { AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_MS: String(LIMIT * 600_000), ADMIN_API_KEY: ADMIN },
  });
});
afterAll(() => stack?.stop());

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
/** A well-formed key that was never issued. */
const strangerKey = (n: number) => `hk_stranger${String(n).padStart(4, '0')}_${String(n).padStart(32, 'x')}`;

/** Key lookups that reached Postgres and found nothing, from the API's own /metrics. */
async function lookupsNotFound(): Promise<number> {
  const text = (await stack.http.get('/metrics')).text;
  const match = /^hookline_api_key_lookups_total\{result="not_found"\} (\d+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

it('holds an address back after AUTH_FAILURE_LIMIT wrong keys, with 429 and Retry-After and no lookup, and looks a repeated wrong key up once', async () => {
  const list = (auth: Record<string, string>) => stack.http.get('/v1/webhooks').set(auth);
  const minted = await stack.http.post('/v1/api-keys').set(stack.auth).send({ name: 'good' });
  expect(minted.status).toBe(201);
  const good = bearer(minted.body.key);

  // No key at all costs nothing and counts for nothing.
  for (let i = 0; i < LIMIT * 2; i++) expect((await stack.http.get('/v1/webhooks')).status).toBe(401);

  // The same wrong key three times: three failures, one lookup.
  const before = await lookupsNotFound();
  for (let i = 0; i < 3; i++) {
    const res = await list(bearer(strangerKey(1)));
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({ code: 'unauthorized', message: 'Invalid API key' });
  }
  expect(await lookupsNotFound()).toBe(before + 1);

  // Good keys spend nothing, however many.
  for (let i = 0; i < LIMIT * 3; i++) expect((await list(i % 2 ? good : stack.auth)).status).toBe(200);

  // Two more wrong tenant keys and a wrong admin key: the last failures the address has.
  expect((await list(bearer(strangerKey(2)))).status).toBe(401);
  expect((await list(bearer(strangerKey(3)))).status).toBe(401);
  expect((await stack.http.post('/v1/tenants').set(bearer('not-the-admin-key-at-all')).send({ name: 'x' })).status).toBe(401);
  expect(await lookupsNotFound()).toBe(before + 3);

  const limited = await list(bearer(strangerKey(4)));
  expect(limited.status).toBe(429);
  expect(limited.body.error).toEqual({
    code: 'too_many_auth_failures',
    message: `Too many failed authentications from this address: at most ${LIMIT} per ${LIMIT * 600} s`,
  });
  // The next failure is earned back 600 s after the first one was spent, less the time the test took.
  const retryAfter = Number(limited.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(500);
  expect(retryAfter).toBeLessThanOrEqual(600);
  expect(await lookupsNotFound()).toBe(before + 3);

  // Whatever the address presents now waits, a valid key included, the admin routes too.
  const validToo = await list(good);
  expect(validToo.status).toBe(429);
  expect(validToo.body.error.code).toBe('too_many_auth_failures');
  expect((await list(stack.auth)).status).toBe(429);
  expect((await stack.http.post('/v1/tenants').set(bearer(ADMIN)).send({ name: 'y' })).status).toBe(429);
  // The contract document still answers, with the built-in event types, and looks no key up.
  const doc = await stack.http.get('/openapi.json').set(bearer(strangerKey(5)));
  expect(doc.status).toBe(200);
  expect(await lookupsNotFound()).toBe(before + 3);
  // Without a key it is still the plain 401.
  expect((await stack.http.get('/v1/webhooks')).status).toBe(401);
});
