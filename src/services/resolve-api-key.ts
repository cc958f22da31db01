import { createHash, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { apiKeyPrefix, hashApiKey, sameHash } from '../crypto/api-keys';
import type { Tenant } from '../domain/models';
import type { KeyResolver, ResolvedKey } from '../domain/principal';
import { ApiKeysRepository } from '../repositories/api-keys-repository';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A key resolver with its cache, and the two ways the cache learns it may be wrong. */
export interface ApiKeyResolver {
  resolve: KeyResolver;
  /** Drops these keys from the cache at once: they were revoked, here or (heard by NOTIFY) elsewhere. */
  forget(ids: readonly string[]): void;
  /**
   * Whether revocations are being heard. Only then is a verified key cached;
   * while they are not, every request asks Postgres.
   */
  setListening(listening: boolean): void;
}

/**
 * Finds the tenant of a presented key: the configured `API_KEY` is the
 * default tenant's; any other is looked up by its prefix and checked against
 * its stored hash. A verified key is cached for `cacheMs`, but only while
 * this process hears revocations (`setListening`), and a revocation drops it
 * from the cache at once (`forget`). The short `cacheMs` is the backstop: a
 * notice lost without its connection saying so still holds within it.
 *
 * A well-formed key that is not live is remembered too, for
 * `unknownCacheMs`, so repeating it costs no lookup. That cannot hide a key
 * minted later: a new key is 192 fresh random bits, never presented before
 * it exists. And a key once revoked stays revoked.
 */
export function createKeyResolver(opts: {
  pool: Pool;
  defaultApiKey: string;
  defaultTenant: Tenant;
  /** @default 1000 */
  cacheMs?: number;
  /** @default 30000 */
  unknownCacheMs?: number;
  /** Entries kept at most in each cache; the oldest go first. @default 10000 */
  maxEntries?: number;
  /** Told of each lookup in Postgres, and whether it found the key. */
  onLookup?: (found: boolean) => void;
}): ApiKeyResolver {
  const repo = new ApiKeysRepository(opts.pool);
  const defaultDigest = digest(opts.defaultApiKey);
  const cacheMs = opts.cacheMs ?? 1_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const unknownCacheMs = opts.unknownCacheMs ?? 30_000;
  const cache = new Map<string, { id: string; tenant: Tenant; until: number }>();
  const unknown = new Map<string, number>();
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    if (map.size >= maxEntries) map.delete(map.keys().next().value!);
    map.set(key, value);
  };
  let listening = false;
  // Moves on whenever the cache may have missed or dropped something: a lookup that began before
  // then may have read a key just before its revocation, and must not cache what it read.
  let generation = 0;

  const resolve: KeyResolver = async (key) => {
    const presented = digest(key);
    if (timingSafeEqual(presented, defaultDigest)) return { tenant: opts.defaultTenant };
    const prefix = apiKeyPrefix(key);
    if (!prefix) return undefined;
    const cacheKey = presented.toString('hex');
    const hit = cache.get(cacheKey);
    if (hit && hit.until > Date.now()) return { tenant: hit.tenant, keyId: hit.id };
    cache.delete(cacheKey);
    const unknownUntil = unknown.get(cacheKey);
    if (unknownUntil !== undefined && unknownUntil > Date.now()) return undefined;
    unknown.delete(cacheKey);
    const seen = generation;
    const found = await repo.findLiveByPrefix(prefix);
    const live = found !== undefined && sameHash(found.hash, hashApiKey(key));
    opts.onLookup?.(live);
    if (!live) {
      remember(unknown, cacheKey, Date.now() + unknownCacheMs);
      return undefined;
    }
    if (listening && seen === generation) remember(cache, cacheKey, { id: found.id, tenant: found.tenant, until: Date.now() + cacheMs });
    void repo.touch(found.id).catch(() => undefined);
    return { tenant: found.tenant, keyId: found.id } satisfies ResolvedKey;
  };

  return {
    resolve,
    forget(ids) {
      generation++;
      const revoked = new Set(ids);
      for (const [k, entry] of cache) if (revoked.has(entry.id)) cache.delete(k);
    },
    setListening(now) {
      generation++;
      listening = now;
      cache.clear();
    },
  };
}
