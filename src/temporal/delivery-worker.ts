import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import type { HttpSender } from '../../activities/http-sender';
import type { Config } from '../config';
import type { Metrics } from '../observability/metrics';
import type { Logger } from '../logger';
import { createWorkflowControl } from './workflow-control';

export interface DeliveryWorkerOptions {
  config: Pick<Config, 'temporal' | 'delivery' | 'secretEncryptionKey' | 'worker' | 'autoDisable' | 'targets' | 'egress'>;
  pool: Pool;
  connection: NativeConnection;
  /** A client for the activities that start and signal workflows. */
  client: Client;
  /** A prebuilt workflow bundle (tests build one and share it); otherwise the worker bundles `workflows/`. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  send?: HttpSender;
  /** Told when a delivery attempt begins. */
  onAttemptStart?: (deliveryId: string) => void;
  metrics?: Metrics;
  log?: Logger;
}

export function workflowsPath(): string {
  return require.resolve('../../workflows');
}

/** A worker polling the delivery task queue, with activities built from injected dependencies. */
export function createDeliveryWorker(opts: DeliveryWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.config.temporal.namespace,
    taskQueue: opts.config.temporal.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: createActivities({
      pool: opts.pool,
      config: opts.config,
      send: opts.send,
      workflows: createWorkflowControl(async () => opts.client, opts.config),
      metrics: opts.metrics,
      log: opts.log,
      onAttemptStart: opts.onAttemptStart,
    }),
    maxConcurrentActivityTaskExecutions: opts.config.worker.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: opts.config.worker.maxConcurrentWorkflowTasks,
    maxCachedWorkflows: opts.config.worker.maxCachedWorkflows,
    shutdownGraceTime: opts.config.worker.shutdownGraceMs,
  });
}
