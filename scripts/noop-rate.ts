/**
 * `npm run temporal:noop-rate -- [--address host:port] [--runs 1500] [--concurrency 30]`
 *
 * What a Temporal server sustains for the simplest durable unit of work: a no-op workflow running
 * one no-op activity, started and awaited `--concurrency` at a time, with a worker in this
 * process on a task queue of its own. The same measurement as the benchmark's "Temporal limit"
 * (bench/scenarios/limits.ts), to compare the dev server with the Postgres-backed server of
 * `npm run stack:prod` (the default address).
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main() {
  const address = arg('address', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233');
  const runs = Number(arg('runs', '1500'));
  const concurrency = Number(arg('concurrency', '30'));
  const namespace = arg('namespace', 'default');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const taskQueue = `noop-rate-${randomBytes(4).toString('hex')}`;
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'noop', 'workflows.ts'), logger: new DefaultLogger('WARN') });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    namespace,
    taskQueue,
    workflowBundle: { code },
    activities: { async noop() {} },
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address }), namespace });
  let next = 0;
  const runOne = async () => {
    const id = `noop-${taskQueue}-${next++}`;
    await client.workflow.execute('noopWorkflow', { taskQueue, workflowId: id });
  };
  const lanes = async (n: number) => {
    let started = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, n) }, async () => {
        while (started < n) {
          started++;
          await runOne();
        }
      }),
    );
  };
  // Warm-up: caches, connections, the bundle's first run.
  await lanes(Math.min(concurrency * 2, Math.ceil(runs / 5)));
  const t0 = Date.now();
  await lanes(runs);
  const seconds = (Date.now() - t0) / 1000;
  console.log(`${address}: ${(runs / seconds).toFixed(1)} workflows/s (no-op workflow + one no-op activity, ${runs} runs, ${concurrency} at a time, ${seconds.toFixed(1)} s)`);
  worker.shutdown();
  await running;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
