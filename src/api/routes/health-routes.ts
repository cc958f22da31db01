import Router from '@koa/router';
import type { Pool } from 'pg';

export type HealthCheck = () => Promise<void>;

/** `GET /healthz`: 200 when Postgres and Temporal both answer, 503 naming the one that does not. */
export function healthRoutes(deps: { pool: Pool; temporal: HealthCheck; timeoutMs?: number }) {
  const router = new Router();
  const timeoutMs = deps.timeoutMs ?? 3_000;
  router.get('/healthz', async (ctx) => {
    const [postgres, temporal] = await Promise.all([
      probe(async () => void (await deps.pool.query('SELECT 1')), timeoutMs),
      probe(deps.temporal, timeoutMs),
    ]);
    const ok = postgres === 'ok' && temporal === 'ok';
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ok' : 'unavailable', checks: { postgres, temporal } };
  });
  return router;
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
