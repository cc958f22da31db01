import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import type { TemporalExecutable } from './temporal-cli';

export interface DevServerOptions {
  executable: TemporalExecutable;
  /** Persist to this SQLite file; omit to keep everything in memory (tests). */
  dbFilename?: string;
  port?: number;
  /** Serve the Web UI on this port. */
  uiPort?: number;
  namespace?: string;
  /**
   * Run the server at this nice value (1 to 19), below the processes it shares
   * the machine with: the API answers first. Needs `nice` (Linux, macOS).
   */
  niceness?: number;
  /**
   * Temporal's namespace retention, in days: how long it keeps closed workflows (RETENTION_DAYS,
   * as the engine's own data). Omit to keep the dev server's default.
   */
  retentionDays?: number;
}

/**
 * The nice value `npm start` and the benchmark give the dev server, as the
 * worker gives itself (WORKER_NICENESS): ingest is served first, deliveries
 * take the CPU that is left.
 */
export const DEV_SERVER_NICENESS = 10;

/**
 * SQLite pragmas for the persisted dev server. WAL lets readers and the single
 * writer proceed together, and `synchronous=normal` syncs at checkpoints rather
 * than on every commit: with WAL that survives a process crash and can lose only
 * the last moments on a power cut. Measured here: ~60 workflows/s against ~25/s
 * with the defaults, the same as in memory.
 */
export const DEV_SERVER_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/**
 * Eager dispatch: a new delivery workflow's first task goes straight back to
 * the worker whose dispatcher started it, and the activity it schedules to
 * that worker's free slot, each without a trip through the task queue.
 */
export const DEV_SERVER_DYNAMIC_CONFIG = ['system.enableEagerWorkflowStart=true', 'system.enableActivityEagerExecution=true'];

export interface RunningDevServer {
  address: string;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

/** Starts the Temporal dev server with the engine's search attributes registered. */
export async function startDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const extraArgs = [
    ...(opts.dbFilename ? DEV_SERVER_SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]) : []),
    ...DEV_SERVER_DYNAMIC_CONFIG.flatMap((v) => ['--dynamic-config-value', v]),
  ];
  const niced =
    opts.niceness && opts.executable.type === 'existing-path' && process.platform !== 'win32'
      ? await nicedExecutable(opts.executable.path, opts.niceness)
      : undefined;
  try {
    const env = await retryStartupTimeouts(() =>
      TestWorkflowEnvironment.createLocal({
        server: {
          executable:
            opts.executable.type === 'existing-path'
              ? { type: 'existing-path', path: niced?.path ?? opts.executable.path }
              : { type: 'cached-download' },
          dbFilename: opts.dbFilename,
          port: opts.port,
          ui: opts.uiPort !== undefined,
          uiPort: opts.uiPort,
          namespace: opts.namespace,
          searchAttributes: [...SEARCH_ATTRIBUTES],
          extraArgs,
        },
      }),
    );
    if (opts.retentionDays !== undefined) await setNamespaceRetention(env, opts.namespace ?? 'default', opts.retentionDays);
    return {
      address: env.address,
      env,
      stop: () => env.teardown().finally(() => niced?.dispose()),
    };
  } catch (err) {
    await niced?.dispose();
    throw err;
  }
}

/**
 * Sets how long the namespace keeps closed workflows. `start-dev` has no flag for it (its
 * namespaces get a day), so it is set through the frontend once the server is up.
 */
export async function setNamespaceRetention(env: TestWorkflowEnvironment, namespace: string, days: number): Promise<void> {
  await env.connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(days * 86_400_000) },
  });
}

/** How many times the server is started before its start-up timeout is the caller's error. */
export const DEV_SERVER_START_TRIES = 3;

/**
 * Runs `start` again when it fails because the server did not answer in time. The SDK waits a
 * fixed 5 s for a new server to accept connections and kills it when it gives up; a machine busy
 * with other servers starting (the fault suite starts several stacks at once) can need longer.
 * Any other error is thrown at once.
 */
export async function retryStartupTimeouts<T>(start: () => Promise<T>, tries = DEV_SERVER_START_TRIES): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= tries || !isStartupTimeout(err)) throw err;
    }
  }
}

function isStartupTimeout(err: unknown): boolean {
  return err instanceof Error && /did not start within/.test(err.message);
}

/**
 * A launcher that execs the binary under `nice`: the server keeps the
 * launcher's process id, so stopping it stops the server.
 */
async function nicedExecutable(binary: string, niceness: number): Promise<{ path: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hookline-temporal-'));
  const launcher = path.join(dir, 'temporal');
  const quoted = `'${binary.replace(/'/g, `'\\''`)}'`;
  await writeFile(launcher, `#!/bin/sh\nexec nice -n ${Math.trunc(niceness)} ${quoted} "$@"\n`);
  await chmod(launcher, 0o755);
  return { path: launcher, dispose: () => rm(dir, { recursive: true, force: true }) };
}
