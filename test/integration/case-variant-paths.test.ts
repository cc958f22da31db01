import { appRoutes } from '../support/app-routes';
import { startStack, type Stack } from '../support/harness';

/**
 * Routes match case-sensitively, and so does every middleware they use: a
 * path spelled in another case reaches no route, and so no route can be
 * reached past its admin key, its portal rules or its body parser.
 */
const ADMIN_KEY = 'admin-key-for-case-tests-0123456789';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { DISPATCHER_ENABLED: 'false', ADMIN_API_KEY: ADMIN_KEY } });
});
afterAll(() => stack?.stop());

const count = async (table: string) => Number((await stack.api.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

/** Every static segment (all but the /v1 prefix and parameters) in upper case, and in alternating case. */
function variants(path: string): string[] {
  const segments = path.split('/');
  const spell = (f: (s: string) => string) =>
    segments.map((s, i) => (s.startsWith(':') ? 'x1' : i === 1 && s === 'v1' ? s : f(s))).join('/');
  const concrete = spell((s) => s);
  const upper = spell((s) => s.toUpperCase());
  const mixed = spell((s) => [...s].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join(''));
  return [...new Set([upper, mixed])].filter((v) => v !== concrete);
}

describe('a route spelled in another case', () => {
  const routes = () =>
    appRoutes(stack.api.app)
      .map((r) => r.split(' ') as [string, string])
      .filter(([, p]) => /[a-z]/.test(p.replace(/:[a-z_]+/gi, '').replace(/^\/v1/, '')));

  it('covers the admin, key and portal-restricted routes', () => {
    const paths = routes().map(([m, p]) => `${m} ${p}`);
    for (const r of ['POST /v1/tenants', 'POST /v1/signing-keys/rotate', 'POST /v1/api-keys', 'POST /v1/portal/sessions', 'PATCH /v1/settings']) {
      expect(paths).toContain(r);
    }
  });

  it.each([
    ['no key', {}],
    ['a tenant key', { Authorization: 'Bearer test-api-key-0123456789abcdef' }],
    ['the admin key', { Authorization: `Bearer ${ADMIN_KEY}` }],
  ])('is a 404 with %s, and changes nothing', async (_who, headers) => {
    const before = await Promise.all(['tenants', 'api_keys', 'signing_keys', 'webhooks', 'events', 'portal_sessions'].map(count));
    for (const [method, path] of routes()) {
      for (const variant of variants(path)) {
        const res = await (stack.http as any)[method.toLowerCase()](variant).set(headers).send({ name: 'Case Co', client_id: 'case-co' });
        expect([method, variant, res.status]).toEqual([method, variant, 404]);
        if (method !== 'HEAD') expect([variant, res.body.error?.code]).toEqual([variant, 'not_found']);
      }
    }
    expect(await Promise.all(['tenants', 'api_keys', 'signing_keys', 'webhooks', 'events', 'portal_sessions'].map(count))).toEqual(before);
  });

  it('POST /v1/TENANTS without a key is a 404, never judged by the body validator', async () => {
    for (const path of ['/v1/TENANTS', '/v1/Tenants', '/V1/TENANTS', '/V1/TENANTS/']) {
      const res = await stack.http.post(path).send({});
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await stack.http.post('/v1/tenants').send({})).status).toBe(401);
  });

  it('the /v1 prefix alone may still be spelled in any case', async () => {
    expect((await stack.http.get('/V1/webhooks').set(stack.auth)).status).toBe(200);
    expect((await stack.http.post('/V1/tenants').send({ name: 'x' })).status).toBe(401);
  });
});
