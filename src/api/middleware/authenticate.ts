import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Tenant } from '../../domain/models';
import type { KeyResolver, PortalSession } from '../../domain/principal';
import { UnauthorizedError } from '../../errors';
import { csrfTokenFor } from '../../portal/portal-tokens';
import { readSessionCookie } from '../../portal/session-cookie';
import type { AuthFailureLimiter } from './rate-limit';

/** A request made by the webhook portal with its session cookie. */
export interface PortalSessionState {
  id: string;
  expiresAt: Date;
  readOnly: boolean;
  /** What the request's `X-CSRF-Token` must be for a state change. */
  csrfToken: string;
}

declare module 'koa' {
  interface DefaultState {
    tenant: Tenant;
    /** The `api_keys` row of the key that authenticated the request; unset for `API_KEY` and portal sessions. */
    apiKeyId?: string;
    /** Set when a portal session, not an API key, authenticated the request. */
    portalSession?: PortalSessionState;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function bearerToken(header: string, setChallenge: (value: string) => void): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    setChallenge('Bearer');
    throw new UnauthorizedError(header ? 'Authorization header must be "Bearer <api key>"' : 'Missing Authorization: Bearer <api key>');
  }
  return match[1]!;
}

/**
 * Admin routes: only `ADMIN_API_KEY`, compared in constant time; without one configured they are closed.
 * A wrong key counts against the caller's address in `failures`.
 */
export function authenticateAdmin(adminKey: string | undefined, failures?: AuthFailureLimiter): Middleware {
  const expected = adminKey ? digest(adminKey) : undefined;
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('authorization'), (v) => ctx.set('WWW-Authenticate', v));
    if (!expected) throw new UnauthorizedError('The admin API is off: set ADMIN_API_KEY to use it');
    failures?.check(ctx.ip);
    if (!timingSafeEqual(digest(token), expected)) {
      failures?.failed(ctx.ip);
      throw new UnauthorizedError('Invalid admin API key');
    }
    return next();
  };
}

/** Resolves a portal session secret (the cookie's value) to its live session, or undefined. */
export type SessionResolver = (secret: string) => Promise<PortalSession | undefined>;

/**
 * Tenant routes: a Bearer API key, or else the portal's session cookie. An
 * Authorization header always wins, so API clients are never judged by a
 * cookie they happen to carry. A wrong key or an ended session counts
 * against the caller's address in `failures`, which refuses it (429) before
 * any lookup once it has too many; a missing one costs nothing and counts
 * for nothing.
 */
export function authenticate(resolve: KeyResolver, resolveSession?: SessionResolver, failures?: AuthFailureLimiter): Middleware {
  return async (ctx, next) => {
    const sessionSecret = resolveSession && !ctx.get('authorization') ? readSessionCookie(ctx.get('cookie')) : undefined;
    if (sessionSecret) {
      failures?.check(ctx.ip);
      const session = await resolveSession!(sessionSecret);
      if (!session) {
        failures?.failed(ctx.ip);
        throw new UnauthorizedError('The portal session has ended: open a new portal link');
      }
      ctx.state.tenant = session.tenant;
      ctx.state.portalSession = {
        id: session.id,
        expiresAt: session.expiresAt,
        readOnly: session.readOnly,
        csrfToken: csrfTokenFor(sessionSecret),
      };
      return next();
    }
    const token = bearerToken(ctx.get('authorization'), (v) => ctx.set('WWW-Authenticate', v));
    failures?.check(ctx.ip);
    const resolved = await resolve(token);
    if (!resolved) {
      failures?.failed(ctx.ip);
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedError('Invalid API key');
    }
    ctx.state.tenant = resolved.tenant;
    if (resolved.keyId) ctx.state.apiKeyId = resolved.keyId;
    return next();
  };
}
