/** Entry point: a Temporal worker running delivery workflows and activities. Run as many as the load needs. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { startWorkerProcess, type RunningWorker } from '../server/worker-process';
import { exitOnFatal, onShutdownSignal, sdkTelemetry } from './process-signals';

async function main() {
  const config = loadConfig();
  const log = createLogger('worker');
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [], telemetryOptions: sdkTelemetry() });
  let worker: RunningWorker | undefined;
  // Installed before start-up, so a SIGTERM while starting also ends cleanly.
  onShutdownSignal(async () => {
    log.info('shutting down: no new tasks; attempts in flight get the grace period to finish');
    await worker?.stop();
  });
  worker = await startWorkerProcess(config, log);
  await worker.done;
}

main().catch(exitOnFatal);
