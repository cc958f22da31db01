import type Router from '@koa/router';
import type Koa from 'koa';

/**
 * `METHOD /path` of every route of every router mounted on the app, read from the app itself (paths
 * in the router's syntax, `/v1/webhooks/:id`), so a test that must cover every route cannot miss one
 * a new router adds. Plain middleware (`GET /metrics`) is not listed.
 */
export function appRoutes(app: Koa): string[] {
  const routers = app.middleware.map((mw) => (mw as { router?: Router }).router).filter((r): r is Router => r !== undefined);
  if (routers.length === 0) throw new Error('no router is mounted on this app');
  return routers.flatMap((router) => router.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${String(layer.path)}`)));
}
