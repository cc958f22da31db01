import type { Queryable } from '../db/pool';

/** Answers once Postgres runs a trivial statement: the readiness check's view of the database. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
