import Router, { type RouterOptions } from '@koa/router';
import type { DefaultState } from 'koa';

/**
 * Every router of the API, matching paths case-sensitively. The middleware a
 * router `use`s (the admin key, the body parser) then matches exactly the
 * paths its routes match: `POST /v1/TENANTS` is a 404, not a route reached
 * past its key check. Only the `/v1` prefix is accepted in any case
 * (canonical-api-prefix.ts rewrites it first).
 */
export function apiRouter<State = DefaultState>(opts: Omit<RouterOptions, 'sensitive'> = {}): Router<State> {
  return new Router<State>({ ...opts, sensitive: true });
}
