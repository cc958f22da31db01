/** Entry point: a Temporal worker running delivery workflows and activities. Run as many as the load needs. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { getHeapStatistics } from 'node:v8';
import { loadConfig, loadLogConfig } from '../config';
import { createLogger } from '../logger';
import { startWorkerProcess, type RunningWorker } from '../server/worker-process';
import { lowerOwnCpuPriority } from '../util/cpu-priority';
import { WORKER_NODE_FLAGS } from './engine-runtime';
import { announceReady } from './child-messages';
import { exitOnFatal, onShutdownSignal, sdkTelemetry } from './process-signals';

async function main() {
  const config = loadConfig();
  const log = createLogger('worker', 'info', loadLogConfig());
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [], telemetryOptions: sdkTelemetry() });
  // Before start-up, so the threads started from here on (the SDK's, the bundler's) inherit it.
  const threads = lowerOwnCpuPriority(config.worker.niceness);
  let worker: RunningWorker | undefined;
  // Installed before start-up, so a SIGTERM while starting also ends cleanly.
  onShutdownSignal(async () => {
    log.info('shutting down: no new tasks; attempts in flight get the grace period to finish');
    await worker?.stop();
  });
  worker = await startWorkerProcess(config, log);
  if (config.worker.niceness > 0) log.info('worker CPU priority lowered', { niceness: config.worker.niceness, threads });
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  if (heapLimitMb > 1024) {
    log.info('the worker runs without its memory bounds: its heap may grow with garbage before it is collected', {
      heapLimitMb,
      nodeFlags: WORKER_NODE_FLAGS.join(' '),
      howTo: 'npm run start:worker, or the Docker image, runs it with them',
    });
  }
  announceReady();
  await worker.done;
}

main().catch(exitOnFatal);
