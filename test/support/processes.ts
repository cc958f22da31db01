import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { engineNodeFlags, engineProcessEnv } from '../../src/main/engine-runtime';

const ROOT = path.join(__dirname, '..', '..');


export interface EngineProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Runs `src/main/<entry>.ts` as its own Node process, exactly as `npm run start:<entry>` would. */
export function startEngineProcess(entry: 'api' | 'worker', env: Record<string, string>): EngineProcess {
  const child = spawn(process.execPath, [...engineNodeFlags(entry), '--import', 'tsx', path.join(ROOT, 'src', 'main', `${entry}.ts`)], {
    cwd: ROOT,
    env: engineProcessEnv(entry, { ...process.env, ...env, LOG_JSON: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}
