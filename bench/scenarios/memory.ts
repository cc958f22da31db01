/**
 * Memory: peak RSS of the API and the worker, idle and with N deliveries
 * (10,000 by default) pending in backoff. The engine is restarted fresh for
 * this scenario (so VmHWM is this scenario's), with the default retry
 * schedule (10 s, doubling, 5 attempts) and auto-disable off. Events fan out
 * to `--memory-webhooks` webhooks (10 by default) whose receiver answers 500
 * to everything. Once every delivery has had its first attempt, RSS is
 * sampled for a few seconds.
 */
import type { Ctx, ScenarioResult } from '../lib/context';
import { runOpenLoop } from '../lib/load';
import { readMem } from '../lib/proc';
import { progress } from '../lib/progress';
import { fmtMb, table } from '../lib/report';
import { round, sleep, waitUntil } from '../lib/stats';
import { timelineChart } from '../lib/svg';
import { compactIngest } from './e2e';

export const MEMORY_ENV = { AUTO_DISABLE_FAILURE_THRESHOLD: '-1' };

export async function memoryScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  const notes: string[] = [];
  await ctx.useEngine(MEMORY_ENV, { fresh: true, label: 'memory' });
  const t0 = Date.now();
  await sleep(opts.smoke ? 1000 : 3000);
  const mem = () => ({ api: readMem(ctx.engine.api.pid), worker: readMem(ctx.engine.worker.pid) });
  const atStart = mem();

  const type = 'bench.memory';
  const hooks = Math.max(1, opts.memoryWebhooks);
  const routes = Array.from({ length: hooks }, (_, i) => `/memory/fail/${i}`);
  const routeSet = new Set(routes);
  const all = routes.map((r) => ctx.receiver.stats(r));
  const firstAttempts = () => all.reduce((a, s) => a + s.seen.size, 0);
  const attempts = () => all.reduce((a, s) => a + s.requests, 0);
  ctx.receiver.parseBodies = false;
  ctx.receiver.setBehaviour((r) => (routeSet.has(r) ? 500 : 200));
  for (const [i, route] of routes.entries()) await ctx.api.createWebhook(`memory #${i}`, ctx.receiver.url(route), [type]);
  await sleep(300);

  const n = opts.memoryPending;
  const events = Math.ceil(n / hooks);
  const rate = Math.min(200, events);
  progress.line(`memory: publishing ${events} events at ${rate}/s, each to ${hooks} webhook(s) whose receiver answers 500 (${events * hooks} deliveries)`);
  const uFill = ctx.sampler.begin('memory fill');
  let published = 0;
  const failures: string[] = [];
  let crashed = false;
  let reached = false;
  const load = await runOpenLoop({
    label: 'memory publish',
    rate,
    warmupMs: 0,
    durationMs: (events / rate) * 1000,
    settleMs: 120_000,
    fire: async (seq) => {
      const r = await ctx.api.publish(type, { sent_at: Date.now(), seq }, false);
      if (r.ok) published += hooks;
      return r;
    },
    status: () => `first attempts ${firstAttempts()}`,
  });
  if (load.errors > 0) notes.push(`${load.errors} of ${events} events were not accepted (${JSON.stringify(load.errorsByKind)})`);
  if (load.stillInFlight > 0) notes.push(`${load.stillInFlight} publishes were still unanswered 120 s after the last was sent`);
  // Watch the deliveries: how many are pending after at least one attempt (in backoff), at most at once.
  const countQuery = `SELECT count(*) FILTER (WHERE d.status = 'pending')::int AS pending,
            count(*) FILTER (WHERE d.status = 'pending' AND d.attempt_count >= 1)::int AS in_backoff,
            count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
            count(*)::int AS total
     FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.type = $1`;
  let peak = { inBackoff: 0, at: 0, workerRssMb: NaN, apiRssMb: NaN };
  let last = { pending: 0, in_backoff: 0, failed: 0, total: 0 };
  const observe = async () => {
    last = (await ctx.db.query(countQuery, [type])).rows[0];
    if (last.in_backoff > peak.inBackoff) {
      const m = mem();
      peak = { inBackoff: last.in_backoff, at: Date.now(), workerRssMb: (m.worker?.rssKb ?? NaN) / 1024, apiRssMb: (m.api?.rssKb ?? NaN) / 1024 };
    }
  };
  const ticker = progress.every(5000, () => `memory: ${firstAttempts()}/${published} deliveries have had their first attempt (${attempts()} attempts in all); ${last.in_backoff} pending in backoff (peak ${peak.inBackoff}), ${last.failed} failed after their last attempt`);
  let lastObserved = 0;
  try {
    reached = await waitUntil(async () => {
      ctx.engine.assertAlive();
      if (Date.now() - lastObserved >= 1000) {
        lastObserved = Date.now();
        await observe();
      }
      return firstAttempts() >= published;
    }, opts.memoryTimeoutS * 1000, 250);
  } catch (err) {
    crashed = true;
    failures.push(`the engine crashed with ${firstAttempts()} of ${published} first attempts made: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
  } finally {
    ticker.stop();
  }
  const fillS = (Date.now() - t0) / 1000;
  if (!reached && !crashed) {
    notes.push(
      `only ${firstAttempts()} of ${published} deliveries had had their first attempt after ${opts.memoryTimeoutS} s (--memory-timeout); ` +
        `at most ${peak.inBackoff} were pending in backoff at once${last.failed ? `, and ${last.failed} had already failed after their fifth attempt` : ''}. Sampled then.`,
    );
  }
  const usageFill = ctx.sampler.end(uFill);

  // Hold: everything pending, sampled every 500 ms.
  const uHold = ctx.sampler.begin('memory hold');
  await sleep(opts.smoke ? 1500 : 5000);
  await observe().catch(() => undefined);
  const usageHold = ctx.sampler.end(uHold);
  const atEnd = mem();
  ctx.receiver.setBehaviour(() => 200);
  ctx.receiver.parseBodies = true;
  const p = last;
  progress.line(`memory: ${p.in_backoff} deliveries pending after their first attempt; worker RSS ${fmtMb(usageHold.rssMaxMb.worker)}, API ${fmtMb(usageHold.rssMaxMb.api)}`);

  const tl = ctx.sampler.timeline.filter((s) => s.t >= t0);
  ctx.charts.push({
    title: 'RSS of the API and the worker during the memory scenario',
    file: 'memory-rss',
    svg: timelineChart(
      `RSS while ${n} deliveries fill up and wait in backoff`,
      ['api', 'worker'].map((g) => ({ name: `${g} RSS (MB)`, values: everySecond(tl, g) })),
      { xLabel: 'seconds since the engine started', yLabel: 'MB', marks: [{ x: Math.round(fillS), label: reached ? 'all first attempts made' : 'sampling (time limit)' }] },
    ),
  });

  const kb = (v: number | undefined) => (v === undefined ? NaN : v / 1024);
  const md = [
    table(
      ['', 'API', 'Worker'],
      [
        ['RSS idle, after start-up', fmtMb(kb(atStart.api?.rssKb)), fmtMb(kb(atStart.worker?.rssKb))],
        ['VmHWM after start-up (the worker bundles its workflows at start)', fmtMb(kb(atStart.api?.hwmKb)), fmtMb(kb(atStart.worker?.hwmKb))],
        ['Peak RSS while publishing and making the first attempts', fmtMb(usageFill.rssMaxMb.api), fmtMb(usageFill.rssMaxMb.worker)],
        [`RSS when the most deliveries were pending in backoff at once (${peak.inBackoff})`, fmtMb(peak.apiRssMb), fmtMb(peak.workerRssMb)],
        [`**Peak RSS with ${p.in_backoff} deliveries pending in backoff** (5 s hold at the end)`, `**${fmtMb(usageHold.rssMaxMb.api)}**`, `**${fmtMb(usageHold.rssMaxMb.worker)}**`],
        ['**Peak RSS over the whole scenario**', `**${fmtMb(Math.max(usageFill.rssMaxMb.api ?? 0, usageHold.rssMaxMb.api ?? 0))}**`, `**${fmtMb(Math.max(usageFill.rssMaxMb.worker ?? 0, usageHold.rssMaxMb.worker ?? 0))}**`],
        ['VmHWM at the end (peak of the whole process life)', fmtMb(kb(atEnd.api?.hwmKb)), fmtMb(kb(atEnd.worker?.hwmKb))],
      ],
    ),
    '',
    `${events} events published at ${rate}/s, each to ${hooks} webhook(s) whose receiver answers 500 (${published} deliveries); default retry schedule (10 s, doubling, 5 attempts), ` +
      `\`AUTO_DISABLE_FAILURE_THRESHOLD=-1\`. ${reached ? 'Every delivery had had its first attempt. ' : `Not every delivery had had its first attempt (${firstAttempts()} of ${published}): see the note. `}` +
      `Sampling started ${round(fillS)} s after the engine started; then ${p.pending} were pending (${p.in_backoff} after at least one attempt, ${p.failed} failed after their fifth). The engine was started fresh for this scenario. ` +
      `Peak RSS across the earlier scenarios is in each scenario's resource table.`,
  ];
  return {
    name: 'memory',
    title: `Memory (${n} deliveries to failing receivers, waiting in backoff)`,
    data: {
      pendingTarget: n,
      published,
      pending: p.pending,
      pendingInBackoff: p.in_backoff,
      failedAtEnd: p.failed,
      peakPendingInBackoff: { count: peak.inBackoff, workerRssMb: round(peak.workerRssMb), apiRssMb: round(peak.apiRssMb) },
      fillSeconds: round(fillS),
      firstAttemptsReached: reached,
      webhooks: hooks,
      crashed,
      attemptsReceived: attempts(),
      rssMb: {
        idle: { api: round(kb(atStart.api?.rssKb)), worker: round(kb(atStart.worker?.rssKb)) },
        startupHwm: { api: round(kb(atStart.api?.hwmKb)), worker: round(kb(atStart.worker?.hwmKb)) },
        fillPeak: { api: round(usageFill.rssMaxMb.api ?? NaN), worker: round(usageFill.rssMaxMb.worker ?? NaN) },
        pendingPeak: { api: round(usageHold.rssMaxMb.api ?? NaN), worker: round(usageHold.rssMaxMb.worker ?? NaN) },
        scenarioPeak: {
          api: round(Math.max(usageFill.rssMaxMb.api ?? 0, usageHold.rssMaxMb.api ?? 0)),
          worker: round(Math.max(usageFill.rssMaxMb.worker ?? 0, usageHold.rssMaxMb.worker ?? 0)),
        },
        hwmAtEnd: { api: round(kb(atEnd.api?.hwmKb)), worker: round(kb(atEnd.worker?.hwmKb)) },
      },
      ingest: compactIngest(load),
    },
    markdown: md.join('\n'),
    failures,
    notes,
    usage: [usageFill, usageHold],
    engineEnv: MEMORY_ENV,
    durationS: (Date.now() - started) / 1000,
  };
}

function everySecond(tl: Array<{ t: number; rssMb: Record<string, number> }>, g: string): number[] {
  if (tl.length === 0) return [];
  const t0 = tl[0]!.t;
  const out: number[] = [];
  for (const s of tl) {
    const i = Math.floor((s.t - t0) / 1000);
    out[i] = Math.max(out[i] ?? 0, s.rssMb[g] ?? 0);
  }
  for (let i = 0; i < out.length; i++) out[i] ??= out[i - 1] ?? 0;
  return out;
}
