import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientErrorsAsJson } from './client-errors';
import type Koa from 'koa';
import type { Pool } from 'pg';
import { createApp } from '../api/app';
import type { Config } from '../config';
import { SecretBox } from '../crypto/secret-box';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import type { Tenant } from '../domain/models';
import type { Logger } from '../logger';
import { listenForKeyRevocations } from '../repositories/api-key-revocations';
import { DeliveryGaugesRepository } from '../repositories/delivery-gauges-repository';
import { TenantsRepository } from '../repositories/tenants-repository';
import { createKeyResolver } from '../services/resolve-api-key';
import { TargetPolicy } from '../security/target-policy';
import { TemporalGateway } from '../temporal/connection';
import { createMetrics } from '../observability/metrics';
import { portalOptionsFrom } from '../portal/portal-options';

/** Everything the API process runs, wired but not yet listening. */
export interface ApiComponents {
  app: Koa;
  pool: Pool;
  defaultTenant: Tenant;
  /** Closes connections (the HTTP server is the caller's). */
  close(): Promise<void>;
}

/**
 * The API process: migrations, the default tenant and the Koa app. Accepted
 * events go to the outbox in Postgres, which the workers' dispatchers drain:
 * Temporal may be down and events are still accepted.
 */
export async function createApiComponents(config: Config, log: Logger): Promise<ApiComponents> {
  const pool = createPool(config.database.url, config.database.poolMax);
  await migrate(pool);
  const defaultTenant = await new TenantsRepository(pool).ensure(config.defaultClientId, 'Default tenant');
  const temporal = new TemporalGateway(config);
  const metrics = createMetrics({ eventTypes: config.metrics.eventTypes });
  const gauges = new DeliveryGaugesRepository(pool);
  metrics.registerGauge(
    'hookline_deliveries_outbox',
    'Deliveries accepted but not yet started (held by paused webhooks included)',
    () => gauges.countInOutbox(),
  );
  metrics.registerGauge(
    'hookline_deliveries_in_backoff',
    'Pending deliveries that have made at least one attempt: waiting for their next try',
    () => gauges.countInBackoff(),
  );

  // Every API process hears every revocation; until its LISTEN is in place it caches no key.
  const keys = createKeyResolver({
    pool,
    defaultApiKey: config.apiKey,
    defaultTenant,
    onLookup: (found) => metrics.apiKeyLookups.inc({ result: found ? 'found' : 'not_found' }),
  });
  const revocations = listenForKeyRevocations({
    databaseUrl: config.database.url,
    onRevoked: (ids) => keys.forget(ids),
    onListening: (listening) => keys.setListening(listening),
  });
  await revocations.ready;

  const app = createApp({
    pool,
    control: { temporal: () => temporal.client(), config },
    targets: new TargetPolicy(config.targets),
    eventsRateLimit: config.eventsRateLimit,
    authFailureLimit: config.authFailureLimit,
    metrics,
    metricsAccess: { onApiPort: config.metrics.onApiPort, token: config.metrics.token },
    secretBox: new SecretBox(config.secretEncryptionKey),
    resolveKey: keys.resolve,
    forgetKeys: (ids) => keys.forget(ids),
    adminApiKey: config.adminApiKey,
    temporalHealth: () => temporal.check(),
    maxBodyBytes: config.http.maxBodyBytes,
    secretRotationGraceMs: config.secretRotationGraceMs,
    log,
    portal: portalOptionsFrom(config),
    deliveryUserAgent: config.delivery.userAgent,
  });

  return {
    app,
    pool,
    defaultTenant,
    async close() {
      await revocations.stop();
      await temporal.close();
      await pool.end();
    },
  };
}

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

export async function startApiServer(config: Config, log: Logger): Promise<RunningApi> {
  const api = await createApiComponents(config, log);
  const server: Server = createServer(api.app.callback());
  answerClientErrorsAsJson(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
  return {
    url: `http://${host}:${port}`,
    async stop() {
      // Stop taking requests, let those in flight finish, then release what is behind them.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await api.close();
    },
  };
}
