import { createHash, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import type { KeyResolver } from '../api/middleware/authenticate';
import { apiKeyPrefix, hashApiKey, sameHash } from '../crypto/api-keys';
import type { Tenant } from '../domain/models';
import { ApiKeysRepository } from '../repositories/api-keys-repository';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Finds the tenant of a presented key: the configured `API_KEY` is the
 * default tenant's; any other is looked up by its prefix and checked against
 * its stored hash. Answers are cached briefly, so a revoked key stops
 * working within `cacheMs`.
 */
export function createKeyResolver(opts: {
  pool: Pool;
  defaultApiKey: string;
  defaultTenant: Tenant;
  /** @default 5000 */
  cacheMs?: number;
}): KeyResolver {
  const repo = new ApiKeysRepository(opts.pool);
  const defaultDigest = digest(opts.defaultApiKey);
  const cacheMs = opts.cacheMs ?? 5_000;
  const cache = new Map<string, { tenant: Tenant; until: number }>();

  return async (key) => {
    const presented = digest(key);
    if (timingSafeEqual(presented, defaultDigest)) return opts.defaultTenant;
    const prefix = apiKeyPrefix(key);
    if (!prefix) return undefined;
    const cacheKey = presented.toString('hex');
    const hit = cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.tenant;
    const found = await repo.findLiveByPrefix(prefix);
    if (!found || !sameHash(found.hash, hashApiKey(key))) {
      cache.delete(cacheKey);
      return undefined;
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(cacheKey, { tenant: found.tenant, until: Date.now() + cacheMs });
    void repo.touch(found.id).catch(() => undefined);
    return found.tenant;
  };
}
