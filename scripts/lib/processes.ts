/**
 * The engine's API and worker as child processes, configured by environment only, as they run in
 * production. Shared by `npm run stack:prod` and the fault suite.
 *
 * They run as `node --import tsx <entry>` rather than through the `tsx` command: `tsx` starts the
 * program in a second Node process, so a SIGKILL sent to `tsx` would leave the real API or worker
 * running. With `--import tsx` the pid is the engine process itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { engineNodeFlags, engineProcessEnv, type EngineRole } from '../../src/main/engine-runtime';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export type { EngineRole };

export interface EngineProcess {
  name: string;
  role: EngineRole;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** True once the worker has logged that it polls (workers only). */
  ready(): boolean;
  alive(): boolean;
  /** SIGKILL: no shutdown handler runs. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnEngine(opts: {
  name: string;
  role: EngineRole;
  env: Record<string, string | undefined>;
  logFile: string;
  /** Each complete output line, as well as the log file. */
  onLine?: (line: string) => void;
  /**
   * Its own process group, so a Ctrl-C in the terminal reaches only the parent, which then stops
   * it with one SIGTERM (a second signal would make the engine exit at once, cutting its grace).
   */
  detached?: boolean;
}): EngineProcess {
  const entry = path.join(REPO_ROOT, 'src', 'main', opts.role === 'api' ? 'api.ts' : 'worker.ts');
  const out: WriteStream = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...engineNodeFlags(opts.role), '--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: engineProcessEnv(opts.role, { PATH: process.env.PATH, HOME: process.env.HOME, LOG_JSON: '1', ...opts.env }) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let polling = false;
  let partial = '';
  const onData = (chunk: Buffer) => {
    out.write(chunk);
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!polling && line.includes('worker polling')) polling = true;
      opts.onLine?.(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => {
      out.end();
      resolve(signal ?? code);
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name: opts.name,
    role: opts.role,
    child,
    logFile: opts.logFile,
    exited,
    ready: () => polling,
    alive,
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 15_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
