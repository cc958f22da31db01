import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Tenant } from '../../domain/models';
import { UnauthorizedError } from '../../errors';

declare module 'koa' {
  interface DefaultState {
    tenant: Tenant;
  }
}

/** Resolves a presented API key to its tenant, or undefined. */
export type KeyResolver = (key: string) => Promise<Tenant | undefined>;

/** The configured `API_KEY` belongs to the default tenant. Compared in constant time. */
export function staticKeyResolver(apiKey: string, tenant: () => Promise<Tenant>): KeyResolver {
  const expected = digest(apiKey);
  return async (key) => (timingSafeEqual(digest(key), expected) ? tenant() : undefined);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function authenticate(resolve: KeyResolver): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedError(header ? 'Authorization header must be "Bearer <api key>"' : 'Missing Authorization: Bearer <api key>');
    }
    const tenant = await resolve(match[1]!);
    if (!tenant) {
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedError('Invalid API key');
    }
    ctx.state.tenant = tenant;
    return next();
  };
}
