import type { Pool } from 'pg';
import type { Tenant } from '../domain/models';
import type { ProfileName } from '../domain/profiles';
import { TenantsRepository } from '../repositories/tenants-repository';

export interface TenantSettings {
  strictEventTypes: boolean;
  /** The profile of webhooks created without one; changing it leaves existing webhooks as they are. */
  defaultProfile: ProfileName;
  /** Days its finished deliveries, their attempts and its events are kept; null: RETENTION_DAYS. */
  retentionDays: number | null;
}

export function getSettings(deps: { pool: Pool }, tenant: Tenant): Promise<TenantSettings> {
  return new TenantsRepository(deps.pool).settings(tenant.id);
}

/** Changes only the settings given. */
export function updateSettings(deps: { pool: Pool }, tenant: Tenant, changes: Partial<TenantSettings>): Promise<TenantSettings> {
  return new TenantsRepository(deps.pool).updateSettings(tenant.id, changes);
}
