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

const digest = (value: string) => createHash('sha256').update(value).digest();

function bearerToken(header: string, setChallenge: (value: string) => void): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    setChallenge('Bearer');
    throw new UnauthorizedError(header ? 'Authorization header must be "Bearer <api key>"' : 'Missing Authorization: Bearer <api key>');
  }
  return match[1]!;
}

/** Admin routes: only `ADMIN_API_KEY`, compared in constant time; without one configured they are closed. */
export function authenticateAdmin(adminKey: string | undefined): Middleware {
  const expected = adminKey ? digest(adminKey) : undefined;
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('authorization'), (v) => ctx.set('WWW-Authenticate', v));
    if (!expected) throw new UnauthorizedError('The admin API is off: set ADMIN_API_KEY to use it');
    if (!timingSafeEqual(digest(token), expected)) throw new UnauthorizedError('Invalid admin API key');
    return next();
  };
}

export function authenticate(resolve: KeyResolver): Middleware {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('authorization'), (v) => ctx.set('WWW-Authenticate', v));
    const tenant = await resolve(token);
    if (!tenant) {
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedError('Invalid API key');
    }
    ctx.state.tenant = tenant;
    return next();
  };
}
