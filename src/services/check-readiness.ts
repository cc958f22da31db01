import type { Pool } from 'pg';
import { pingDatabase } from '../repositories/database-probe';

/** A dependency's check: resolves when it answers. */
export type HealthCheck = () => Promise<void>;

/** Each dependency's state: `ok`, or `error: <why>`. */
export interface Readiness {
  postgres: string;
  temporal: string;
}

/** Probes Postgres and Temporal at once, each given `timeoutMs` to answer. */
export async function checkReadiness(deps: { pool: Pool; temporal: HealthCheck; timeoutMs: number }): Promise<Readiness> {
  const [postgres, temporal] = await Promise.all([probe(() => pingDatabase(deps.pool), deps.timeoutMs), probe(deps.temporal, deps.timeoutMs)]);
  return { postgres, temporal };
}

async function probe(check: HealthCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
