import type { Tenant } from './models';

/** A presented key's tenant, and its `api_keys` row (none for the configured `API_KEY`). */
export interface ResolvedKey {
  tenant: Tenant;
  keyId?: string;
}

/** Resolves a presented API key to its tenant, or undefined. */
export type KeyResolver = (key: string) => Promise<ResolvedKey | undefined>;

/** A live webhook portal session: the tenant it acts for, until when, and whether it may change anything. */
export interface PortalSession {
  id: string;
  tenant: Tenant;
  expiresAt: Date;
  readOnly: boolean;
}
