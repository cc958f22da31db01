/**
 * How each engine process is run: the Node flags and environment that go
 * with its entry point. The Docker image (Dockerfile, docker-compose.yml), the
 * npm scripts, the benchmark and the test and fault-suite launchers all run
 * the worker this way; `test/unit/engine-runtime.test.ts` checks the files
 * that cannot import this module.
 *
 * Why the worker's memory is bounded: its live JavaScript heap is small
 * (about 40 MB in the main isolate and 25 MB in the workflow thread with
 * 10,000 deliveries in backoff), but with V8's defaults on a large machine
 * each isolate lets garbage grow to several times that before a full
 * collection, and glibc keeps an arena per thread. Measured with 10,000
 * deliveries in backoff: 354 MB RSS with the defaults and a 500-workflow
 * cache, 260 MB with these flags and the 200-workflow cache.
 */
export type EngineRole = 'api' | 'worker';

/** V8 flags of the worker: a 256 MB old space (six times its live heap) and 4 MB semi-spaces, per isolate. */
export const WORKER_NODE_FLAGS: readonly string[] = Object.freeze(['--max-old-space-size=256', '--max-semi-space-size=4']);

/** Environment of the worker process: two malloc arenas instead of one per thread. */
export const WORKER_PROCESS_ENV: Readonly<Record<string, string>> = Object.freeze({ MALLOC_ARENA_MAX: '2' });

/** Node flags for an engine process. */
export function engineNodeFlags(role: EngineRole): string[] {
  return role === 'worker' ? [...WORKER_NODE_FLAGS] : [];
}

/** Environment for an engine process: `env`, with the role's own settings where `env` does not set them. */
export function engineProcessEnv<T extends Record<string, string | undefined>>(role: EngineRole, env: T): T {
  return role === 'worker' ? { ...WORKER_PROCESS_ENV, ...env } : env;
}
