/**
 * The production-shape Temporal server: Temporal Server 1.29.1 built from the Go module proxy,
 * persisting to PostgreSQL, with the config kept in deploy/temporal-postgres/. Used by
 * `npm run stack:prod` (scripts/stack-prod.ts) and by the fault suite's FAULT_STACK=prod variant.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { binaryCacheBase, ensureTemporalCli, isExecutable } from '../../src/devtools/temporal-cli';

const run = promisify(execFile);

export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Run the server from here: `--root .` and the dynamic-config path in the config resolve against it. */
export const TEMPORAL_POSTGRES_DIR = path.join(REPO_ROOT, 'deploy', 'temporal-postgres');

type Env = Record<string, string | undefined>;
type Log = (line: string) => void;

/** Next to the CLI's cache (src/devtools/temporal-cli.ts): `~/.cache/hookline/temporal-server-1.29.1/`. */
export function temporalServerCacheDir(env: Env = process.env): string {
  return path.join(binaryCacheBase(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

export interface TemporalServerBinaries {
  /** `server`: the Temporal Server. */
  server: string;
  /** `sql`: temporal-sql-tool, with the schemas embedded. */
  sqlTool: string;
}

/**
 * `go install`s the server and its schema tool into the cache dir, unless both are there already
 * (about 1.5 to 4 minutes on 2 cores, once).
 */
export async function ensureTemporalServer(opts: { env?: Env; log?: Log } = {}): Promise<TemporalServerBinaries> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const dir = temporalServerCacheDir(env);
  const bins = { server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql') };
  const missing = [
    ...(isExecutable(bins.server) ? [] : [`${TEMPORAL_SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`]),
    ...(isExecutable(bins.sqlTool) ? [] : [`${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`]),
  ];
  if (missing.length === 0) return bins;
  mkdirSync(dir, { recursive: true });
  log(`Building the Temporal Server ${TEMPORAL_SERVER_VERSION} with go install into ${dir} (a few minutes, once)...`);
  try {
    await run('go', ['install', ...missing], { env: { ...env, GOBIN: dir } as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new Error('Go is not installed: it is needed once, to build the Temporal Server (go install).');
    throw new Error(`go install failed: ${e.stderr?.trim() || e.message}`);
  }
  for (const file of Object.values(bins)) if (!isExecutable(file)) throw new Error(`go install finished but ${file} is missing`);
  return bins;
}

export interface TemporalPostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** History, executions, task queues... */
  database: string;
  /** Visibility: the workflow lists and search attributes of the UI and CLI. */
  visibilityDatabase: string;
}

/** host, port, user and password from a postgres:// URL, with the two database names. */
export function temporalPostgresTarget(pgUrl: string, database = 'temporal', visibilityDatabase = 'temporal_visibility'): TemporalPostgresTarget {
  const u = new URL(pgUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database,
    visibilityDatabase,
  };
}

function adminClient(t: TemporalPostgresTarget, database = 'postgres'): Client {
  return new Client({ host: t.host, port: t.port, user: t.user, password: t.password, database });
}

/**
 * Creates and migrates both databases with temporal-sql-tool; idempotent. A database that exists
 * is not created again, `setup-schema -v 0.0` runs only where there is no `schema_version` table
 * yet, and `update-schema` brings either schema to the version the tool embeds (a no-op when it is
 * there already).
 */
export async function setupTemporalDatabases(sqlTool: string, t: TemporalPostgresTarget, log: Log = () => undefined): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', t.host, '-p', String(t.port), '-u', t.user, ...(t.password ? ['--pw', t.password] : [])];
  for (const [database, schema] of [
    [t.database, 'postgresql/v12/temporal'],
    [t.visibilityDatabase, 'postgresql/v12/visibility'],
  ] as const) {
    const admin = adminClient(t);
    await admin.connect();
    let exists: boolean;
    try {
      exists = ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount ?? 0) > 0;
    } finally {
      await admin.end();
    }
    const sql = (...args: string[]) => run(sqlTool, [...base, '--db', database, ...args], { maxBuffer: 16 * 1024 * 1024 });
    if (!exists) {
      log(`  creating database ${database}`);
      await sql('create');
    }
    const db = adminClient(t, database);
    await db.connect();
    let versioned: boolean;
    try {
      versioned = (await db.query(`SELECT to_regclass('public.schema_version') IS NOT NULL AS present`)).rows[0].present;
    } finally {
      await db.end();
    }
    if (!versioned) {
      log(`  setting up the schema of ${database}`);
      await sql('setup-schema', '-v', '0.0');
    }
    await sql('update-schema', '--schema-name', schema);
    log(`  ${database}: schema ${schema} up to date`);
  }
}

/** Drops both databases (the fault suite's own, after a run). */
export async function dropTemporalDatabases(t: TemporalPostgresTarget): Promise<void> {
  const admin = adminClient(t);
  await admin.connect();
  try {
    for (const db of [t.database, t.visibilityDatabase]) await admin.query(`DROP DATABASE IF EXISTS "${db.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Ports the server takes for a frontend port P (see the config): P, P+1, P+2, P+6, P+10, P-300, P-299, P-298, P-294. */
export function serverPorts(frontendPort: number): number[] {
  return [0, 1, 2, 6, 10, -300, -299, -298, -294].map((d) => frontendPort + d);
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

/** A frontend port whose whole set of server ports is free, searching upwards from `start` in steps of 20. */
export async function freeServerPortBase(start: number): Promise<number> {
  for (let base = start; base < start + 2000; base += 20) {
    const busy = await Promise.all(serverPorts(base).map(portInUse));
    if (!busy.some(Boolean)) return base;
  }
  throw new Error(`no free set of Temporal ports from ${start}`);
}

export interface TemporalServerOptions {
  server: string;
  target: TemporalPostgresTarget;
  /** The frontend's gRPC port. @default 7233 */
  port?: number;
  metricsPort?: number;
  /** Connections per service and store; 4 services each open both pools. */
  maxConns?: number;
  visibilityMaxConns?: number;
  /** The server's own output goes here (appended). */
  logFile: string;
  /** Its own process group (see spawnEngine). */
  detached?: boolean;
}

export interface RunningTemporalServer {
  address: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** The server's environment: the HOOKLINE_TEMPORAL_* variables the config template reads. */
export function temporalServerEnv(opts: Omit<TemporalServerOptions, 'server' | 'logFile' | 'detached'>): NodeJS.ProcessEnv {
  const { target: t } = opts;
  return {
    ...process.env,
    HOOKLINE_TEMPORAL_PG_HOST: t.host,
    HOOKLINE_TEMPORAL_PG_PORT: String(t.port),
    HOOKLINE_TEMPORAL_PG_USER: t.user,
    HOOKLINE_TEMPORAL_PG_PASSWORD: t.password,
    HOOKLINE_TEMPORAL_DB: t.database,
    HOOKLINE_TEMPORAL_VISIBILITY_DB: t.visibilityDatabase,
    HOOKLINE_TEMPORAL_PORT: String(opts.port ?? 7233),
    HOOKLINE_TEMPORAL_METRICS_PORT: String(opts.metricsPort ?? 8000),
    ...(opts.maxConns ? { HOOKLINE_TEMPORAL_MAX_CONNS: String(opts.maxConns) } : {}),
    ...(opts.visibilityMaxConns ? { HOOKLINE_TEMPORAL_VISIBILITY_MAX_CONNS: String(opts.visibilityMaxConns) } : {}),
  };
}

/** Starts the server and waits until its frontend accepts connections (not yet that it serves: see waitForTemporal). */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<RunningTemporalServer> {
  const port = opts.port ?? 7233;
  const out = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(opts.server, ['--root', '.', '--config', 'config', '--env', 'development-postgres12', '--allow-no-auth', 'start'], {
    cwd: TEMPORAL_POSTGRES_DIR,
    env: temporalServerEnv(opts),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Temporal server exited (${child.exitCode ?? child.signalCode}) during start-up; see ${opts.logFile}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Temporal server did not open port ${port} within 60 s; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `127.0.0.1:${port}`,
    process: child,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      out.end();
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function cli(exe: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout, stderr } = await run(exe, args, { maxBuffer: 8 * 1024 * 1024 });
    return { ok: true, out: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

/** Retries `step` every second until it returns true, or throws after `timeoutMs`. */
async function until(what: string, timeoutMs: number, step: () => Promise<boolean | string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: boolean | string = false;
  for (;;) {
    last = await step();
    if (last === true) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${typeof last === 'string' ? `: ${last.trim()}` : ''}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * With the Temporal CLI: waits for the cluster to serve, creates the namespace and registers the
 * engine's Keyword search attributes (WebhookId, EventType, DeliveryStatus). Idempotent.
 */
export async function registerNamespaceAndSearchAttributes(opts: {
  address: string;
  namespace?: string;
  /** How long the namespace keeps closed workflows (RETENTION_DAYS). @default 30 */
  retentionDays?: number;
  log?: Log;
  timeoutMs?: number;
}): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const namespace = opts.namespace ?? 'default';
  const retention = `${(opts.retentionDays ?? 30) * 24}h`;
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const exe = await ensureTemporalCli({ log });
  if (exe.type !== 'existing-path') throw new Error(`the Temporal CLI is needed to register the namespace (${exe.reason})`);
  const temporal = (...args: string[]) => cli(exe.path, [...args, '--address', opts.address]);

  await until('the cluster to serve', timeoutMs, async () => {
    const r = await temporal('operator', 'cluster', 'health');
    return (r.ok && /SERVING/.test(r.out)) || r.out;
  });
  await until(`namespace ${namespace}`, timeoutMs, async () => {
    if ((await temporal('operator', 'namespace', 'describe', '--namespace', namespace)).ok) return true;
    const created = await temporal('operator', 'namespace', 'create', '--namespace', namespace, '--retention', retention);
    if (created.ok) log(`  created namespace ${namespace}`);
    return created.out;
  });
  // An existing namespace follows a changed RETENTION_DAYS too.
  await until(`namespace ${namespace} retention ${retention}`, timeoutMs, async () => {
    const updated = await temporal('operator', 'namespace', 'update', '--namespace', namespace, '--retention', retention);
    return updated.ok || updated.out;
  });
  for (const key of SEARCH_ATTRIBUTES) {
    await until(`search attribute ${key.name}`, timeoutMs, async () => {
      const list = await temporal('operator', 'search-attribute', 'list', '--namespace', namespace);
      if (list.ok && new RegExp(`(^|\\W)${key.name}(\\W|$)`, 'm').test(list.out)) return true;
      const r = await temporal('operator', 'search-attribute', 'create', '--namespace', namespace, '--name', key.name, '--type', 'Keyword');
      if (r.ok) log(`  registered search attribute ${key.name} (Keyword)`);
      return /already exists/i.test(r.out) || r.out;
    });
  }
}
