import type { Pool } from 'pg';
import { PORTAL_SESSION_KEEP_ENDED_MS } from '../domain/retention';
import type { Tenant } from '../domain/models';
import { hashPortalToken, newPortalToken } from '../portal/portal-tokens';
import { PortalSessionsRepository, type PortalSessionRecord } from '../repositories/portal-sessions-repository';
import { uuidv7 } from '../util/uuid';
import { withLiveKey } from './with-live-key';

/** Ended links and sessions are deleted a day after they end, when a new link is made. */
const KEEP_ENDED_MS = PORTAL_SESSION_KEEP_ENDED_MS;

/**
 * A single-use link token for the tenant's portal. The token is returned
 * this once; only its hash is stored. The session it opens outlives the
 * request, so the key asking for it (`creatorKeyId`) must be live in
 * Postgres, not only in the key cache.
 */
export async function createPortalLink(
  pool: Pool,
  tenant: Tenant,
  opts: { linkTtlMs: number; readOnly: boolean; creatorKeyId?: string },
): Promise<{ token: string; expiresAt: Date }> {
  await new PortalSessionsRepository(pool).deleteEnded(KEEP_ENDED_MS);
  const token = newPortalToken();
  const expiresAt = await withLiveKey(pool, opts.creatorKeyId, (tx) =>
    new PortalSessionsRepository(tx).insertLink({
      id: uuidv7(),
      tenantId: tenant.id,
      linkHash: hashPortalToken(token),
      ttlMs: opts.linkTtlMs,
      readOnly: opts.readOnly,
      createdByKeyId: opts.creatorKeyId,
    }),
  );
  return { token, expiresAt };
}

/**
 * Opens a link: a new session whose secret (the cookie's value) is returned
 * this once. Undefined when the link is unknown, used or expired.
 */
export async function openPortalSession(
  pool: Pool,
  token: string,
  opts: { sessionTtlMs: number },
): Promise<{ secret: string; expiresAt: Date } | undefined> {
  const secret = newPortalToken();
  const opened = await new PortalSessionsRepository(pool).openLink(hashPortalToken(token), hashPortalToken(secret), opts.sessionTtlMs);
  return opened && { secret, expiresAt: opened.expiresAt };
}

export function findPortalSession(pool: Pool, secret: string): Promise<PortalSessionRecord | undefined> {
  return new PortalSessionsRepository(pool).findLiveSession(hashPortalToken(secret));
}

export function endPortalSession(pool: Pool, sessionId: string): Promise<void> {
  return new PortalSessionsRepository(pool).end(sessionId);
}
