/**
 * `npm start` as a newcomer runs it: its launcher starts the API and the
 * worker as processes of their own (the worker and the dev server niced),
 * relays their logs, stops them all on Ctrl-C, and stops everything with an
 * error when one of them dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/devtools/free-port';
import { WORKER_NODE_FLAGS } from '../../src/main/engine-runtime';
import { TEST_API_KEY, createTestDatabase, testConfigEnv } from '../support/harness';
import { Receiver } from '../support/receiver';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

jest.setTimeout(90_000);

const ROOT = path.join(__dirname, '..', '..');
const describeOnLinux = process.platform === 'linux' ? describe : describe.skip;

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Pids from the banner, once it is printed. */
  pids(): { api: number; worker: number };
}

/** Runs `npm start`'s command (package.json "start") with only the environment given. */
function npmStart(env: Record<string, string>): Started {
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
  const script = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
  const [command, ...args] = script.split(/\s+/);
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    pids() {
      const m = /api pid (\d+), worker pid (\d+)/.exec(out);
      if (!m) throw new Error(`no pids in the banner:\n${out}`);
      return { api: Number(m[1]), worker: Number(m[2]) };
    },
  };
}

/** Fields of /proc/<pid>/stat after the command: [0] is the state, [1] the parent pid, [16] the nice value. */
function stat(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && stat(pid)[0] !== 'Z';
}

/** Every process below `pid`, at any depth. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let list = '';
    try {
      list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    } catch {
      continue;
    }
    for (const c of list ? list.split(/\s+/).map(Number) : []) out.push(c, ...descendants(c));
  }
  return out;
}

const comm = (pid: number) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

const started: Started[] = [];
const dirs: string[] = [];
let receiver: Receiver | undefined;
afterAll(async () => {
  for (const s of started) {
    if (s.child.exitCode !== null || s.child.signalCode !== null) continue;
    const below = descendants(s.child.pid!);
    s.child.kill('SIGKILL');
    for (const pid of below) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  await receiver?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeOnLinux('npm start', () => {
  it('runs the API and a niced worker as separate processes, delivers, and stops every process on SIGINT with exit code 0', async () => {
    receiver = await Receiver.start();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hookline-start-'));
    dirs.push(dataDir);
    // Run as root, the embedded server drops to a `postgres` user, which must reach its data directory.
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    // Everything npm start provides itself: the embedded Postgres, the dev server, the development keys.
    const s = npmStart({
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_SDK_METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      LOG_JSON: '1',
    });
    started.push(s);
    await waitFor(() => s.output().includes('Press Ctrl-C to stop.') || s.child.exitCode !== null, {
      timeoutMs: 75_000,
      message: 'npm start to print its banner',
      progress: () => s.output().slice(-2000),
    });
    expect(s.output()).toContain('Hookline is running.');
    const launcher = s.child.pid!;
    const { api, worker } = s.pids();

    // Separate processes, children of the launcher, each a Node process of its own.
    expect(new Set([launcher, api, worker]).size).toBe(3);
    expect(Number(stat(api)[1])).toBe(launcher);
    expect(Number(stat(worker)[1])).toBe(launcher);
    // The worker and the dev server at nice 10 (every thread of the worker), the API and the launcher not lowered.
    const baseNice = os.getPriority(launcher);
    expect(os.getPriority(api)).toBe(baseNice);
    const workerThreads = readdirSync(`/proc/${worker}/task`).map((tid) => Number(readFileSync(`/proc/${worker}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
    expect(new Set(workerThreads)).toEqual(new Set([10]));
    const temporal = descendants(launcher).filter((p) => comm(p) === 'temporal');
    expect(temporal.length).toBeGreaterThan(0);
    for (const p of temporal) expect(os.getPriority(p)).toBe(10);
    // The worker as the production launchers run it.
    const cmdline = readFileSync(`/proc/${worker}/cmdline`, 'utf8').split('\0');
    for (const flag of WORKER_NODE_FLAGS) expect(cmdline).toContain(flag);
    expect(readFileSync(`/proc/${worker}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');

    // One log stream: the children's lines through the launcher, each marked with its process.
    const logLines = s
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { process?: string; msg?: string });
    expect(logLines.find((l) => l.msg === 'API listening')?.process).toBe('api');
    expect(logLines.find((l) => l.msg === 'worker polling')?.process).toBe('worker');

    // A delivery end to end through the started system, with the generated development key.
    const { apiKey } = JSON.parse(readFileSync(path.join(dataDir, 'dev-secrets.json'), 'utf8')) as { apiKey: string };
    const call = (method: string, p: string, body: unknown) =>
      fetch(`http://127.0.0.1:${port}${p}`, {
        method,
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    expect((await call('POST', '/v1/webhooks', { name: 'start', url: receiver.url, events: ['start.test'] })).status).toBe(201);
    const published = await call('POST', '/v1/events', { type: 'start.test', data: { n: 1 } });
    expect(published.status).toBe(202);
    const { id } = (await published.json()) as { id: string };
    await waitFor(() => receiver!.requests.find((r) => r.headers['webhook-id'] === id), { timeoutMs: 30_000, message: 'the delivery to arrive' });

    // Ctrl-C: SIGINT to the launcher alone; every process below it stops, and it exits 0.
    const below = descendants(launcher);
    expect(below).toEqual(expect.arrayContaining([api, worker, ...temporal]));
    const stoppingAt = Date.now();
    s.child.kill('SIGINT');
    const exit = await Promise.race([s.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 30_000).unref())]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppingAt).toBeLessThan(30_000);
    expect(s.output()).toContain('Stopped.');
    await waitFor(() => below.every((p) => !alive(p)), { timeoutMs: 5_000, message: 'no process left', progress: () => below.filter(alive).join(' ') });
  });

  it('stops everything with a message and exit code 1 when a child dies', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hookline-start-'));
    dirs.push(dataDir);
    // Postgres and Temporal of the test run; npm start starts neither.
    const env = Object.fromEntries(
      Object.entries(
        testConfigEnv({
          DATABASE_URL: await createTestDatabase(),
          TEMPORAL_ADDRESS: testEnv('temporalAddress'),
          DATA_DIR: dataDir,
          PORT: String(await freePort()),
          TEMPORAL_SDK_METRICS_PORT: '0',
          LOG_JSON: '1',
        }),
      ).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const s = npmStart(env);
    started.push(s);
    await waitFor(() => s.output().includes('Press Ctrl-C to stop.') || s.child.exitCode !== null, {
      timeoutMs: 60_000,
      message: 'npm start to print its banner',
      progress: () => s.output().slice(-2000),
    });
    expect(s.output()).toContain(`API key:      ${TEST_API_KEY}`);
    const { api, worker } = s.pids();
    const below = descendants(s.child.pid!);

    process.kill(worker, 'SIGKILL');
    const exit = await Promise.race([s.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 30_000).unref())]);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(s.output()).toMatch(new RegExp(`The worker process \\(pid ${worker}\\) exited unexpectedly \\(killed by SIGKILL\\): stopping Hookline`));
    // The API went with it: no half-running system.
    await waitFor(() => !alive(api) && below.every((p) => !alive(p)), { timeoutMs: 5_000, message: 'no process left', progress: () => below.filter(alive).join(' ') });
  });
});
