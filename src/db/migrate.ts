import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import { withTransaction } from './pool';

/** Any number, fixed: processes starting together take turns migrating. */
const MIGRATION_LOCK_KEY = 7_233_001;

/**
 * Applies each `NNN_name.sql` not yet recorded, in order, each in its own
 * transaction. Safe to call from every process at start-up.
 */
export async function migrate(pool: Pool, dir: string = resolveMigrationsDir()): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return withTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ name: string }>('SELECT name FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.name));
    const ran: string[] = [];
    for (const file of files) {
      if (applied.has(file)) continue;
      await tx.query(await readFile(path.join(dir, file), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      ran.push(file);
    }
    return ran;
  });
}

function resolveMigrationsDir(): string {
  // Compiled code lives in dist/src/db; the SQL files stay in src/db/migrations.
  const compiled = `${path.sep}dist${path.sep}src${path.sep}db`;
  return __dirname.endsWith(compiled)
    ? path.join(__dirname, '..', '..', '..', 'src', 'db', 'migrations')
    : path.join(__dirname, 'migrations');
}
