import type { Queryable } from '../db/pool';

export interface StoredEventType {
  name: string;
  description: string;
  schema: Record<string, unknown> | null;
  deprecated: boolean;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = 'name, description, schema, deprecated, archived_at, created_at, updated_at';
const toType = (r: any): StoredEventType => ({
  name: r.name,
  description: r.description,
  schema: r.schema,
  deprecated: r.deprecated,
  archivedAt: r.archived_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class EventTypesRepository {
  constructor(private readonly db: Queryable) {}

  /** Creates the type, or brings back an archived one of that name; undefined when a live one exists. */
  async create(tenantId: string, t: { name: string; description: string; schema: object | null; deprecated: boolean }) {
    const { rows } = await this.db.query(
      `INSERT INTO event_types (tenant_id, name, description, schema, deprecated) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, name) DO UPDATE
         SET description = EXCLUDED.description, schema = EXCLUDED.schema, deprecated = EXCLUDED.deprecated,
             archived_at = NULL, updated_at = now()
         WHERE event_types.archived_at IS NOT NULL
       RETURNING ${COLUMNS}`,
      [tenantId, t.name, t.description, t.schema === null ? null : JSON.stringify(t.schema), t.deprecated],
    );
    return rows[0] && toType(rows[0]);
  }

  async find(tenantId: string, name: string): Promise<StoredEventType | undefined> {
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM event_types WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
    return rows[0] && toType(rows[0]);
  }

  /** The stored type of that name, if any, and whether the tenant accepts catalogue types only: one round trip. */
  async findWithStrictMode(tenantId: string, name: string): Promise<{ stored?: StoredEventType; strict: boolean }> {
    const { rows } = await this.db.query(
      `SELECT t.strict_event_types, ${COLUMNS.split(', ').map((c) => `et.${c}`).join(', ')}
         FROM tenants t LEFT JOIN event_types et ON et.tenant_id = t.id AND et.name = $2
        WHERE t.id = $1`,
      [tenantId, name],
    );
    const r = rows[0];
    return { stored: r?.name ? toType(r) : undefined, strict: r?.strict_event_types === true };
  }

  async listLive(tenantId: string): Promise<StoredEventType[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM event_types WHERE tenant_id = $1 AND archived_at IS NULL ORDER BY name`,
      [tenantId],
    );
    return rows.map(toType);
  }

  async update(tenantId: string, name: string, changes: { description?: string; schema?: object | null; deprecated?: boolean }) {
    const sets: string[] = [];
    const params: unknown[] = [tenantId, name];
    if (changes.description !== undefined) sets.push(`description = $${params.push(changes.description)}`);
    if (changes.schema !== undefined) sets.push(`schema = $${params.push(changes.schema === null ? null : JSON.stringify(changes.schema))}`);
    if (changes.deprecated !== undefined) sets.push(`deprecated = $${params.push(changes.deprecated)}`);
    const { rows } = await this.db.query(
      `UPDATE event_types SET ${[...sets, 'updated_at = now()'].join(', ')}
       WHERE tenant_id = $1 AND name = $2 AND archived_at IS NULL RETURNING ${COLUMNS}`,
      params,
    );
    return rows[0] && toType(rows[0]);
  }

  async archive(tenantId: string, name: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE event_types SET archived_at = now(), updated_at = now() WHERE tenant_id = $1 AND name = $2 AND archived_at IS NULL',
      [tenantId, name],
    );
    return rowCount === 1;
  }
}
