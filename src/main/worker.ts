/** Entry point: a Temporal worker running delivery workflows and activities. Run as many as the load needs. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { startWorkerProcess, type RunningWorker } from '../server/worker-process';
import { lowerOwnCpuPriority } from '../util/cpu-priority';
import { exitOnFatal, onShutdownSignal, sdkTelemetry } from './process-signals';

async function main() {
  const config = loadConfig();
  const log = createLogger('worker');
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
  await worker.done;
}

main().catch(exitOnFatal);
