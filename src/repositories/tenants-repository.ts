import type { Queryable } from '../db/pool';
import type { Tenant } from '../domain/models';
import { profileOf, type ProfileName } from '../domain/profiles';
import { uuidv7 } from '../util/uuid';

interface TenantRow {
  id: string;
  name: string;
  client_id: string;
}

interface SettingsRow {
  strict_event_types: boolean;
  default_profile: string;
  retention_days: number | null;
}
const SETTINGS_COLUMNS = 'strict_event_types, default_profile, retention_days';

/** A tenant's settings as stored; `retentionDays` is null when the tenant uses RETENTION_DAYS. */
export interface StoredSettings {
  strictEventTypes: boolean;
  defaultProfile: ProfileName;
  retentionDays: number | null;
}

const toSettings = (r: SettingsRow | undefined): StoredSettings => ({
  strictEventTypes: r?.strict_event_types === true,
  defaultProfile: profileOf(r?.default_profile).name,
  retentionDays: r?.retention_days ?? null,
});

const toTenant = (r: TenantRow): Tenant => ({ id: r.id, name: r.name, clientId: r.client_id });

export class TenantsRepository {
  constructor(private readonly db: Queryable) {}

  /** Creates a tenant; undefined when the client id is taken. */
  async insert(t: { id: string; name: string; clientId: string; defaultProfile?: ProfileName }): Promise<Tenant | undefined> {
    const { rows } = await this.db.query<TenantRow>(
      `INSERT INTO tenants (id, name, client_id, default_profile) VALUES ($1, $2, $3, COALESCE($4, 'standard')) ON CONFLICT (client_id) DO NOTHING
       RETURNING id, name, client_id`,
      [t.id, t.name, t.clientId, t.defaultProfile ?? null],
    );
    return rows[0] && toTenant(rows[0]);
  }

  /** Returns the tenant with this client id, creating it on first use. */
  async ensure(clientId: string, name: string): Promise<Tenant> {
    await this.db.query(
      `INSERT INTO tenants (id, name, client_id) VALUES ($1, $2, $3) ON CONFLICT (client_id) DO NOTHING`,
      [uuidv7(), name, clientId],
    );
    const { rows } = await this.db.query<TenantRow>('SELECT id, name, client_id FROM tenants WHERE client_id = $1', [
      clientId,
    ]);
    return toTenant(rows[0]!);
  }

  /**
   * Sets (or, with null, removes) the tenant's own proxy: the sealed URL and its origin without
   * credentials. Undefined when there is no such tenant.
   */
  async setEgressProxy(tenantId: string, proxy: { sealed: string; origin: string } | null): Promise<{ tenant: Tenant; origin: string | null } | undefined> {
    const { rows } = await this.db.query<TenantRow & { egress_proxy_origin: string | null }>(
      `UPDATE tenants SET egress_proxy_sealed = $2, egress_proxy_origin = $3 WHERE id = $1 RETURNING id, name, client_id, egress_proxy_origin`,
      [tenantId, proxy?.sealed ?? null, proxy?.origin ?? null],
    );
    return rows[0] && { tenant: toTenant(rows[0]), origin: rows[0].egress_proxy_origin };
  }

  /** The profile of the tenant's webhooks created without one. */
  async defaultProfile(tenantId: string): Promise<ProfileName> {
    const { rows } = await this.db.query<{ default_profile: string }>('SELECT default_profile FROM tenants WHERE id = $1', [tenantId]);
    return profileOf(rows[0]?.default_profile).name;
  }

  async settings(tenantId: string): Promise<StoredSettings> {
    const { rows } = await this.db.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM tenants WHERE id = $1`, [tenantId]);
    return toSettings(rows[0]);
  }

  /** The tenant's settings, after changing those given (`retentionDays: null` goes back to the default). */
  async updateSettings(
    tenantId: string,
    changes: { strictEventTypes?: boolean; defaultProfile?: ProfileName; retentionDays?: number | null },
  ): Promise<StoredSettings> {
    const { rows } = await this.db.query<SettingsRow>(
      `UPDATE tenants SET strict_event_types = COALESCE($2, strict_event_types), default_profile = COALESCE($3, default_profile),
              retention_days = CASE WHEN $4 THEN $5::integer ELSE retention_days END
       WHERE id = $1 RETURNING ${SETTINGS_COLUMNS}`,
      [tenantId, changes.strictEventTypes ?? null, changes.defaultProfile ?? null, changes.retentionDays !== undefined, changes.retentionDays ?? null],
    );
    return toSettings(rows[0]);
  }
}
