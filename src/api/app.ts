import Router from '@koa/router';
import Koa from 'koa';
import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secret-box';
import type { Logger } from '../logger';
import type { ControlPlane } from '../services/control-plane';
import { authenticate, type KeyResolver } from './middleware/authenticate';
import { errorHandler } from './middleware/error-handler';
import { jsonBody } from './middleware/json-body';
import { accountsRoutes } from './routes/accounts-routes';
import { deliveriesRoutes } from './routes/deliveries-routes';
import { eventsRoutes } from './routes/events-routes';
import { healthRoutes, type HealthCheck } from './routes/health-routes';
import { webhooksRoutes } from './routes/webhooks-routes';

export interface ApiDeps {
  pool: Pool;
  /** How the API reaches workflows (webhook controllers, deliveries). */
  control: ControlPlane;
  secretBox: SecretBox;
  resolveKey: KeyResolver;
  temporalHealth: HealthCheck;
  maxBodyBytes: number;
  /** After a secret rotation the old secret also signs for this long. */
  secretRotationGraceMs: number;
  log: Logger;
}

/** The Koa application: one error middleware on top, then health, then the authenticated `/v1` API. */
export function createApp(deps: ApiDeps): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(errorHandler(deps.log));

  const health = healthRoutes({ pool: deps.pool, temporal: deps.temporalHealth });
  app.use(health.routes());

  const v1 = new Router({ prefix: '/v1' });
  v1.use(authenticate(deps.resolveKey), jsonBody(deps.maxBodyBytes));
  const accounts = accountsRoutes({ pool: deps.pool, temporal: deps.control.temporal, config: deps.control.config });
  for (const routes of [webhooksRoutes(deps), eventsRoutes(deps), deliveriesRoutes(deps), accounts]) {
    v1.use(routes.routes(), routes.allowedMethods({ throw: true }));
  }
  app.use(v1.routes());
  app.use(v1.allowedMethods({ throw: true }));
  return app;
}
