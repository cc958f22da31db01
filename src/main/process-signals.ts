import { ConfigError } from '../config';

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits; a second signal exits at once.
 * A process launched by `npm start` (with an IPC channel to it) also stops when
 * that channel closes: its launcher is gone, and nothing would stop it otherwise.
 */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  if (process.channel) {
    // The channel alone does not keep the process running.
    process.channel.unref();
    process.once('disconnect', () => {
      if (!stopping) handler('SIGTERM');
    });
  }
}

export function exitOnFatal(err: unknown): never {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`fatal: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}

/**
 * The Temporal SDK serves its runtime metrics on `TEMPORAL_SDK_METRICS_PORT`
 * (loopback only: the worker's own /metrics merges them). Read here because
 * the runtime is installed before configuration is loaded.
 */
export function sdkTelemetry() {
  const port = Number(process.env.TEMPORAL_SDK_METRICS_PORT ?? 9465);
  return port > 0 ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } } : undefined;
}
