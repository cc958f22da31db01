import { Pool, PoolClient, types } from 'pg';

// bigint counts (COUNT(*)) fit comfortably in a JS number here.
types.setTypeParser(types.builtins.INT8, (v) => Number.parseInt(v, 10));

export type Db = Pool;
export type Queryable = Pool | PoolClient;

export function createPool(url: string, max: number): Pool {
  const pool = new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
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
