/**
 * `npm start`: the whole engine on one machine with no configuration.
 * Whatever is not configured is provided here: an embedded PostgreSQL and the
 * Temporal dev server (persisted under .data/), generated development keys,
 * then the API and a worker in this process. Ctrl-C stops it all.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import path from 'node:path';
import { envSchema, loadConfig, loadLogConfig } from '../config';
import { createLogger } from '../logger';
import { startApiServer } from '../server/api-server';
import { startWorkerProcess } from '../server/worker-process';
import { DEV_SERVER_NICENESS, startDevServer } from '../devtools/dev-server';
import { ensureTemporalCli } from '../devtools/temporal-cli';
import { loadOrCreateDevSecrets } from './dev-secrets';
import { startEmbeddedPostgres } from './embedded-postgres';
import { exitOnFatal, onShutdownSignal, sdkTelemetry } from './process-signals';

const DATA_DIR = path.resolve(process.env.DATA_DIR ?? '.data');
const EMBEDDED_PG_PORT = Number(process.env.EMBEDDED_PG_PORT ?? 5488);
const TEMPORAL_PORT = Number(process.env.TEMPORAL_PORT ?? 7233);
const TEMPORAL_UI_PORT = Number(process.env.TEMPORAL_UI_PORT ?? 8233);

async function main() {
  const log = createLogger('start', 'info', loadLogConfig());
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log.error('stop failed', { err }));
  };
  onShutdownSignal(async () => {
    say('\nStopping...');
    await stopAll();
    say('Stopped.');
  });
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [], telemetryOptions: sdkTelemetry() });

  const secrets = loadOrCreateDevSecrets(DATA_DIR);
  const env: Record<string, string | undefined> = { ...process.env };
  env.API_KEY ??= secrets.apiKey;
  env.SECRET_ENCRYPTION_KEY ??= secrets.secretEncryptionKey;
  // A development stack with generated keys listens on this machine only, unless told otherwise.
  env.HOST ??= '127.0.0.1';
  // Development receivers usually run on this machine, which the engine otherwise refuses to reach (SSRF).
  env.ALLOW_PRIVATE_TARGETS ??= '127.0.0.0/8,::1/128';
  env.ADMIN_API_KEY ??= secrets.adminApiKey;

  if (!env.DATABASE_URL) {
    say(`Starting embedded PostgreSQL on 127.0.0.1:${EMBEDDED_PG_PORT} (data in ${path.join(DATA_DIR, 'postgres')})...`);
    const pg = await startEmbeddedPostgres({
      dir: path.join(DATA_DIR, 'postgres'),
      port: EMBEDDED_PG_PORT,
      database: 'hookline',
      log: say,
    });
    stops.push(pg.stop);
    env.DATABASE_URL = pg.url;
  }

  let temporalUi: string | undefined;
  if (!env.TEMPORAL_ADDRESS) {
    const executable = await ensureTemporalCli({ log: say });
    if (executable.type === 'sdk-download') say(`No Temporal CLI here and none can be built (${executable.reason}). To fix: ${executable.fix}.`);
    say(
      executable.type === 'existing-path'
        ? `Starting the Temporal dev server (${executable.path})...`
        : `Starting the Temporal dev server (downloaded by the SDK: ${executable.reason})...`,
    );
    const temporal = await startDevServer({
      executable,
      dbFilename: path.join(DATA_DIR, 'temporal.db'),
      port: TEMPORAL_PORT,
      uiPort: TEMPORAL_UI_PORT,
      niceness: DEV_SERVER_NICENESS,
      // Temporal keeps closed workflows as long as the engine keeps its deliveries.
      // An invalid RETENTION_DAYS is reported by loadConfig below.
      retentionDays: envSchema.shape.RETENTION_DAYS.safeParse(env.RETENTION_DAYS || undefined).data,
    });
    stops.push(temporal.stop);
    env.TEMPORAL_ADDRESS = temporal.address;
    temporalUi = `http://localhost:${TEMPORAL_UI_PORT}`;
    // The portal links each delivery to its workflow in this UI.
    env.TEMPORAL_UI_URL ??= temporalUi;
  }

  const config = loadConfig(env);
  const logs = loadLogConfig(env);
  const worker = await startWorkerProcess(config, createLogger('worker', 'info', logs));
  stops.push(worker.stop);
  const api = await startApiServer(config, createLogger('api', 'info', logs));
  stops.push(api.stop);

  say('');
  say('Hookline is running.');
  say(`  API:          ${api.url}  (try: curl -H "Authorization: Bearer ${config.apiKey}" ${api.url}/v1/webhooks)`);
  say(`  API key:      ${config.apiKey}${process.env.API_KEY ? '' : `  (generated; kept in ${path.join(DATA_DIR, 'dev-secrets.json')})`}`);
  say(`  Admin key:    ${config.adminApiKey ?? '(none)'}  (creates tenants: POST /v1/tenants)`);
  say(`  Temporal:     ${config.temporal.address}`);
  if (temporalUi) say(`  Temporal UI:  ${temporalUi}`);
  say(`  Portal:       curl -X POST -H "Authorization: Bearer ${config.apiKey}" ${api.url}/v1/portal/sessions  (open the url it returns)`);
  if (config.targets.allowPrivate.length > 0) {
    say(`  Note: webhooks may point at ${config.targets.allowPrivate.join(', ')} (ALLOW_PRIVATE_TARGETS), for local receivers.`);
  }
  say('Press Ctrl-C to stop.');
}

main().catch(exitOnFatal);
