import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import type { HttpSender } from '../../activities/http-sender';
import type { Config } from '../config';
import type { Metrics } from '../observability/metrics';
import type { Logger } from '../logger';
import type { FirstAttemptFastPath } from '../dispatcher/first-attempt-fast-path';

export interface DeliveryWorkerOptions {
  config: Pick<Config, 'temporal' | 'delivery' | 'secretEncryptionKey' | 'worker' | 'autoDisable' | 'targets'>;
  pool: Pool;
  connection: NativeConnection;
  /** A client for the activities that signal workflows. */
  client: Client;
  /** A prebuilt workflow bundle (tests build one and share it); otherwise the worker bundles `workflows/`. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  send?: HttpSender;
  /** Shared with this process's dispatcher. */
  fastPath?: FirstAttemptFastPath;
  metrics?: Metrics;
  log?: Logger;
}

/**
 * Local first attempts a worker lets run at once: as configured, but never
 * more than half its workflow task slots, since each one holds a slot while
 * its receiver answers (with 10 slots and 5 local attempts hanging, new
 * workflow tasks were seen to wait for seconds).
 */
export function localFirstAttemptCapacity(worker: Config['worker']): number {
  const slots = worker.maxConcurrentWorkflowTasks;
  // With few slots, the ones left over are too few for the worker to keep polling well: no fast path.
  return Math.max(0, Math.min(worker.localFirstAttempts, Math.floor(slots / 2), slots - 20));
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
      temporal: async () => opts.client,
      metrics: opts.metrics,
      log: opts.log,
      fastPath: opts.fastPath,
    }),
    maxConcurrentActivityTaskExecutions: opts.config.worker.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: opts.config.worker.maxConcurrentWorkflowTasks,
    maxCachedWorkflows: opts.config.worker.maxCachedWorkflows,
    // Only first attempts run as local activities, as many as the fast path lets through.
    maxConcurrentLocalActivityExecutions: Math.max(1, opts.fastPath ? localFirstAttemptCapacity(opts.config.worker) : 1),
    shutdownGraceTime: opts.config.worker.shutdownGraceMs,
  });
}
