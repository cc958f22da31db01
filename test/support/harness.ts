import { Client as TemporalClient, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { loadConfig, loadLogConfig, type Config, type Env } from '../../src/config';
import { createLogger, type Logger } from '../../src/logger';
import { createApiComponents, type ApiComponents } from '../../src/server/api-server';
import { startWorkerProcess, type RunningWorker } from '../../src/server/worker-process';
import { createHooklineClient, type HooklineClient } from '../../clients/typescript/src';
import { contractCheck } from './contract';
import { testEnv } from './test-env';

export const TEST_API_KEY = 'test-api-key-0123456789abcdef';
/** One key per test file, so a second stack on the same database can read the first one's secrets. */
const TEST_ENCRYPTION_KEY = randomBytes(32).toString('base64');

/** A fresh, empty database on the shared test server; dropped by global teardown. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = testEnv('pgAdminUrl');
  const name = `hookline_test_${testEnv('runId')}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Settings for tests: a short retry schedule and quick polling, unless a test overrides them. */
export function testConfigEnv(overrides: Env = {}): Env {
  return {
    NODE_ENV: 'test',
    API_KEY: TEST_API_KEY,
    SECRET_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    TEMPORAL_ADDRESS: testEnv('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${process.pid}-${randomBytes(4).toString('hex')}`,
    DATABASE_POOL_MAX: '5',
    WORKER_METRICS_PORT: '0',
    // Receivers in tests listen on loopback, which the engine otherwise refuses to reach.
    ALLOW_PRIVATE_TARGETS: '127.0.0.0/8',
    RETRY_INITIAL_INTERVAL_MS: '300',
    RETRY_BACKOFF_COEFFICIENT: '2',
    RETRY_MAXIMUM_ATTEMPTS: '3',
    DELIVERY_TIMEOUT_MS: '2000',
    DISPATCH_POLL_INTERVAL_MS: '200',
    ...overrides,
  };
}

export interface Stack {
  config: Config;
  api: ApiComponents;
  /** supertest against the app, no port needed. */
  http: ReturnType<typeof request>;
  auth: { Authorization: string };
  /** The typed client (clients/typescript), over HTTP to the same app listening on 127.0.0.1. */
  client: HooklineClient;
  temporal: TemporalClient;
  worker?: RunningWorker;
  /** Stops everything, then throws if any response broke the OpenAPI contract (test/support/contract.ts). */
  stop(): Promise<void>;
}

/**
 * The engine as it runs in production (API, dispatcher, worker) on a fresh
 * database, the shared Temporal dev server and this file's own task queue.
 */
let runtimeInstalled = false;
/** The SDK's runtime logs every worker state change; tests want only errors. Once per process. */
function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by an earlier test file in this worker process.
  }
}

export async function startStack(opts: { env?: Env; worker?: boolean; databaseUrl?: string; log?: Logger } = {}): Promise<Stack> {
  quietTemporalRuntime();
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig(testConfigEnv({ DATABASE_URL: databaseUrl, ...opts.env }));
  const log = opts.log ?? createLogger('test', 'error', loadLogConfig());
  const api = await createApiComponents(config, log);
  const worker =
    opts.worker === false
      ? undefined
      : await startWorkerProcess(config, log, { workflowBundle: { codePath: testEnv('workflowBundle') } });
  // The test's own view of Temporal, even when the stack is pointed at an unreachable one.
  const connection = await Connection.connect({ address: testEnv('temporalAddress') });
  const temporal = new TemporalClient({ connection, namespace: config.temporal.namespace });
  // Every response the tests receive is checked against the OpenAPI document; stop() reports what broke it.
  const contract = contractCheck();
  api.app.middleware.unshift(contract.middleware);
  const server = createServer(api.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    config,
    api,
    http: request(api.app.callback()),
    auth: { Authorization: `Bearer ${config.apiKey}` },
    client: createHooklineClient({ baseUrl, apiKey: config.apiKey }),
    temporal,
    worker,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker?.stop();
      await api.close();
      await connection.close();
      contract.assertNone();
    },
  };
}
