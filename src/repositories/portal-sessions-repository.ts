import type { Queryable } from '../db/pool';
import type { Tenant } from '../domain/models';

/** A live portal session: whose it is, until when, and whether it may change anything. */
export interface PortalSessionRecord {
  id: string;
  tenant: Tenant;
  expiresAt: Date;
  readOnly: boolean;
}

/** The link's or session's creating key is still live (or it had none: `API_KEY`). */
const CREATOR_LIVE = `(s.created_by_key_id IS NULL OR EXISTS (
    SELECT 1 FROM api_keys k WHERE k.id = s.created_by_key_id AND k.revoked_at IS NULL))`;

/**
 * Portal links and the sessions they open. Expiry is judged by the
 * database clock (`now()`) on every read and write, so API processes whose
 * clocks differ agree on it.
 */
export class PortalSessionsRepository {
  constructor(private readonly db: Queryable) {}

  /** Stores a link that can be opened once within `ttlMs`; returns when it stops working. */
  async insertLink(link: { id: string; tenantId: string; linkHash: Buffer; ttlMs: number; readOnly: boolean; createdByKeyId?: string }): Promise<Date> {
    const { rows } = await this.db.query<{ link_expires_at: Date }>(
      `INSERT INTO portal_sessions (id, tenant_id, link_hash, link_expires_at, read_only, created_by_key_id)
       VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', $5, $6)
       RETURNING link_expires_at`,
      [link.id, link.tenantId, link.linkHash, link.ttlMs, link.readOnly, link.createdByKeyId ?? null],
    );
    return rows[0]!.link_expires_at;
  }

  /**
   * Opens a link at most once: the row is claimed by one UPDATE, so of two
   * requests racing with the same link only one gets a session.
   */
  async openLink(linkHash: Buffer, sessionHash: Buffer, sessionTtlMs: number): Promise<{ id: string; expiresAt: Date } | undefined> {
    const { rows } = await this.db.query<{ id: string; session_expires_at: Date }>(
      `UPDATE portal_sessions s
          SET used_at = now(), session_hash = $2, session_expires_at = now() + $3 * interval '1 millisecond'
        WHERE link_hash = $1 AND used_at IS NULL AND link_expires_at > now() AND ${CREATOR_LIVE}
        RETURNING id, session_expires_at`,
      [linkHash, sessionHash, sessionTtlMs],
    );
    return rows[0] && { id: rows[0].id, expiresAt: rows[0].session_expires_at };
  }

  async findLiveSession(sessionHash: Buffer): Promise<PortalSessionRecord | undefined> {
    const { rows } = await this.db.query(
      `SELECT s.id, s.session_expires_at, s.read_only, t.id AS tenant_id, t.name, t.client_id
         FROM portal_sessions s JOIN tenants t ON t.id = s.tenant_id
        WHERE s.session_hash = $1 AND s.session_expires_at > now() AND ${CREATOR_LIVE}`,
      [sessionHash],
    );
    const r = rows[0];
    return (
      r && {
        id: r.id,
        expiresAt: r.session_expires_at,
        readOnly: r.read_only,
        tenant: { id: r.tenant_id, name: r.name, clientId: r.client_id },
      }
    );
  }

  /** Signing out: the session stops working at once. */
  async end(id: string): Promise<void> {
    await this.db.query('UPDATE portal_sessions SET session_expires_at = now() WHERE id = $1 AND session_expires_at > now()', [id]);
  }

  /** Links and sessions that ended more than `graceMs` ago are of no more use. */
  async deleteEnded(graceMs: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM portal_sessions
        WHERE GREATEST(link_expires_at, COALESCE(session_expires_at, link_expires_at)) < now() - $1 * interval '1 millisecond'`,
      [graceMs],
    );
    return rowCount ?? 0;
  }
}
