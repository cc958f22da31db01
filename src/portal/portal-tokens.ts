import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Portal link tokens and session secrets: 32 random bytes, base64url. Only
 * their SHA-256 hashes are stored, which suffices for 256 random bits.
 */
export function newPortalToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What `newPortalToken` makes: anything else is refused before a database lookup. */
export const PORTAL_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashPortalToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * The CSRF token of a session, derived from its secret: nothing more is
 * stored, and only a page that can read the portal's own session endpoint
 * (same origin, with the HttpOnly cookie) learns it.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('hookline-portal-csrf').digest('base64url');
}

export function sameToken(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
