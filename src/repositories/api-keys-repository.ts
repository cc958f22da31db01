import type { Queryable } from '../db/pool';
import type { Tenant } from '../domain/models';

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string | null;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const toRecord = (r: any): ApiKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});
const COLUMNS = 'id, tenant_id, name, prefix, created_at, last_used_at, revoked_at';

export class ApiKeysRepository {
  constructor(private readonly db: Queryable) {}

  async insert(k: { id: string; tenantId: string; name: string | null; prefix: string; hash: Buffer }): Promise<ApiKeyRecord> {
    const { rows } = await this.db.query(
      `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [k.id, k.tenantId, k.name, k.prefix, k.hash],
    );
    return toRecord(rows[0]);
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

  async revoke(tenantId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL',
      [tenantId, id],
    );
    return rowCount === 1;
  }
}
