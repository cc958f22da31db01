import { apiRouter } from '../router';
import type { Pool } from 'pg';
import { checkReadiness, type HealthCheck } from '../../services/check-readiness';

export type { HealthCheck };

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
    const checks = await checkReadiness({ pool: deps.pool, temporal: deps.temporal, timeoutMs });
    if (checks.postgres === 'ok' && checks.temporal === 'ok') {
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
