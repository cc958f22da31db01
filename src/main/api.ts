/** Entry point: the REST API and the outbox dispatcher. Scale it independently of the workers. */
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { startApiServer } from '../server/api-server';
import { exitOnFatal, onShutdownSignal } from './process-signals';

async function main() {
  const config = loadConfig();
  const log = createLogger('api');
  const api = await startApiServer(config, log);
  log.info('API listening', { url: api.url });
  onShutdownSignal(async () => {
    log.info('shutting down');
    await api.stop();
  });
}

main().catch(exitOnFatal);
