import type { Queryable } from '../db/pool';
import type { ApiKey } from '../domain/api-key';
import type { Tenant } from '../domain/models';

/** Carries the ids of revoked keys (comma-separated) to every API process, which stops trusting them at once. */
export const API_KEY_REVOCATIONS_CHANNEL = 'api_key_revocations';
/** Ids per NOTIFY: 100 UUIDs stay well under Postgres's 8,000-byte payload limit. */
const IDS_PER_NOTIFY = 100;

/** A key as stored, without its secret. */
export type ApiKeyRecord = ApiKey;

const toRecord = (r: any): ApiKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  createdByKeyId: r.created_by_key_id,
});
const COLUMNS = 'id, tenant_id, name, prefix, created_at, last_used_at, revoked_at, created_by_key_id';

export class ApiKeysRepository {
  constructor(private readonly db: Queryable) {}

  async insert(k: {
    id: string;
    tenantId: string;
    name: string | null;
    prefix: string;
    hash: Buffer;
    createdByKeyId: string | null;
  }): Promise<ApiKeyRecord> {
    const { rows } = await this.db.query(
      `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, created_by_key_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [k.id, k.tenantId, k.name, k.prefix, k.hash, k.createdByKeyId],
    );
    return toRecord(rows[0]);
  }

  /**
   * Whether the key is live, read from the table (no cache), holding a share
   * lock on its row until the transaction ends: a revocation running at the
   * same time waits for it, and then sees what it made.
   */
  async lockLive(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL FOR SHARE', [id]);
    return rowCount === 1;
  }

  /** The live key with this prefix, its hash and its tenant. */
  async findLiveByPrefix(prefix: string): Promise<{ id: string; hash: Buffer; tenant: Tenant } | undefined> {
    const { rows } = await this.db.query(
      `SELECT k.id, k.key_hash, t.id AS tenant_id, t.name, t.client_id
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
       WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
      [prefix],
    );
    const r = rows[0];
    return r && { id: r.id, hash: r.key_hash, tenant: { id: r.tenant_id, name: r.name, clientId: r.client_id } };
  }

  /** At most once a minute per key, so authentication does not write on every request. */
  async touch(id: string): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC`, [
      tenantId,
    ]);
    return rows.map(toRecord);
  }

  /**
   * Revokes the key, and the keys it minted within `mintedWithinMs` before
   * (recursively), except `spare` and what `spare` minted. Run it in a
   * transaction: its two statements take two snapshots, so a key minted
   * under `lockLive` while the first one waited is seen by the second.
   * Returns the ids revoked, the key's first; undefined when the tenant has
   * no such live key.
   */
  async revoke(tenantId: string, id: string, opts: { mintedWithinMs: number; spare?: string }): Promise<string[] | undefined> {
    const { rowCount } = await this.db.query(
      'UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL',
      [tenantId, id],
    );
    if (rowCount !== 1) return undefined;
    const { rows } = await this.db.query<{ id: string }>(
      `WITH RECURSIVE minted AS (
         SELECT k.id FROM api_keys k
          WHERE k.created_by_key_id = $2 AND k.created_at >= now() - $3 * interval '1 millisecond'
            AND k.id IS DISTINCT FROM $4::uuid
         UNION
         SELECT k.id FROM api_keys k JOIN minted m ON k.created_by_key_id = m.id
          WHERE k.created_at >= now() - $3 * interval '1 millisecond' AND k.id IS DISTINCT FROM $4::uuid
       )
       UPDATE api_keys SET revoked_at = now()
        WHERE tenant_id = $1 AND revoked_at IS NULL AND id IN (SELECT id FROM minted)
        RETURNING id`,
      [tenantId, id, opts.mintedWithinMs, opts.spare ?? null],
    );
    return [id, ...rows.map((r) => r.id)];
  }

  /**
   * Tells every API process that these keys are revoked. Inside the revoking
   * transaction, so the notice goes out at its commit, and only then.
   */
  async notifyRevoked(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `SELECT pg_notify($1, string_agg(id::text, ',')) FROM (
         SELECT id, (row_number() OVER () - 1) / $3 AS chunk FROM unnest($2::uuid[]) AS id
       ) c GROUP BY chunk`,
      [API_KEY_REVOCATIONS_CHANNEL, ids, IDS_PER_NOTIFY],
    );
  }
}
