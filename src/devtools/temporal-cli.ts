import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The Temporal CLI holds the dev server and the Web UI in one binary. Later
 * tags carry a `replace` directive that `go install` refuses, so this one is pinned.
 */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const MIN_GO = [1, 25] as const;

export type TemporalCliSource = 'env' | 'path' | 'cache' | 'go-install';

/**
 * Where the dev server binary comes from; `sdk-download` lets @temporalio/testing fetch it (needs
 * internet), with `fix`: the one line that would have avoided it.
 */
export type TemporalExecutable =
  | { type: 'existing-path'; path: string; source: TemporalCliSource }
  | { type: 'sdk-download'; reason: string; fix: string };

/** How long `go install` takes on a fresh machine (2 cores, module downloads included), as the README says. */
export const GO_INSTALL_ESTIMATE = '2.5 to 5 minutes';
const GO_FIX = `install Go ${MIN_GO.join('.')} or newer (https://go.dev/dl/, or your package manager), or set TEMPORAL_CLI_PATH to a temporal binary`;

type Env = Record<string, string | undefined>;

/**
 * Where the Temporal binaries are built once: outside the repo, so clones and CI runs on the same
 * machine share them. `TEMPORAL_CLI_CACHE_DIR`, else `$XDG_CACHE_HOME/hookline`, else `~/.cache/hookline`.
 */
export function binaryCacheBase(env: Env = process.env): string {
  return env.TEMPORAL_CLI_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'hookline');
}

export function temporalCliCacheDir(env: Env = process.env): string {
  return path.join(binaryCacheBase(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Looks without building: `TEMPORAL_CLI_PATH`, then `temporal` on the PATH, then the cached build. */
export function findTemporalCli(env: Env = process.env): TemporalExecutable | undefined {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file`);
    return { type: 'existing-path', path: env.TEMPORAL_CLI_PATH, source: 'env' };
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return { type: 'existing-path', path: fromPath, source: 'path' };
  const cached = path.join(temporalCliCacheDir(env), 'temporal');
  if (isExecutable(cached)) return { type: 'existing-path', path: cached, source: 'cache' };
  return undefined;
}

async function goVersion(env: Env): Promise<[number, number] | undefined> {
  try {
    const { stdout } = await run('go', ['env', 'GOVERSION'], { env: env as NodeJS.ProcessEnv });
    const m = /go(\d+)\.(\d+)/.exec(stdout);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the Temporal CLI or builds it; idempotent. Order: `TEMPORAL_CLI_PATH`,
 * `temporal` on the PATH, the cached build, `go install` (Go >= 1.25), and
 * last the SDK's own download for machines with internet. While it builds it
 * logs its progress every `progressEveryMs` (15 s): the time elapsed, the
 * packages compiled so far, and where go's own log is.
 */
export async function ensureTemporalCli(
  opts: { env?: Env; log?: (line: string) => void; progressEveryMs?: number } = {},
): Promise<TemporalExecutable> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const found = findTemporalCli(env);
  if (found) return found;

  const go = await goVersion(env);
  if (!go) return { type: 'sdk-download', reason: 'no Temporal CLI found and Go is not installed', fix: GO_FIX };
  if (go[0] < MIN_GO[0] || (go[0] === MIN_GO[0] && go[1] < MIN_GO[1])) {
    return { type: 'sdk-download', reason: `Go ${go.join('.')} is older than ${MIN_GO.join('.')}`, fix: GO_FIX };
  }
  const dir = temporalCliCacheDir(env);
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'go-install.log');
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install into ${dir}, once: usually ${GO_INSTALL_ESTIMATE}. Its log: ${logFile}`);
  await goInstall(env, dir, logFile, log, opts.progressEveryMs ?? 15_000);
  const built = path.join(dir, 'temporal');
  if (!isExecutable(built)) throw new Error(`go install finished but ${built} is missing (its log: ${logFile})`);
  return { type: 'existing-path', path: built, source: 'go-install' };
}

/** Runs `go install -v` (it names each package as it compiles it) into `logFile`, reporting progress. */
function goInstall(env: Env, dir: string, logFile: string, log: (line: string) => void, everyMs: number): Promise<void> {
  const started = Date.now();
  const out = createWriteStream(logFile);
  let packages = 0;
  return new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', '-v', `${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}`], {
      env: { ...env, GOBIN: dir } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const count = (chunk: Buffer) => {
      out.write(chunk);
      // -v prints one import path per compiled package; downloads print "go: downloading ...".
      for (const line of chunk.toString('utf8').split('\n')) if (line && !line.startsWith('go: ')) packages++;
    };
    child.stdout.on('data', count);
    child.stderr.on('data', count);
    const ticker = setInterval(() => {
      log(`  ...still building the Temporal CLI: ${elapsed(Date.now() - started)} elapsed (usually ${GO_INSTALL_ESTIMATE}), ${packages} packages compiled so far. Log: ${logFile}`);
    }, everyMs);
    let settled = false;
    const finish = (outcome: () => Error | undefined) => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      out.end(() => {
        const err = outcome();
        if (err) reject(err);
        else resolve();
      });
    };
    child.on('error', (err) => finish(() => err));
    child.on('close', (code, signal) =>
      finish(() => {
        if (code === 0) {
          log(`Built the Temporal CLI in ${elapsed(Date.now() - started)}.`);
          return undefined;
        }
        const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
        return new Error(`go install ${signal ? `was killed (${signal})` : `exited with ${code}`}; the end of its log (${logFile}):\n${tail}`);
      }),
    );
  });
}

function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
