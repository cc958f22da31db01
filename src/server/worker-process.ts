import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import type { Logger } from '../logger';
import { OutboxDispatcher } from '../dispatcher/outbox-dispatcher';
import { createDeliveryWorker } from '../temporal/delivery-worker';
import { DispatchWindow } from '../dispatcher/dispatch-window';
import { bundleWorkflowsInChildProcess } from '../temporal/workflow-bundle';
import { deliverySettings } from '../temporal/workflow-starters';
import { createMetrics, type Metrics } from '../observability/metrics';
import { startMetricsServer } from '../observability/metrics-server';
import { ensureRetentionSchedule } from '../temporal/retention-schedule';
import { redactProxyUrl } from '../domain/egress-proxy';

export interface RunningWorker {
  /** The outbox dispatcher of this process, unless DISPATCHER_ENABLED is false. */
  dispatcher?: OutboxDispatcher;
  /** This process's Prometheus metrics (also served on WORKER_METRICS_PORT). */
  metrics: Metrics;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

const CONNECT_RETRY_MS = 2_000;

/**
 * The worker process: connects to Temporal (waiting for it if needed), runs
 * delivery workflows and activities, and drains the outbox. The dispatcher
 * starts workflows through the worker's own connection with eager start, so
 * Temporal hands each new workflow's first task straight back to this worker
 * instead of through the task queue: adding workers adds dispatchers.
 */
export async function startWorkerProcess(
  config: Config,
  log: Logger,
  opts: { workflowBundle?: WorkerOptions['workflowBundle'] } = {},
): Promise<RunningWorker> {
  const pool = createPool(config.database.url, config.database.poolMax);
  await migrate(pool);
  const connection = await connectWithRetry(config.temporal.address, log);
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const metrics = createMetrics();
  // As many deliveries waiting for their first attempt as the worker can attempt at once; the rest wait in the outbox.
  const window = new DispatchWindow({ capacity: config.worker.maxConcurrentActivities });
  const bundle = opts.workflowBundle ? undefined : await bundleWorkflowsInChildProcess();
  const worker = await createDeliveryWorker({
    config,
    pool,
    connection,
    client,
    metrics,
    log,
    workflowBundle: opts.workflowBundle ?? { codePath: bundle!.codePath },
    onAttemptStart: (deliveryId) => window.release(deliveryId),
  }).finally(() => bundle?.dispose());
  const starter = new Client({ connection, namespace: config.temporal.namespace });
  const dispatcher = config.dispatcher.enabled
    ? new OutboxDispatcher({
        pool,
        databaseUrl: config.database.url,
        temporal: async () => starter,
        settings: { ...deliverySettings(config), eagerStart: true },
        controllers: config,
        batchSize: config.dispatcher.batchSize,
        concurrency: config.dispatcher.concurrency,
        pollIntervalMs: config.dispatcher.pollIntervalMs,
        window,
        log,
      })
    : undefined;
  const metricsServer =
    config.worker.metricsPort > 0
      ? await startMetricsServer({
          port: config.worker.metricsPort,
          host: config.metrics.workerHost,
          token: config.metrics.token,
          registry: metrics.registry,
          sdkMetricsPort: config.worker.sdkMetricsPort,
        })
      : undefined;
  let stopping = false;
  const done = worker.run().finally(async () => {
    stopping = true;
    await dispatcher?.stop();
    await metricsServer?.close();
    await clientConnection.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await pool.end();
  });
  dispatcher?.start();
  // The purge's Schedule: created once, updated to this worker's settings after. Not awaited: a
  // Temporal that is slow to answer must not hold up the worker; the next start tries again.
  void ensureRetentionSchedule(client, config).catch((err: Error) => {
    if (!stopping) log.warn('could not create or update the retention schedule', { err: err.message });
  });
  log.info('worker polling', {
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    // Where deliveries leave from; the proxy's origin only, never its credentials.
    egressProxy: config.egress.proxyUrl ? redactProxyUrl(config.egress.proxyUrl) : 'direct',
    egressLocalAddress: config.egress.localAddress ?? 'any',
  });
  return {
    dispatcher,
    metrics,
    done,
    async stop() {
      // No new workflows while the worker drains what it has.
      await dispatcher?.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

async function connectWithRetry(address: string, log: Logger): Promise<NativeConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect({ address });
    } catch (err) {
      if (attempt === 1 || attempt % 15 === 0) log.warn('waiting for Temporal', { address, err: (err as Error).message });
      await new Promise((r) => setTimeout(r, CONNECT_RETRY_MS));
    }
  }
}
