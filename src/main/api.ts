/** Entry point: the REST API and the outbox dispatcher. Scale it independently of the workers. */
import { loadConfig, loadLogConfig } from '../config';
import { createLogger } from '../logger';
import { startApiServer, type RunningApi } from '../server/api-server';
import { announceReady } from './child-messages';
import { exitOnFatal, onShutdownSignal } from './process-signals';

async function main() {
  const config = loadConfig();
  const log = createLogger('api', 'info', loadLogConfig());
  let api: RunningApi | undefined;
  // Installed before start-up, so a SIGTERM while starting also ends cleanly.
  onShutdownSignal(async () => {
    log.info('shutting down: no new connections; requests in flight finish');
    await api?.stop();
  });
  api = await startApiServer(config, log);
  log.info('API listening', { url: api.url });
  announceReady({ url: api.url });
  if (!config.metrics.onApiPort) log.info('GET /metrics is off on the API port in production until METRICS_TOKEN is set');
}

main().catch(exitOnFatal);
