import type Koa from 'koa';
import request from 'supertest';
import { createApp, type ApiDeps } from '../../src/api/app';
import { DOCS_ASSET_NAMES } from '../../src/api/openapi/assets';
import { openApiDocument, openApiPath } from '../../src/api/openapi/document';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/observability/metrics';
import { appRoutes } from '../support/app-routes';
import { contractCheck } from '../support/contract';

/**
 * The document covers the app: every route the routers register has an
 * operation, and every operation is a route the app serves.
 */

/** The app as production wires it, with dependencies that are never called. */
function appWithFakeDeps(): Koa {
  const unused = () => {
    throw new Error('not used by this test');
  };
  return createApp({
    pool: { query: unused } as never,
    metrics: createMetrics({ defaultMetrics: false }),
    eventsRateLimit: { perSecond: 0, burst: 1 },
    targets: {} as never,
    control: { temporal: unused, config: {} as never },
    secretBox: {} as never,
    resolveKey: async () => undefined,
    forgetKeys: () => undefined,
    temporalHealth: async () => undefined,
    maxBodyBytes: 1024,
    adminApiKey: 'admin-key-for-the-routes-test',
    secretRotationGraceMs: 1000,
    log: createLogger('test', 'silent'),
  } satisfies ApiDeps);
}

/** `METHOD /path/{param}` for every route of the app, in the document's syntax. */
function registeredRoutes(app: Koa): string[] {
  return appRoutes(app).map((route) => {
    const [method, path] = route.split(' ') as [string, string];
    return `${method} ${openApiPath(path)}`;
  });
}

/** Served by plain middleware rather than a router, so not enumerable: each is requested below. */
const MIDDLEWARE_ROUTES = ['GET /metrics'];

function documentedRoutes(): string[] {
  return Object.entries(openApiDocument().paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
}

describe('the OpenAPI document and the routers', () => {
  const app = appWithFakeDeps();

  it('documents every registered route', () => {
    const registered = registeredRoutes(app);
    expect(registered.length).toBeGreaterThan(30);
    expect(registered.filter((r) => !documentedRoutes().includes(r))).toEqual([]);
  });

  it('documents only routes the app registers', () => {
    const served = [...registeredRoutes(app), ...MIDDLEWARE_ROUTES];
    expect(documentedRoutes().filter((r) => !served.includes(r))).toEqual([]);
  });

  it.each(MIDDLEWARE_ROUTES)('serves %s, which no router lists', async (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const res = await (request(app.callback()) as any)[method.toLowerCase()](path);
    expect(res.status).toBe(200);
  });

  it('includes the unauthenticated and the admin routes', () => {
    const documented = documentedRoutes();
    for (const route of [
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /.well-known/jwks.json',
      'GET /openapi.json',
      'GET /docs',
      'POST /v1/tenants',
      'POST /v1/signing-keys/rotate',
    ]) {
      expect(documented).toContain(route);
    }
    const { paths } = openApiDocument();
    expect(paths['/v1/tenants']!.post!.security).toEqual([{ AdminKey: [] }]);
    expect(paths['/v1/signing-keys/rotate']!.post!.security).toEqual([{ AdminKey: [] }]);
    expect(paths['/healthz']!.get!.security).toEqual([]);
    expect(paths['/v1/webhooks']!.post!.security).toEqual([{ ApiKey: [] }]);
  });
});

describe('GET /openapi.json and GET /docs', () => {
  const app = appWithFakeDeps();
  const contract = contractCheck();
  app.middleware.unshift(contract.middleware);
  const http = request(app.callback());
  afterAll(() => contract.assertNone());

  it('serves the document without authentication', async () => {
    const res = await http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ ...JSON.parse(JSON.stringify(openApiDocument())), webhooks: expect.any(Object) });
    expect(res.body.openapi).toBe('3.1.0');
  });

  it('serves a reference page whose every file comes from this server', async () => {
    const res = await http.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const urls = [...res.text.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).toMatch(/^\/(?!\/)/);
    expect(res.text).toContain("url: '/openapi.json'");
    expect(res.text).toContain('validatorUrl: null');
    for (const url of urls) {
      const asset = await http.get(url);
      expect([url, asset.status]).toEqual([url, 200]);
      expect(Number(asset.headers['content-length'])).toBeGreaterThan(100);
    }
  });

  it('serves every listed asset with its type, and nothing else from the package', async () => {
    for (const name of DOCS_ASSET_NAMES) {
      const res = await http.get(`/docs/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(name.endsWith('.css') ? /^text\/css/ : name.endsWith('.js') ? /^application\/javascript/ : /^image\/png/);
    }
    for (const path of ['/docs/package.json', '/docs/index.html', '/docs/..%2Fpackage.json', '/docs/swagger-ui-bundle.js.map']) {
      const res = await http.get(path);
      expect([path, res.status, res.body.error?.code]).toEqual([path, 404, 'not_found']);
    }
  });

  it('gives the JSON error shape for a route or method it does not have', async () => {
    expect((await http.get('/nope')).status).toBe(404);
    expect((await http.delete('/openapi.json')).status).toBe(405);
    const res = await http.get('/v1/webhooks');
    expect(res.status).toBe(401);
  });
});
