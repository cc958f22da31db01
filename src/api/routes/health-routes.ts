import { apiRouter } from '../router';
import type { Pool } from 'pg';

export type HealthCheck = () => Promise<void>;

/**
 * `GET /healthz`: liveness, cheap: the process answers. `GET /readyz`:
 * readiness: 200 when Postgres and Temporal both answer, else 503 with the
 * JSON error shape naming the one that does not.
 */
export function healthRoutes(deps: { pool: Pool; temporal: HealthCheck; timeoutMs?: number }) {
  const router = apiRouter();
  const timeoutMs = deps.timeoutMs ?? 3_000;
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const [postgres, temporal] = await Promise.all([
      probe(async () => void (await deps.pool.query('SELECT 1')), timeoutMs),
      probe(deps.temporal, timeoutMs),
    ]);
    const checks = { postgres, temporal };
    if (postgres === 'ok' && temporal === 'ok') {
      ctx.body = { status: 'ready', checks };
      return;
    }
    const down = Object.entries(checks).filter(([, v]) => v !== 'ok');
    ctx.status = 503;
    ctx.body = {
      error: { code: 'not_ready', message: down.map(([name, v]) => `${name}: ${v.replace(/^error: /, '')}`).join('; ') },
      checks,
    };
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
