/**
 * One engine process (the API or the worker) launched by `npm start`: its own
 * Node process run the way the production launchers run it (the role's flags
 * and environment from engine-runtime.ts), from TypeScript through tsx, or
 * from the compiled JavaScript beside this file when that is what runs.
 *
 * Each child gets its own process group, so a Ctrl-C at the terminal reaches
 * only the launcher, which then stops the children one after the other (a
 * second signal straight to a child would cut its graceful shutdown short).
 * An IPC channel links them: a child says when it is serving, and stops by
 * itself if its launcher disappears without stopping it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { isReadyMessage, type ReadyMessage } from './child-messages';
import { engineNodeFlags, engineProcessEnv, type EngineRole } from './engine-runtime';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The command line of an engine process launched from this module. */
export function engineCommandLine(role: EngineRole): string[] {
  const compiled = __filename.endsWith('.js');
  const entry = path.join(__dirname, `${role}.${compiled ? 'js' : 'ts'}`);
  const loader = compiled ? [] : ['--import', pathToFileURL(require.resolve('tsx')).href];
  return [...engineNodeFlags(role), ...loader, entry];
}

export class EngineChild {
  readonly process: ChildProcess;
  /** Resolves when the child says it is serving; rejects if it exits first. */
  readonly ready: Promise<ReadyMessage>;
  /** Resolves when the child has exited, however it ended. */
  readonly exited: Promise<ChildExit>;
  exit?: ChildExit;

  constructor(
    readonly role: EngineRole,
    env: NodeJS.ProcessEnv,
    onLine: (role: EngineRole, line: string, stream: 'stdout' | 'stderr') => void,
  ) {
    this.process = spawn(process.execPath, engineCommandLine(role), {
      env: engineProcessEnv(role, env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.process[stream]!, crlfDelay: Infinity }).on('line', (line) => onLine(role, line, stream));
    }
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.exit = { code, signal };
        // Whatever it had started itself (its group) goes with it.
        this.killGroup();
        resolve(this.exit);
      });
    });
    this.ready = new Promise((resolve, reject) => {
      this.process.on('message', (message) => {
        if (isReadyMessage(message)) resolve(message);
      });
      void this.exited.then((exit) => reject(new Error(`the ${role} process exited while starting (${describeExit(exit)})`)));
      // A spawn failure (no such executable) ends in 'error' and 'exit' too.
      this.process.once('error', (err) => reject(err));
    });
    // Awaited by whoever needs it; an early exit is reported through `exited` as well.
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.exit === undefined && this.process.pid !== undefined;
  }

  /** SIGTERM (the process's graceful shutdown), then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs: number): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const result = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (result === 'late') {
      this.process.kill('SIGKILL');
      this.killGroup();
    }
    return this.exited;
  }

  private killGroup(): void {
    if (this.process.pid === undefined || process.platform === 'win32') return;
    try {
      process.kill(-this.process.pid, 'SIGKILL');
    } catch {
      // No process left in the group.
    }
  }
}

export function describeExit(exit: ChildExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}
