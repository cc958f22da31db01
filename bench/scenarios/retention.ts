/**
 * Retention: seeds finished deliveries whose attempts (1,000,000 by default) are past the
 * cutoff, with one SQL statement per chunk (generate_series), then ingests at a constant
 * rate twice: without the purge, and with the retention workflow purging meanwhile on the
 * engine's own worker. Reports ingest p50/p99 both ways, their ratio (the target: p99 within
 * 1.5 ×) and the purge's rows/s.
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { RETENTION_BATCH_SIZE } from '../../src/domain/retention';
import type { RetentionResult } from '../../workflows/retention-workflow';
import type { Ctx, ScenarioResult } from '../lib/context';
import { runOpenLoop, type OpenLoopResult } from '../lib/load';
import { progress } from '../lib/progress';
import { fmtMs, fmtRate, table } from '../lib/report';
import { vacuum } from '../lib/stack';
import { round } from '../lib/stats';

/** Attempts per seeded delivery: a delivery that failed four times, then succeeded. */
const ATTEMPTS_PER_DELIVERY = 5;
const RATE = 200;
const TARGET_P99_RATIO = 1.5;

export async function retentionScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  const attempts = opts.smoke ? 2_000 : 1_000_000;
  await ctx.useEngine({});
  const type = 'bench.retention';
  await ctx.api.createWebhook('retention', ctx.receiver.url('/retention'), [type]);

  const seedStarted = Date.now();
  await seed(ctx, attempts / ATTEMPTS_PER_DELIVERY);
  const seedS = (Date.now() - seedStarted) / 1000;
  const vacuumMs = await vacuum(ctx.pg.url);
  progress.line(`retention: seeded ${attempts} attempts past the cutoff in ${round(seedS)} s; VACUUM ANALYZE ${vacuumMs} ms`);

  const ingest = (label: string): Promise<OpenLoopResult> =>
    runOpenLoop({
      label,
      rate: RATE,
      warmupMs: opts.warmupS * 1000,
      durationMs: opts.durationS * 1000,
      fire: (seq) => ctx.api.publish(type, { sent_at: Date.now(), seq }, false),
    });

  const without = await ingest('ingest, no purge');
  await ctx.settle('retention: after the run without the purge');

  const connection = await Connection.connect({ address: ctx.temporal.address });
  const client = new Client({ connection });
  try {
    const purgeStarted = Date.now();
    const handle = await client.workflow.start('retentionWorkflow', {
      taskQueue: ctx.engine.taskQueue,
      workflowId: `bench-retention-${randomUUID()}`,
      args: [{ defaultRetentionDays: 30, batchSize: RETENTION_BATCH_SIZE }],
    });
    const remaining = async () => Number((await ctx.db.query('SELECT count(*)::int AS n FROM attempts')).rows[0].n);
    const withPurge = await ingest('ingest, purging');
    const purgedInWindow = attempts - (await remaining());
    const result = (await Promise.race([
      handle.result(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the purge did not finish in 15 minutes')), 15 * 60_000)),
    ])) as RetentionResult;
    // The workflow's own run time: from its start to its close, whatever the ingest window was.
    const described = await handle.describe();
    const purgeS = ((described.closeTime?.getTime() ?? Date.now()) - (described.startTime?.getTime() ?? purgeStarted)) / 1000;
    const rows = Object.values(result.purged).reduce((a, b) => a + (b ?? 0), 0);
    const batches = Object.values(result.batches).reduce((a, b) => a + (b ?? 0), 0);
    const ratio = withPurge.latencyMs.p99 / without.latencyMs.p99;
    const notes: string[] = [];
    if (ratio > TARGET_P99_RATIO) notes.push(`ingest p99 with the purge is ${round(ratio)} × the p99 without it (target ≤ ${TARGET_P99_RATIO} ×)`);
    if (purgeS < opts.warmupS + opts.durationS) notes.push(`the purge finished in ${round(purgeS)} s, before the ingest window ended`);
    progress.line(
      `retention: p99 ${fmtMs(without.latencyMs.p99)} without the purge, ${fmtMs(withPurge.latencyMs.p99)} with it (${round(ratio)} ×); ` +
        `purged ${rows} rows in ${round(purgeS)} s (${round(rows / purgeS)} rows/s, ${batches} transactions)`,
    );
    await ctx.settle('retention: after the purge');

    const row = (label: string, r: OpenLoopResult) => [label, fmtRate(r.acceptedPerS), fmtMs(r.latencyMs.p50), fmtMs(r.latencyMs.p95), fmtMs(r.latencyMs.p99), fmtMs(r.latencyMs.max)];
    const md = [
      table(['Ingest at 200 events/s', 'Accepted/s', 'p50', 'p95', 'p99', 'max'], [row('without the purge', without), row('while purging', withPurge)]),
      '',
      `p99 ratio: **${round(ratio)} ×** (target ≤ ${TARGET_P99_RATIO} ×). The purge deleted ${rows} rows (${result.purged.attempts ?? 0} attempts, ` +
        `${result.purged.deliveries ?? 0} deliveries, ${result.purged.events ?? 0} events) in ${batches} transactions of about ${RETENTION_BATCH_SIZE} rows, ` +
        `in ${round(purgeS)} s: **${round(rows / purgeS)} rows/s** (${purgedInWindow} attempts during the measured ingest). ` +
        `Seeded: ${attempts / ATTEMPTS_PER_DELIVERY} finished deliveries of ${ATTEMPTS_PER_DELIVERY} attempts each and their events, 60 days old, ` +
        `in ${round(seedS)} s, then VACUUM ANALYZE. Each ingest run: ${opts.warmupS} s warm-up, ${opts.durationS} s measured; the engine delivers meanwhile.`,
    ];
    return {
      name: 'retention',
      title: 'Retention (ingest while the purge deletes 1,000,000 attempts)',
      data: {
        seededAttempts: attempts,
        without: { p50: without.latencyMs.p50, p99: without.latencyMs.p99, acceptedPerS: without.acceptedPerS },
        withPurge: { p50: withPurge.latencyMs.p50, p99: withPurge.latencyMs.p99, acceptedPerS: withPurge.acceptedPerS },
        p99Ratio: ratio,
        purgedRows: rows,
        purgeSeconds: purgeS,
        purgeRowsPerS: rows / purgeS,
        batches,
      },
      markdown: md.join('\n'),
      failures: (result.purged.attempts ?? 0) < attempts ? [`the purge deleted ${result.purged.attempts ?? 0} attempts, fewer than the ${attempts} seeded`] : [],
      notes,
      usage: [],
      engineEnv: {},
      durationS: (Date.now() - started) / 1000,
    };
  } finally {
    await connection.close();
  }
}

/** Finished deliveries of `deliveries` events, each with its attempts, 60 days old, in chunks of 20,000 deliveries. */
async function seed(ctx: Ctx, deliveries: number): Promise<void> {
  const tenant = (await ctx.db.query(`SELECT id FROM tenants ORDER BY created_at LIMIT 1`)).rows[0].id as string;
  const webhook = randomUUID();
  await ctx.db.query(
    `INSERT INTO webhooks (id, tenant_id, name, url, events, secret_encrypted) VALUES ($1, $2, 'retention seed', 'https://seed.invalid/', '{bench.retention.none}', 'x')`,
    [webhook, tenant],
  );
  for (let done = 0; done < deliveries; done += 20_000) {
    const n = Math.min(20_000, deliveries - done);
    await ctx.db.query(
      `WITH e AS (
         INSERT INTO events (id, tenant_id, type, data, request_hash, created_at)
         SELECT gen_random_uuid(), $1, 'bench.old', '{"order":{"id":"ord","total":42}}', 'h', now() - interval '60 days' FROM generate_series(1, $3::int) RETURNING id),
       d AS (
         INSERT INTO deliveries (id, tenant_id, event_id, webhook_id, workflow_id, status, attempt_count, dispatched_at, completed_at, created_at)
         SELECT gen_random_uuid(), $1, e.id, $2, 'seed-' || e.id, 'succeeded', $4, now() - interval '60 days', now() - interval '60 days', now() - interval '60 days'
           FROM e RETURNING id)
       INSERT INTO attempts (id, delivery_id, attempt, status, status_code, duration_ms, response_body, started_at)
       SELECT gen_random_uuid(), d.id, g, CASE WHEN g = $4 THEN 'succeeded' ELSE 'failed' END, CASE WHEN g = $4 THEN 200 ELSE 503 END, 12, 'ok',
              now() - interval '60 days' FROM d, generate_series(1, $4::int) g`,
      [tenant, webhook, n, ATTEMPTS_PER_DELIVERY],
    );
  }
}
