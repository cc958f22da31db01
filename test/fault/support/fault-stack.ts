/**
 * A whole engine of its own for one fault test, every part a real process that the test can kill
 * or stop and start again:
 *
 *   - PostgreSQL: an embedded server in a temp dir, on a free port (test/fault/support/postgres-server.ts);
 *   - Temporal: the dev server persisted to a SQLite file in the temp dir (src/devtools/dev-server.ts),
 *     or with FAULT_STACK=prod the Postgres-backed Temporal Server of `npm run stack:prod`
 *     (scripts/lib/temporal-postgres.ts), its two databases on FAULT_TEMPORAL_PG_URL
 *     (default: the machine's Postgres, postgres://postgres@127.0.0.1:5432/postgres);
 *   - the API and the workers: `node --import tsx src/main/api.ts` / `worker.ts`, configured by
 *     environment like production (scripts/lib/processes.ts).
 *
 * Logs of every process stay in the temp dir, which is kept (and named) when a test fails.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { spawnEngine, REPO_ROOT, type EngineProcess } from '../../../scripts/lib/processes';
import {
  dropTemporalDatabases,
  ensureTemporalServer,
  freeServerPortBase,
  registerNamespaceAndSearchAttributes,
  setupTemporalDatabases,
  startTemporalServer,
  temporalPostgresTarget,
  type RunningTemporalServer,
  type TemporalPostgresTarget,
} from '../../../scripts/lib/temporal-postgres';
import { startDevServer, type RunningDevServer } from '../../../src/devtools/dev-server';
import { ensureTemporalCli, type TemporalExecutable } from '../../../src/devtools/temporal-cli';
import { waitUntil } from './wait';
import { freePort } from '../../../src/devtools/free-port';

export type Env = Record<string, string | undefined>;
export type StackKind = 'dev' | 'prod';

export const FAULT_STACK: StackKind = process.env.FAULT_STACK === 'prod' ? 'prod' : 'dev';
export const API_KEY = 'fault-api-key-0123456789abcdef';


/** The embedded PostgreSQL, as a process that can be stopped and started again on the same data. */
class PostgresProcess {
  url = '';
  private child?: ChildProcess;

  constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly logFile: string,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'postgres-server.ts'), this.dir, String(this.port), 'hookline'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    child.stderr!.pipe(log);
    this.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /ready (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`embedded Postgres exited (${code}) during start-up; see ${this.logFile}`)));
    });
  }

  /** Fast shutdown: open sessions are cut, as when a database server restarts. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/** The Temporal server: the dev server on a SQLite file, or the Postgres-backed server. */
interface TemporalServer {
  address: string;
  describe: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stop and drop what it keeps outside the temp dir. */
  dispose(): Promise<void>;
}

class DevTemporal implements TemporalServer {
  address: string;
  describe: string;
  private server?: RunningDevServer;

  constructor(
    private readonly executable: TemporalExecutable,
    private readonly dbFilename: string,
    private readonly port: number,
  ) {
    this.address = `127.0.0.1:${port}`;
    this.describe = `Temporal dev server, SQLite file ${dbFilename}`;
  }

  async start(): Promise<void> {
    // Same file and port as before: a restart, not a new server.
    this.server = await startDevServer({ executable: this.executable, dbFilename: this.dbFilename, port: this.port });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await s?.stop();
  }

  dispose(): Promise<void> {
    return this.stop();
  }
}

class PostgresTemporal implements TemporalServer {
  address: string;
  describe: string;
  private server?: RunningTemporalServer;

  constructor(
    private readonly serverBin: string,
    private readonly target: TemporalPostgresTarget,
    private readonly port: number,
    private readonly logFile: string,
  ) {
    this.address = `127.0.0.1:${port}`;
    this.describe = `Temporal Server on Postgres (${target.host}:${target.port}/${target.database})`;
  }

  async start(): Promise<void> {
    this.server = await startTemporalServer({
      server: this.serverBin,
      target: this.target,
      port: this.port,
      metricsPort: await freePort(),
      logFile: this.logFile,
    });
    await registerNamespaceAndSearchAttributes({ address: this.address });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await s?.stop();
  }

  async dispose(): Promise<void> {
    await this.stop();
    await dropTemporalDatabases(this.target).catch(() => undefined);
  }
}

export interface FaultStackOptions {
  /** Names the temp dir and the task queue. */
  name: string;
  /** Engine settings for this test (retry schedule...), on top of the suite's defaults. */
  env?: Env;
  workers?: number;
}

export class FaultStack {
  readonly apiKey = API_KEY;
  apiUrl = '';
  readonly workers: Array<EngineProcess | undefined> = [];
  api?: EngineProcess;
  /** The test's own view of the app database (2 connections; survives a Postgres restart). */
  db!: Pool;
  private readonly env: Env;
  private apiPort = 0;
  private failed = false;

  private constructor(
    readonly kind: StackKind,
    readonly dir: string,
    readonly postgres: PostgresProcess,
    readonly temporal: TemporalServer,
    opts: FaultStackOptions,
  ) {
    this.env = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      API_KEY,
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TEMPORAL_TASK_QUEUE: `fault-${opts.name}-${randomBytes(3).toString('hex')}`,
      ALLOW_PRIVATE_TARGETS: '127.0.0.0/8',
      WORKER_METRICS_PORT: '0',
      TEMPORAL_SDK_METRICS_PORT: '0',
      EVENTS_RATE_LIMIT_PER_SECOND: '0',
      // A receiver that is down must not get its webhook disabled: the faults are about delivery.
      AUTO_DISABLE_FAILURE_THRESHOLD: '-1',
      DISPATCH_POLL_INTERVAL_MS: '250',
      WORKER_SHUTDOWN_GRACE_MS: '2000',
      // To try an engine change without editing it: FAULT_ENGINE_NODE_OPTIONS='--require /path/to/patch.js'.
      NODE_OPTIONS: process.env.FAULT_ENGINE_NODE_OPTIONS,
      ...opts.env,
    };
  }

  static async start(opts: FaultStackOptions): Promise<FaultStack> {
    const started = Date.now();
    const dir = mkdtempSync(path.join(os.tmpdir(), `hookline-fault-${opts.name}-`));
    // Run as root, the embedded server runs as a `postgres` user, which must reach its data directory.
    chmodSync(dir, 0o755);
    const postgres = new PostgresProcess(path.join(dir, 'postgres'), await freePort(), path.join(dir, 'postgres.log'));
    let temporal: TemporalServer;
    if (FAULT_STACK === 'prod') {
      const bins = await ensureTemporalServer();
      const pgUrl = process.env.FAULT_TEMPORAL_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      const suffix = `${opts.name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
      const target = temporalPostgresTarget(pgUrl, `hookline_fault_temporal_${suffix}`, `hookline_fault_temporal_vis_${suffix}`);
      await setupTemporalDatabases(bins.sqlTool, target);
      const base = await freeServerPortBase(17233 + Math.floor(Math.random() * 50) * 20);
      temporal = new PostgresTemporal(bins.server, target, base, path.join(dir, 'temporal-server.log'));
    } else {
      const executable = await ensureTemporalCli();
      temporal = new DevTemporal(executable, path.join(dir, 'temporal.db'), await freePort());
    }
    const stack = new FaultStack(FAULT_STACK, dir, postgres, temporal, opts);
    try {
      await Promise.all([postgres.start(), temporal.start()]);
      stack.db = new Pool({ connectionString: postgres.url, max: 2, connectionTimeoutMillis: 3_000 });
      stack.db.on('error', () => undefined);
      stack.apiPort = await freePort();
      stack.apiUrl = `http://127.0.0.1:${stack.apiPort}`;
      // The API migrates the database first; the workers then find it ready.
      await stack.startApi();
      await Promise.all(Array.from({ length: opts.workers ?? 1 }, (_, i) => stack.startWorker(i)));
    } catch (err) {
      stack.failed = true;
      await stack.stop();
      throw err;
    }
    stack.note(`stack ready in ${Date.now() - started} ms (${temporal.describe}; logs in ${dir})`);
    return stack;
  }

  engineEnv(extra: Env = {}): Env {
    return {
      ...this.env,
      DATABASE_URL: this.postgres.url,
      TEMPORAL_ADDRESS: this.temporal.address,
      ...extra,
    };
  }

  async startApi(): Promise<void> {
    const api = spawnEngine({
      name: 'api',
      role: 'api',
      env: this.engineEnv({ PORT: String(this.apiPort) }),
      logFile: path.join(this.dir, 'api.log'),
    });
    this.api = api;
    await waitUntil(
      async () => {
        if (!api.alive()) throw new Error(`the API exited; see ${api.logFile}`);
        return (await fetch(`${this.apiUrl}/healthz`)).ok;
      },
      { timeoutMs: 90_000, intervalMs: 250, message: 'the API to listen' },
    );
  }

  async killApi(): Promise<void> {
    await this.api?.kill9();
  }

  async startWorker(i = 0): Promise<EngineProcess> {
    const worker = spawnEngine({
      name: `worker-${i + 1}`,
      role: 'worker',
      env: this.engineEnv(),
      logFile: path.join(this.dir, `worker-${i + 1}.log`),
    });
    this.workers[i] = worker;
    await waitUntil(
      () => {
        if (!worker.alive()) throw new Error(`worker-${i + 1} exited; see ${worker.logFile}`);
        return worker.ready();
      },
      { timeoutMs: 120_000, intervalMs: 250, message: `worker-${i + 1} to poll` },
    );
    return worker;
  }

  async killWorker(i = 0): Promise<void> {
    await this.workers[i]?.kill9();
  }

  /** Every engine process still running: a fault test checks that nothing died on its own. */
  deadProcesses(): string[] {
    return [this.api, ...this.workers].filter((p): p is EngineProcess => !!p && !p.alive()).map((p) => `${p.name} (${p.logFile})`);
  }

  /** The workers' log files (a restarted worker appends to its predecessor's). */
  workerLogs(): string[] {
    return this.workers.filter((w): w is EngineProcess => !!w).map((w) => w.logFile);
  }

  /** Lines of a process's log that match `pattern` (for the report). */
  logLines(file: string, pattern: RegExp): string[] {
    try {
      return readFileSync(file, 'utf8').split('\n').filter((l) => pattern.test(l));
    } catch {
      return [];
    }
  }

  note(line: string): void {
    process.stderr.write(`[fault] ${line}\n`);
  }

  /** Call when the test fails: the temp dir (logs, data) is kept for a post-mortem. */
  markFailed(): void {
    this.failed = true;
  }

  async stop(): Promise<void> {
    await Promise.all([this.api?.stop(3_000), ...this.workers.map((w) => w?.stop(3_000))]);
    await this.db?.end().catch(() => undefined);
    await this.temporal.dispose().catch(() => undefined);
    await this.postgres.stop().catch(() => undefined);
    // FAULT_KEEP=1 keeps the temp dir of a passing test too.
    if (this.failed || process.env.FAULT_KEEP) this.note(`kept ${this.dir} (logs of every process)`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
