/** Entry point: a Temporal worker running delivery workflows and activities. Run as many as the load needs. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { startWorkerProcess } from '../server/worker-process';
import { exitOnFatal, onShutdownSignal, sdkTelemetry } from './process-signals';

async function main() {
  const config = loadConfig();
  const log = createLogger('worker');
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [], telemetryOptions: sdkTelemetry() });
  const worker = await startWorkerProcess(config, log);
  onShutdownSignal(async () => {
    log.info('shutting down: finishing activities in flight');
    await worker.stop();
  });
  await worker.done;
}

main().catch(exitOnFatal);
