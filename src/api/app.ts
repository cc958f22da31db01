import { apiRouter } from './router';
import Koa from 'koa';
import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secret-box';
import type { Logger } from '../logger';
import { methodLabel, type Metrics } from '../observability/metrics';
import { METRICS_UNAUTHORIZED_MESSAGE, metricsRequestAllowed } from '../observability/metrics-access';
import { UnauthorizedError } from '../errors';
import type { ControlPlane } from '../services/control-plane';
import type { TargetPolicy } from '../security/target-policy';
import type { KeyResolver } from '../domain/principal';
import { authenticate } from './middleware/authenticate';
import { AuthFailureLimiter, type AuthFailureLimit } from './middleware/rate-limit';
import { canonicalApiPrefix } from './middleware/canonical-api-prefix';
import { errorHandler } from './middleware/error-handler';
import { requestLog } from './middleware/request-log';
import { jsonBody } from './middleware/json-body';
import { apiKeysRoutes, tenantsRoutes } from './routes/tenants-routes';
import { accountsRoutes } from './routes/accounts-routes';
import { eventTypesRoutes } from './routes/event-types-routes';
import { EventSchemaValidator } from '../services/event-schema-validator';
import { deliveriesRoutes } from './routes/deliveries-routes';
import { eventsRoutes } from './routes/events-routes';
import { healthRoutes, type HealthCheck } from './routes/health-routes';
import { jwksRoutes } from './routes/jwks-routes';
import { openApiRoutes } from './openapi/routes';
import { signingKeysRoutes } from './routes/signing-keys-routes';
import { webhooksRoutes } from './routes/webhooks-routes';
import type { PortalOptions } from '../portal/portal-options';
import { findPortalSession } from '../services/manage-portal-sessions';
import { portalSessionGuard } from './middleware/portal-session-guard';
import { portalInsightsRoutes } from './routes/portal-insights-routes';
import { portalPagesRoutes } from './routes/portal-pages-routes';
import { portalSessionsRoutes } from './routes/portal-sessions-routes';

export interface ApiDeps {
  pool: Pool;
  /** Prometheus metrics, served at `/metrics`. */
  metrics?: Metrics;
  /** Whether the API port serves `/metrics`, and the token it then needs (METRICS_TOKEN). Default: served, no token. */
  metricsAccess?: { onApiPort: boolean; token?: string };
  /** Per-tenant limit on publishing events. */
  eventsRateLimit: { perSecond: number; burst: number };
  /** Where webhooks may point. */
  targets: TargetPolicy;
  /** How the API reaches workflows (webhook controllers, deliveries). */
  control: ControlPlane;
  secretBox: SecretBox;
  resolveKey: KeyResolver;
  /** Drops revoked keys from this process's key cache, before the revoking request is answered. */
  forgetKeys: (ids: readonly string[]) => void;
  temporalHealth: HealthCheck;
  maxBodyBytes: number;
  /** Wrong keys allowed per client address (AUTH_FAILURE_LIMIT); unset: no limit. */
  authFailureLimit?: AuthFailureLimit;
  /** Opens `POST /v1/tenants`; without it the admin API is closed. */
  adminApiKey?: string;
  /** After a secret rotation the old secret also signs for this long. */
  secretRotationGraceMs: number;
  log: Logger;
  /** The webhook portal's links, sessions and embedding; defaults when unset. */
  portal?: PortalOptions;
  /** The User-Agent deliveries are sent with, as the portal shows it. */
  deliveryUserAgent?: string;
}

/**
 * A method a route does not take is a 405, whether the method is common
 * (PUT) or one no route here knows (PROPFIND): a client error either way.
 */
const METHODS = {
  throw: true,
  notImplemented: () => Object.assign(new Error('Method Not Allowed'), { status: 405, expose: true }),
};

/** The Koa application: one error middleware on top, then health, then the authenticated `/v1` API. */
export function createApp(deps: ApiDeps): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(requestLog(deps.log));
  if (deps.metrics) {
    const { httpRequestDuration } = deps.metrics;
    // Outside the error middleware, so an error answer is counted with the status it went out with.
    app.use(async (ctx, next) => {
      const end = httpRequestDuration.startTimer();
      try {
        await next();
      } finally {
        const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
        end({ method: methodLabel(ctx.method), route: String(route), status: String(ctx.status) });
      }
    });
  }
  app.use(errorHandler(deps.log));
  if (deps.metrics) {
    const { registry } = deps.metrics;
    // Prometheus scrape endpoint. No label holds a tenant-chosen string; a token guards it when set.
    const access = deps.metricsAccess ?? { onApiPort: true };
    app.use(async (ctx, next) => {
      if (ctx.method !== 'GET' || ctx.path !== '/metrics' || !access.onApiPort) return next();
      if (!metricsRequestAllowed(ctx.get('authorization') || undefined, access.token)) {
        throw new UnauthorizedError(METRICS_UNAUTHORIZED_MESSAGE);
      }
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    });
  }

  app.use(canonicalApiPrefix());
  // One count of failed authentications for every route that takes a credential.
  const authFailures = deps.authFailureLimit && new AuthFailureLimiter(deps.authFailureLimit);

  const health = healthRoutes({ pool: deps.pool, temporal: deps.temporalHealth });
  app.use(health.routes());
  // Public keys of the ed25519 signature scheme: no auth, like /healthz.
  app.use(jwksRoutes(deps).routes());
  // The API contract (OpenAPI 3.1) and its reference page: no auth.
  app.use(openApiRoutes({ pool: deps.pool, resolveKey: deps.resolveKey, authFailures }).routes());

  // Admin routes first, with their own key; the tenant API below never sees them.
  const tenants = tenantsRoutes({ pool: deps.pool, secretBox: deps.secretBox, adminApiKey: deps.adminApiKey, maxBodyBytes: deps.maxBodyBytes, authFailures });
  app.use(tenants.routes());
  app.use(tenants.allowedMethods(METHODS));
  const rotation = signingKeysRoutes({
    pool: deps.pool,
    secretBox: deps.secretBox,
    secretRotationGraceMs: deps.secretRotationGraceMs,
    adminApiKey: deps.adminApiKey,
    maxBodyBytes: deps.maxBodyBytes,
    authFailures,
  });
  app.use(rotation.routes());

  // The webhook portal's page and files: no key; the page signs in with a portal session cookie.
  const portalPages = portalPagesRoutes({ pool: deps.pool, portal: deps.portal });
  app.use(portalPages.routes());
  app.use(portalPages.allowedMethods(METHODS));

  const v1 = apiRouter({ prefix: '/v1' });
  v1.use(
    authenticate(deps.resolveKey, (secret) => findPortalSession(deps.pool, secret), authFailures),
    portalSessionGuard({ publicUrl: deps.portal?.publicUrl }),
    jsonBody(deps.maxBodyBytes),
  );
  const accounts = accountsRoutes({ pool: deps.pool, temporal: deps.control.temporal, config: deps.control.config });
  const schemas = new EventSchemaValidator();
  const catalogue = eventTypesRoutes({ pool: deps.pool, schemas });
  const portal = [portalSessionsRoutes(deps), portalInsightsRoutes(deps)];
  for (const routes of [webhooksRoutes(deps), eventsRoutes({ ...deps, schemas }), deliveriesRoutes(deps), accounts, apiKeysRoutes(deps), catalogue, ...portal]) {
    v1.use(routes.routes(), routes.allowedMethods(METHODS));
  }
  app.use(v1.routes());
  app.use(v1.allowedMethods(METHODS));
  return app;
}
