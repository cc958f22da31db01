import { Pool, PoolClient, types } from 'pg';

// bigint counts (COUNT(*)) fit comfortably in a JS number here.
types.setTypeParser(types.builtins.INT8, (v) => Number.parseInt(v, 10));

export type Queryable = Pool | PoolClient;

export function createPool(url: string, max: number): Pool {
  // A request waits at most this long for a connection: with Postgres down, callers fail fast instead of hanging.
  const pool = new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
  // A client losing its connection (Postgres restarting) must not crash the process: idle ones report on the
  // pool, checked-out ones on themselves, where the query in progress fails anyway and the pool drops the client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs `work` in one transaction: all of it commits, or none of it does. */
export async function withTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Errors that mean "Postgres refused these values" (SQLSTATE classes 22, data exception, and 23,
 * integrity constraint violation): the same statement with the same values fails again.
 */
export function isValueRefused(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
