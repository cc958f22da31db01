/**
 * What the building blocks allow on this machine, measured in the same run:
 *  - the HTTP limit: signed POSTs straight to a local receiver, no engine,
 *    at the engine's activity concurrency;
 *  - the Temporal limit: a no-op workflow running one no-op activity on the
 *    same Temporal server, with a worker in this process.
 * The engine's deliveries/s (from the e2e scenario) is reported as a ratio of each.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Agent, request } from 'undici';
import { generateWebhookSecret, signPayload } from '../../src/crypto/webhook-signature';
import type { Ctx, ScenarioResult } from '../lib/context';
import { progress } from '../lib/progress';
import { fmtMs, fmtRate, fmtRatio, table } from '../lib/report';
import { round, roundSummary, sleep, summarize } from '../lib/stats';

export async function limitsScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  const notes: string[] = [];
  // The engine, if it is up, stays idle meanwhile: its worker polls its own task queue.

  // --- HTTP limit ---
  const route = '/limits/http';
  const secret = generateWebhookSecret();
  const agent = new Agent({ connections: opts.httpConcurrency });
  const url = ctx.receiver.url(route);
  const stats = ctx.receiver.stats(route);
  const uHttp = ctx.sampler.begin('limits http');
  const http = await closedLoop(opts.httpConcurrency, opts.warmupS * 1000, opts.durationS * 1000, 'HTTP limit', async () => {
    const id = randomUUID();
    const now = new Date();
    const body = JSON.stringify({ type: 'bench.limit', timestamp: now.toISOString(), data: { sent_at: now.getTime() } });
    const signed = signPayload(secret, id, Math.floor(now.getTime() / 1000), body);
    const res = await request(url, {
      method: 'POST',
      dispatcher: agent,
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'Hookline-Webhooks/0.1', 'x-client-id': 'default', ...signed },
    });
    await res.body.text();
    return res.statusCode >= 200 && res.statusCode < 300;
  });
  const usageHttp = ctx.sampler.end(uHttp);
  await agent.close();
  progress.line(`HTTP limit: ${round(http.perS)} signed POSTs/s at concurrency ${opts.httpConcurrency} (receiver counted ${stats.requests})`);

  // --- Temporal limit ---
  progress.line('Temporal limit: bundling the no-op workflow...');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', '..', 'scripts', 'noop', 'workflows.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => progress.line(m) },
  });
  const taskQueue = `bench-noop-${ctx.stamp}`;
  const nativeConnection = await NativeConnection.connect({ address: ctx.temporal.address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: { code },
    activities: { noop: async () => undefined },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: ctx.temporal.address });
  const client = new Client({ connection });
  const runOne = () => client.workflow.execute('noopWorkflow', { taskQueue, workflowId: `bench-noop-${randomUUID()}` });
  let temporal: { runs: number; seconds: number; perS: number; latencyMs: ReturnType<typeof summarize> };
  const uTemporal = ctx.sampler.begin('limits temporal');
  try {
    // Warm-up: the worker's first tasks and the server's caches.
    await boundedRuns(Math.min(opts.temporalConcurrency * 2, Math.ceil(opts.temporalRuns / 5)), opts.temporalConcurrency, runOne);
    const t0 = performance.now();
    const ticker = progress.every(2000, () => `Temporal limit: ${done}/${opts.temporalRuns} workflows`);
    let done = 0;
    const latencies = await boundedRuns(opts.temporalRuns, opts.temporalConcurrency, async () => {
      await runOne();
      done++;
    });
    ticker.stop();
    const seconds = (performance.now() - t0) / 1000;
    temporal = { runs: opts.temporalRuns, seconds, perS: opts.temporalRuns / seconds, latencyMs: summarize(latencies) };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
  }
  const usageTemporal = ctx.sampler.end(uTemporal);
  progress.line(`Temporal limit: ${round(temporal.perS)} workflows/s (${temporal.runs} runs, ${opts.temporalConcurrency} at a time)`);

  // --- Ratios with the engine's throughput ---
  const e2e = ctx.results.find((r) => r.name === 'e2e')?.data as
    | { runs: Array<{ fanout: number; load: { deliveriesPerS: number; drainDeliveriesPerS: number } }> }
    | undefined;
  const engineRows: Array<[string, number]> = [];
  for (const r of e2e?.runs ?? []) {
    engineRows.push([`fan-out ${r.fanout}: sustained during the load`, r.load.deliveriesPerS]);
    engineRows.push([`fan-out ${r.fanout}: while draining (no ingest)`, r.load.drainDeliveriesPerS]);
  }
  if (!e2e) notes.push('the e2e scenario did not run, so there is no engine throughput to compare');
  const md = [
    table(
      ['Limit', 'Value', 'How'],
      [
        [
          '**HTTP limit**',
          `**${fmtRate(http.perS)} POSTs/s**`,
          `signed (\`signPayload\`) POSTs with undici from the benchmark process to its local receiver, ${opts.httpConcurrency} in flight, ${opts.durationS} s after ${opts.warmupS} s warm-up; latency p50 ${fmtMs(http.latencyMs.p50)}, p99 ${fmtMs(http.latencyMs.p99)}`,
        ],
        [
          '**Temporal limit**',
          `**${fmtRate(temporal.perS)} workflows/s**`,
          `no-op workflow running one no-op activity, ${temporal.runs} runs, ${opts.temporalConcurrency} at a time (start and wait for the result), same server, worker in the benchmark process; per-run p50 ${fmtMs(temporal.latencyMs.p50)}, p99 ${fmtMs(temporal.latencyMs.p99)}`,
        ],
      ],
    ),
    '',
    engineRows.length
      ? table(
          ['Engine deliveries/s (from e2e)', 'Value', 'Ratio to the HTTP limit', 'Ratio to the Temporal limit'],
          engineRows.map(([name, v]) => [name, fmtRate(v), fmtRatio(v, http.perS), fmtRatio(v, temporal.perS)]),
        )
      : '',
  ];
  await sleep(10);
  return {
    name: 'limits',
    title: 'Limits of the building blocks (same run, same machine)',
    data: {
      http: { perS: round(http.perS), concurrency: opts.httpConcurrency, requests: http.count, errors: http.errors, latencyMs: roundSummary(http.latencyMs) },
      temporal: { perS: round(temporal.perS), runs: temporal.runs, concurrency: opts.temporalConcurrency, seconds: round(temporal.seconds), latencyMs: roundSummary(temporal.latencyMs) },
      ratios: engineRows.map(([name, v]) => ({ name, deliveriesPerS: v, toHttp: v / http.perS, toTemporal: v / temporal.perS })),
    },
    markdown: md.join('\n'),
    failures: http.errors > 0 ? [`HTTP limit: ${http.errors} requests failed`] : [],
    notes,
    usage: [usageHttp, usageTemporal],
    engineEnv: {},
    durationS: (Date.now() - started) / 1000,
  };
}

/** `concurrency` loops sending back to back; counts what completes in the measured window. */
async function closedLoop(concurrency: number, warmupMs: number, durationMs: number, label: string, send: () => Promise<boolean>) {
  const t0 = performance.now();
  const from = t0 + warmupMs;
  const to = from + durationMs;
  let count = 0;
  let errors = 0;
  const latencies: number[] = [];
  const ticker = progress.every(2000, () => `${label}: ${performance.now() < from ? 'warm-up' : `${count} requests`}`);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < to) {
        const s = performance.now();
        let ok = false;
        try {
          ok = await send();
        } catch {
          ok = false;
        }
        const e = performance.now();
        if (s >= from && e <= to) {
          if (ok) {
            count++;
            latencies.push(e - s);
          } else errors++;
        }
      }
    }),
  );
  ticker.stop();
  return { count, errors, perS: count / (durationMs / 1000), latencyMs: summarize(latencies) };
}

async function boundedRuns(n: number, concurrency: number, fn: () => Promise<unknown>): Promise<number[]> {
  let next = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        next++;
        const s = performance.now();
        await fn();
        latencies.push(performance.now() - s);
      }
    }),
  );
  return latencies;
}
