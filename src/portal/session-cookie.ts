import { PORTAL_TOKEN_PATTERN } from './portal-tokens';

/** The portal's session cookie; its value is the session secret. */
export const SESSION_COOKIE = 'hookline_portal';

/**
 * `lax` keeps the session to the portal's own site (an iframe on a sibling
 * subdomain works; a cross-site page framing it gets no session). `none`
 * lets a cross-site iframe keep a session: the cookie is then `Secure` and
 * `Partitioned` (CHIPS), so it needs https and lives only inside that embedding site.
 */
export const COOKIE_SAME_SITE = ['lax', 'none'] as const;
export type CookieSameSite = (typeof COOKIE_SAME_SITE)[number];

export interface CookieOptions {
  sameSite: CookieSameSite;
  /** The request came over https (or the public URL is https). */
  secure: boolean;
}

function attributes(opts: CookieOptions): string[] {
  const secure = opts.secure || opts.sameSite === 'none';
  return [
    'Path=/',
    'HttpOnly',
    opts.sameSite === 'none' ? 'SameSite=None' : 'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
    ...(opts.sameSite === 'none' ? ['Partitioned'] : []),
  ];
}

export function sessionCookie(secret: string, maxAgeSeconds: number, opts: CookieOptions): string {
  return [`${SESSION_COOKIE}=${secret}`, `Max-Age=${maxAgeSeconds}`, ...attributes(opts)].join('; ');
}

export function clearedSessionCookie(opts: CookieOptions): string {
  return [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attributes(opts)].join('; ');
}

/** The session secret from a `Cookie` header, when one of the right shape is there. */
export function readSessionCookie(header: string): string | undefined {
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(at + 1).trim();
    if (PORTAL_TOKEN_PATTERN.test(value)) return value;
  }
  return undefined;
}
