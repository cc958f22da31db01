import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { DEFAULT_PROFILE, type ProfileName } from '../domain/profiles';
import { generateApiKey } from '../crypto/api-keys';
import { withTransaction, type Queryable } from '../db/pool';
import { REVOKED_WITH_CREATOR_WITHIN_MS } from '../domain/api-key-lineage';
import type { Tenant } from '../domain/models';
import { ConflictError, NotFoundError } from '../errors';
import { ApiKeysRepository } from '../repositories/api-keys-repository';
import { TenantsRepository } from '../repositories/tenants-repository';
import { uuidv7 } from '../util/uuid';
import type { SecretBox } from '../crypto/secret-box';
import { redactProxyUrl } from '../domain/egress-proxy';
import { withLiveKey } from './with-live-key';

/** Issues a new key for the tenant; the returned `key` is never shown again. */
async function issueKey(db: Queryable, tenant: Tenant, name: string | null, createdByKeyId: string | null) {
  const generated = generateApiKey();
  const record = await new ApiKeysRepository(db).insert({
    id: uuidv7(),
    tenantId: tenant.id,
    name,
    prefix: generated.prefix,
    hash: generated.hash,
    createdByKeyId,
  });
  return { record, key: generated.key };
}

/** Admin only: a new tenant (a client application) and its first API key. Its webhooks' default profile is `standard` unless given. */
export async function createTenant(pool: Pool, input: { name: string; clientId?: string; defaultProfile?: ProfileName }) {
  return withTransaction(pool, async (tx) => {
    const defaultProfile = input.defaultProfile ?? DEFAULT_PROFILE;
    const tenant = await new TenantsRepository(tx).insert({
      id: uuidv7(),
      name: input.name,
      clientId: input.clientId ?? `client_${randomBytes(8).toString('hex')}`,
      defaultProfile,
    });
    if (!tenant) throw new ConflictError(`client_id "${input.clientId}" is taken`, 'client_id_taken');
    const { record, key } = await issueKey(tx, tenant, 'first key', null);
    return { tenant, defaultProfile, apiKey: record, key };
  });
}

/**
 * Admin only: the tenant's own outbound proxy (null removes it, and EGRESS_PROXY_URL applies again).
 * The URL is sealed, credentials and all; only its origin is ever shown.
 */
export async function setTenantEgressProxy(deps: { pool: Pool; secretBox: SecretBox }, tenantId: string, proxyUrl: string | null) {
  const changed = await new TenantsRepository(deps.pool).setEgressProxy(
    tenantId,
    proxyUrl === null ? null : { sealed: deps.secretBox.seal(proxyUrl), origin: redactProxyUrl(proxyUrl) },
  );
  if (!changed) throw new NotFoundError('tenant', tenantId);
  return changed;
}

/** A key minted by the caller's key (`creatorKeyId`, unset for `API_KEY`), which must still be live in Postgres. */
export const createApiKey = (pool: Pool, tenant: Tenant, name: string | null, creatorKeyId?: string) =>
  withLiveKey(pool, creatorKeyId, (tx) => issueKey(tx, tenant, name, creatorKeyId ?? null));

export const listApiKeys = (pool: Pool, tenant: Tenant) => new ApiKeysRepository(pool).list(tenant.id);

/**
 * Revokes a key and the keys it minted just before (REVOKED_WITH_CREATOR_WITHIN_MS),
 * sparing `actingKeyId`, the key the request came with. This process drops
 * them from its cache before answering; the others hear it by NOTIFY when the
 * transaction commits.
 */
export async function revokeApiKey(
  deps: { pool: Pool; forgetKeys: (ids: readonly string[]) => void },
  tenant: Tenant,
  id: string,
  actingKeyId?: string,
): Promise<void> {
  const revoked = await withTransaction(deps.pool, async (tx) => {
    const repo = new ApiKeysRepository(tx);
    const ids = await repo.revoke(tenant.id, id, { mintedWithinMs: REVOKED_WITH_CREATOR_WITHIN_MS, spare: actingKeyId });
    if (!ids) throw new NotFoundError('API key', id);
    await repo.notifyRevoked(ids);
    return ids;
  });
  deps.forgetKeys(revoked);
}
