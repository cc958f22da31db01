import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { generateApiKey } from '../crypto/api-keys';
import { withTransaction, type Queryable } from '../db/pool';
import type { Tenant } from '../domain/models';
import { ConflictError, NotFoundError } from '../errors';
import { ApiKeysRepository } from '../repositories/api-keys-repository';
import { TenantsRepository } from '../repositories/tenants-repository';
import { uuidv7 } from '../util/uuid';

/** Issues a new key for the tenant; the returned `key` is never shown again. */
async function issueKey(db: Queryable, tenant: Tenant, name: string | null) {
  const generated = generateApiKey();
  const record = await new ApiKeysRepository(db).insert({
    id: uuidv7(),
    tenantId: tenant.id,
    name,
    prefix: generated.prefix,
    hash: generated.hash,
  });
  return { record, key: generated.key };
}

/** Admin only: a new tenant (a client application) and its first API key. */
export async function createTenant(pool: Pool, input: { name: string; clientId?: string }) {
  return withTransaction(pool, async (tx) => {
    const tenant = await new TenantsRepository(tx).insert({
      id: uuidv7(),
      name: input.name,
      clientId: input.clientId ?? `client_${randomBytes(8).toString('hex')}`,
    });
    if (!tenant) throw new ConflictError(`client_id "${input.clientId}" is taken`, 'client_id_taken');
    const { record, key } = await issueKey(tx, tenant, 'first key');
    return { tenant, apiKey: record, key };
  });
}

export const createApiKey = (pool: Pool, tenant: Tenant, name: string | null) => issueKey(pool, tenant, name);

export const listApiKeys = (pool: Pool, tenant: Tenant) => new ApiKeysRepository(pool).list(tenant.id);

export async function revokeApiKey(pool: Pool, tenant: Tenant, id: string): Promise<void> {
  if (!(await new ApiKeysRepository(pool).revoke(tenant.id, id))) throw new NotFoundError('API key', id);
}
