import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/pool';
import { UnauthorizedError } from '../errors';
import { ApiKeysRepository } from '../repositories/api-keys-repository';

/**
 * Runs `work` in a transaction that first checks, in Postgres rather than the
 * key cache, that the key making the request is live, and holds its row
 * until the commit. For requests that mint a credential (a key, a portal
 * link): one minted by a revoked key would outlive it, and a revocation
 * racing the mint waits for it and then revokes what it minted. Without a
 * key id (the configured `API_KEY`, which cannot be revoked) it is only the
 * transaction.
 */
export function withLiveKey<T>(pool: Pool, keyId: string | undefined, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, async (tx) => {
    if (keyId && !(await new ApiKeysRepository(tx).lockLive(keyId))) throw new UnauthorizedError('Invalid API key');
    return work(tx);
  });
}
