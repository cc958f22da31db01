import request from 'supertest';
import { createApp } from '../../src/api/app';
import { SecretBox } from '../../src/crypto/secret-box';
import { createPool } from '../../src/db/pool';
import { createLogger } from '../../src/logger';
import { TargetPolicy } from '../../src/security/target-policy';

/** An API whose Postgres does not answer (nothing listens on port 1). */
const pool = createPool('postgres://postgres@127.0.0.1:1/none', 2);
const app = createApp({
  pool,
  secretBox: new SecretBox(Buffer.alloc(32, 1)),
  resolveKey: async () => ({ tenant: { id: '00000000-0000-4000-8000-000000000000', name: 'default', clientId: 'default' } }),
  forgetKeys: () => undefined,
  temporalHealth: async () => undefined,
  control: { temporal: () => Promise.reject(new Error('no Temporal here')), config: {} as never },
  targets: new TargetPolicy({ allowPrivate: [], httpsOnly: false }),
  eventsRateLimit: { perSecond: 0, burst: 1 },
  maxBodyBytes: 1024 * 1024,
  secretRotationGraceMs: 1000,
  log: createLogger('test', 'silent'),
});
afterAll(() => pool.end());

it.each([
  ['get', '/v1/webhooks', undefined],
  ['post', '/v1/events', { type: 'x.y', data: {} }],
  ['get', '/v1/deliveries/00000000-0000-4000-8000-000000000001', undefined],
])('answers %s %s with a quick 503 and the JSON error shape while Postgres is down', async (method, path, body) => {
  const started = Date.now();
  const res = await (request(app.callback()) as any)[method](path).set('Authorization', 'Bearer k').send(body);
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body).toEqual({ error: { code: 'service_unavailable', message: 'The database is unavailable; try again shortly' } });
  expect(Date.now() - started).toBeLessThan(6_000);
});

it('stays live on /healthz and reports Postgres as down on /readyz', async () => {
  expect((await request(app.callback()).get('/healthz')).body).toEqual({ status: 'ok' });
  const res = await request(app.callback()).get('/readyz');
  expect(res.status).toBe(503);
  expect(res.body.error).toEqual({ code: 'not_ready', message: expect.stringMatching(/^postgres: /) });
  expect(res.body.checks.postgres).toMatch(/^error: /);
  expect(res.body.checks.temporal).toBe('ok');
});
