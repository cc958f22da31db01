/**
 * `npm run stack:prod`: Hookline on the kind of Temporal deployment users take to production.
 *
 *   - the Temporal Server 1.29.1 (built once with `go install`), persisting to PostgreSQL, with the
 *     config in deploy/temporal-postgres/;
 *   - its `temporal` and `temporal_visibility` databases on the local PostgreSQL, created and
 *     migrated with temporal-sql-tool (idempotent);
 *   - the `default` namespace and the search attributes WebhookId, EventType, DeliveryStatus;
 *   - one API and two worker processes (`node --import tsx src/main/api.ts` / `worker.ts`) on the
 *     app database `hookline_prod`, created if missing.
 *
 * Ctrl-C stops it all: the API, then the workers (attempts in flight finish), then the server.
 *
 * Environment (all optional):
 *   STACK_PG_URL      the PostgreSQL server   (postgres://postgres@127.0.0.1:5432/postgres)
 *   TEMPORAL_PORT     the frontend's port     (7233; the server also takes +1, +2, +6, +10, -300..-294)
 *   PORT              the API's port          (3000)
 *   STACK_WORKERS     worker processes        (2)
 *   STACK_DATA_DIR    logs and keys           (.data/stack-prod)
 *   API_KEY, SECRET_ENCRYPTION_KEY, ADMIN_API_KEY: generated once and kept in STACK_DATA_DIR otherwise.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { loadOrCreateDevSecrets } from '../src/main/dev-secrets';
import { spawnEngine, REPO_ROOT, type EngineProcess } from './lib/processes';
import {
  ensureTemporalServer,
  registerNamespaceAndSearchAttributes,
  serverPorts,
  setupTemporalDatabases,
  startTemporalServer,
  temporalPostgresTarget,
  type RunningTemporalServer,
} from './lib/temporal-postgres';
import { freePort } from '../src/devtools/free-port';

const say = (line: string) => process.stdout.write(`${line}\n`);

const PG_URL = process.env.STACK_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TEMPORAL_PORT = Number(process.env.TEMPORAL_PORT ?? 7233);
const API_PORT = Number(process.env.PORT ?? 3000);
const WORKERS = Number(process.env.STACK_WORKERS ?? 2);
/** The engine's retention, which Temporal's namespace follows; the workers get it through the environment. */
const RETENTION_DAYS = Number(process.env.RETENTION_DAYS ?? 30);
const DATA_DIR = path.resolve(REPO_ROOT, process.env.STACK_DATA_DIR ?? '.data/stack-prod');
const APP_DATABASE = 'hookline_prod';

function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}


async function ensureDatabase(pgUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE "${name}"`);
      say(`  created database ${name}`);
    }
  } finally {
    await admin.end();
  }
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean> | boolean, procs: EngineProcess[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    const dead = procs.find((p) => !p.alive());
    if (dead) throw new Error(`${dead.name} exited during start-up; see ${dead.logFile}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const stops: Array<() => Promise<void>> = [];
let stopping = false;
async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (stops.length) say('\nStopping...');
  for (const stop of stops.reverse()) await stop().catch((err) => say(`  stop failed: ${(err as Error).message}`));
  if (stops.length) say('Stopped.');
  process.exit(code);
}

async function main() {
  mkdirSync(DATA_DIR, { recursive: true });
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const busy = [];
  for (const p of serverPorts(TEMPORAL_PORT)) if (!(await portFree(p))) busy.push(p);
  if (!(await portFree(API_PORT, '0.0.0.0'))) busy.push(API_PORT);
  if (busy.length) {
    throw new Error(`port(s) ${busy.join(', ')} in use: is another stack running? Move this one with TEMPORAL_PORT=... and PORT=...`);
  }

  say('Temporal Server (Postgres persistence):');
  const bins = await ensureTemporalServer({ log: (l) => say(`  ${l}`) });
  say(`  binaries in ${path.dirname(bins.server)}`);
  const target = temporalPostgresTarget(PG_URL);
  await setupTemporalDatabases(bins.sqlTool, target, say);
  const temporalLog = path.join(DATA_DIR, 'temporal-server.log');
  say(`  starting the server on 127.0.0.1:${TEMPORAL_PORT} (log: ${temporalLog})`);
  const server: RunningTemporalServer = await startTemporalServer({
    server: bins.server,
    target,
    port: TEMPORAL_PORT,
    metricsPort: await freePort(),
    logFile: temporalLog,
    detached: true,
  });
  stops.push(() => server.stop());
  server.process.once('exit', (code, signal) => {
    if (!stopping) {
      say(`The Temporal server exited (${signal ?? code}); see ${temporalLog}`);
      void stopAll(1);
    }
  });
  await registerNamespaceAndSearchAttributes({ address: server.address, retentionDays: RETENTION_DAYS, log: say });

  say('Hookline:');
  const databaseUrl = await ensureDatabase(PG_URL, APP_DATABASE);
  const secrets = loadOrCreateDevSecrets(DATA_DIR);
  const apiKey = process.env.API_KEY ?? secrets.apiKey;
  const adminApiKey = process.env.ADMIN_API_KEY ?? secrets.adminApiKey;
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    // Each process's pool; the machine's Postgres is shared (max_connections 100).
    DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX ?? '5',
    TEMPORAL_ADDRESS: server.address,
    API_KEY: apiKey,
    ADMIN_API_KEY: adminApiKey,
    SECRET_ENCRYPTION_KEY: process.env.SECRET_ENCRYPTION_KEY ?? secrets.secretEncryptionKey,
    // Receivers on this machine, which the engine otherwise refuses to reach (SSRF).
    ALLOW_PRIVATE_TARGETS: process.env.ALLOW_PRIVATE_TARGETS ?? '127.0.0.0/8',
  };
  // Everything else (retry schedule, timeouts...) passes through as the user set it.
  for (const [k, v] of Object.entries(process.env)) if (!(k in env) && /^(RETRY_|DELIVERY_|DISPATCH|EVENTS_|AUTO_DISABLE|WORKER_MAX|WORKER_SHUTDOWN|HTTPS_ONLY|TEMPORAL_TASK_QUEUE|LOG_|RETENTION_)/.test(k)) env[k] = v;

  const echoProblems = (name: string) => (line: string) => {
    if (/"level":"(warn|error|fatal)"/.test(line) || /^fatal:/.test(line)) say(`  [${name}] ${line}`);
  };
  const procs: EngineProcess[] = [];
  const metricsPorts: string[] = [];
  for (let i = 1; i <= WORKERS; i++) {
    const metricsPort = await freePort();
    const sdkPort = await freePort();
    metricsPorts.push(`worker-${i}: http://127.0.0.1:${metricsPort}/metrics`);
    const name = `worker-${i}`;
    procs.push(
      spawnEngine({
        name,
        role: 'worker',
        env: { ...env, WORKER_METRICS_PORT: String(metricsPort), TEMPORAL_SDK_METRICS_PORT: String(sdkPort) },
        logFile: path.join(DATA_DIR, `${name}.log`),
        onLine: echoProblems(name),
        detached: true,
      }),
    );
  }
  const api = spawnEngine({
    name: 'api',
    role: 'api',
    env: { ...env, PORT: String(API_PORT), HOST: process.env.HOST ?? '127.0.0.1' },
    logFile: path.join(DATA_DIR, 'api.log'),
    onLine: echoProblems('api'),
    detached: true,
  });
  procs.push(api);
  // Stopped in reverse: the API first (no new events), then the workers, then the server.
  for (const p of procs.filter((x) => x.role === 'worker')) stops.push(() => p.stop(35_000));
  stops.push(() => api.stop());
  for (const p of procs) {
    void p.exited.then((how) => {
      if (!stopping) {
        say(`${p.name} exited (${how}); see ${p.logFile}`);
        void stopAll(1);
      }
    });
  }

  const apiUrl = `http://127.0.0.1:${API_PORT}`;
  await waitFor('the API', 60_000, async () => {
    try {
      return (await fetch(`${apiUrl}/healthz`)).ok;
    } catch {
      return false;
    }
  }, procs);
  await waitFor('the workers to poll', 120_000, () => procs.every((p) => p.role !== 'worker' || p.ready()), procs);

  say('');
  say('Hookline (production-shape stack) is running.');
  say(`  API:        ${apiUrl}  (try: curl -H "Authorization: Bearer ${apiKey}" ${apiUrl}/v1/webhooks)`);
  say(`  API key:    ${apiKey}${process.env.API_KEY ? '' : `  (kept in ${path.join(DATA_DIR, 'dev-secrets.json')})`}`);
  say(`  Admin key:  ${adminApiKey}`);
  say(`  Temporal:   ${server.address} (Temporal Server ${path.basename(path.dirname(bins.server))}, Postgres ${target.host}:${target.port}, databases ${target.database}, ${target.visibilityDatabase})`);
  say(`  CLI:        temporal workflow list --address ${server.address}`);
  say(`  Database:   ${databaseUrl}`);
  say(`  Workers:    ${WORKERS} processes, pids ${procs.filter((p) => p.role === 'worker').map((p) => p.child.pid).join(', ')}; ${metricsPorts.join(', ')}`);
  say(`  Logs:       ${DATA_DIR}/*.log (warnings and errors are echoed here)`);
  say('Press Ctrl-C to stop.');
}

main().catch((err) => {
  process.stderr.write(`stack:prod failed: ${(err as Error).message}\n`);
  void stopAll(1);
});
