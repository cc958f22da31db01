import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Pool } from 'pg';
import { createApp } from '../api/app';
import type { Config } from '../config';
import { SecretBox } from '../crypto/secret-box';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { OutboxDispatcher } from '../dispatcher/outbox-dispatcher';
import type { Tenant } from '../domain/models';
import type { Logger } from '../logger';
import { TenantsRepository } from '../repositories/tenants-repository';
import { createKeyResolver } from '../services/resolve-api-key';
import { TargetPolicy } from '../security/target-policy';
import { TemporalGateway } from '../temporal/connection';
import { createMetrics } from '../observability/metrics';
import { deliverySettings } from '../temporal/workflow-starters';

/** Everything the API process runs, wired but not yet listening. */
export interface ApiComponents {
  app: Koa;
  pool: Pool;
  dispatcher?: OutboxDispatcher;
  defaultTenant: Tenant;
  /** Stops the dispatcher and closes connections (the HTTP server is the caller's). */
  close(): Promise<void>;
}

/**
 * The API process: migrations, the default tenant, the Koa app and the outbox
 * dispatcher. Temporal may be down when it starts; events are still accepted
 * and go out once it is back.
 */
export async function createApiComponents(config: Config, log: Logger): Promise<ApiComponents> {
  const pool = createPool(config.database.url, config.database.poolMax);
  await migrate(pool);
  const defaultTenant = await new TenantsRepository(pool).ensure(config.defaultClientId, 'Default tenant');
  const temporal = new TemporalGateway(config);
  const metrics = createMetrics();
  const count = (sql: string) => async () => Number((await pool.query<{ n: number }>(sql)).rows[0]!.n);
  metrics.registerGauge(
    'hookline_deliveries_outbox',
    'Deliveries accepted but not yet started (held by paused webhooks included)',
    count(`SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND dispatched_at IS NULL`),
  );
  metrics.registerGauge(
    'hookline_deliveries_in_backoff',
    'Pending deliveries that have made at least one attempt: waiting for their next try',
    count(`SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND dispatched_at IS NOT NULL AND attempt_count > 0`),
  );

  const dispatcher = config.dispatcher.enabled
    ? new OutboxDispatcher({
        pool,
        databaseUrl: config.database.url,
        temporal: () => temporal.client(),
        settings: deliverySettings(config),
        controllers: config,
        batchSize: config.dispatcher.batchSize,
        concurrency: config.dispatcher.concurrency,
        pollIntervalMs: config.dispatcher.pollIntervalMs,
        log,
      })
    : undefined;
  dispatcher?.start();

  const app = createApp({
    pool,
    control: { temporal: () => temporal.client(), config },
    targets: new TargetPolicy(config.targets),
    eventsRateLimit: config.eventsRateLimit,
    metrics,
    secretBox: new SecretBox(config.secretEncryptionKey),
    resolveKey: createKeyResolver({ pool, defaultApiKey: config.apiKey, defaultTenant }),
    adminApiKey: config.adminApiKey,
    temporalHealth: () => temporal.check(),
    maxBodyBytes: config.http.maxBodyBytes,
    secretRotationGraceMs: config.secretRotationGraceMs,
    log,
  });

  return {
    app,
    pool,
    dispatcher,
    defaultTenant,
    async close() {
      await dispatcher?.stop();
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
  const server: Server = await new Promise((resolve, reject) => {
    const s = api.app.listen(config.http.port, config.http.host, () => resolve(s));
    s.once('error', reject);
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
