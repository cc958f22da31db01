/**
 * End to end: events with fan-out 1 and 10 to local receivers. For each
 * fan-out, a light phase (latency with no queue) and a load phase at a fixed
 * event rate (deliveries per second sustained, latency under load, drain time
 * after the load stops), then lost and duplicated deliveries.
 */
import type { Ctx, ScenarioResult } from '../lib/context';
import { runOpenLoop, type OpenLoopResult } from '../lib/load';
import type { PhaseUsage } from '../lib/proc';
import { progress } from '../lib/progress';
import { fmtMs, fmtRate, table } from '../lib/report';
import { percentileChart, timelineChart } from '../lib/svg';
import { round, roundSummary, sleep, waitUntil, type Summary } from '../lib/stats';
import { Tracker } from '../lib/tracking';

export interface FanoutRun {
  fanout: number;
  light: { eventsPerS: number; deliveriesPerS: number; latencyMs: Summary; ingest: OpenLoopResult };
  load: {
    eventsPerS: number;
    offeredDeliveriesPerS: number;
    deliveriesPerS: number;
    latencyMs: Summary;
    drainS: number;
    /** Deliveries/s from the end of the load to the last delivery: the pipeline without ingest beside it. */
    drainDeliveriesPerS: number;
    /** Deliveries of the load's events ÷ (last arrival − first publish of the load): warm-up, load and drain together. */
    overallDeliveriesPerS: number;
    ingest: OpenLoopResult;
    /** Deliveries/s in each second of the load and drain, for the chart. */
    timeline: number[];
  };
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  strays: number;
  dbStatus: Record<string, number>;
  latencyValuesLoad: number[];
  latencyValuesLight: number[];
}

export async function e2eScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  await ctx.useEngine({});
  const failures: string[] = [];
  const notes: string[] = [];
  const usage: PhaseUsage[] = [];
  const runs: FanoutRun[] = [];

  for (const fanout of [1, 10]) {
    const rate = fanout === 1 ? opts.e2eRate1 : opts.e2eRate10;
    const type = `bench.e2e.f${fanout}`;
    const tracker = new Tracker();
    const routes: string[] = [];
    for (let i = 0; i < fanout; i++) {
      const route = `/e2e/f${fanout}/${i}`;
      const wh = await ctx.api.createWebhook(`e2e f${fanout} #${i}`, ctx.receiver.url(route), [type]);
      tracker.addWebhook(wh.id, ctx.receiver, route);
      routes.push(route);
    }
    await sleep(500);
    const fire = async (seq: number) => {
      const r = await ctx.api.publish(type, { sent_at: Date.now(), seq, fanout }, true);
      if (r.ok) tracker.accept(r.eventId!, r.deliveries!);
      return r;
    };
    const status = () => `delivered=${tracker.deliveredTotal()}/${tracker.expectedTotal}`;

    // Light load: latency without a queue.
    const lightEvents = Math.max(0.2, opts.e2eLightRate / fanout);
    progress.line(`e2e fan-out ${fanout}: light phase, ${round(lightEvents)} events/s (${opts.e2eLightRate} deliveries/s)`);
    const u1 = ctx.sampler.begin(`e2e f${fanout} light`);
    const light = await runOpenLoop({
      label: `e2e f${fanout} light`,
      rate: lightEvents,
      warmupMs: opts.warmupS * 1000,
      durationMs: opts.durationS * 1000,
      fire,
      status,
    });
    await waitUntil(() => (ctx.engine.assertAlive(), tracker.outstanding() === 0), 30_000, 100);
    usage.push(ctx.sampler.end(u1));
    const lightLat = tracker.latencyForSentIn(light.measureFrom, light.measureTo);
    ctx.engine.assertAlive();

    // Load: a fixed event rate, then the drain.
    progress.line(`e2e fan-out ${fanout}: load phase, ${rate} events/s (${rate * fanout} deliveries/s offered)`);
    const u2 = ctx.sampler.begin(`e2e f${fanout} load`);
    const load = await runOpenLoop({
      label: `e2e f${fanout} load`,
      rate,
      warmupMs: opts.warmupS * 1000,
      durationMs: opts.durationS * 1000,
      fire,
      status,
    });
    const loadEnd = load.measureTo;
    const drainTicker = progress.every(3000, () => `e2e f${fanout} draining: ${status()} (${Math.round((Date.now() - loadEnd) / 1000)} s since the load stopped)`);
    let drained: boolean;
    try {
      drained = await waitUntil(() => (ctx.engine.assertAlive(), tracker.outstanding() === 0), opts.drainTimeoutS * 1000, 100);
    } finally {
      drainTicker.stop();
    }
    usage.push(ctx.sampler.end(u2));
    if (!drained) notes.push(`fan-out ${fanout}: not drained within ${opts.drainTimeoutS} s; what had not arrived by then counts as lost`);
    // Late duplicates would show up here.
    await sleep(opts.smoke ? 500 : 2000);
    ctx.engine.assertAlive();

    const last = tracker.lastArrival();
    const loadLat = tracker.latencyForSentIn(load.measureFrom, load.measureTo);
    const { duplicates, strays } = tracker.duplicatesAndStrays();
    const delivered = tracker.deliveredTotal();
    const lost = tracker.expectedTotal - delivered;
    const timeline: number[] = [];
    for (let t = load.startedAt; t < Math.max(last, loadEnd) + 1000; t += 1000) timeline.push(tracker.deliveredIn(t, t + 1000));
    const dbStatus = await statusCounts(ctx, routes.length ? type : '');
    if (lost > 0) failures.push(`fan-out ${fanout}: ${lost} of ${tracker.expectedTotal} deliveries lost (db: ${JSON.stringify(dbStatus)})`);
    if (duplicates > 0) {
      notes.push(
        `fan-out ${fanout}: ${duplicates} duplicate deliveries (the same webhook-id answered 2xx twice); ${dbStatus.more_than_one_attempt ?? 0} deliveries ` +
          `have more than one attempt recorded although every request was answered 2xx: an attempt that had already POSTed was retried by Temporal (e.g. its activity timed out while waiting on the database)`,
      );
    }
    if (load.errors > 0) notes.push(`fan-out ${fanout}: ${load.errors} publish errors during the load (${JSON.stringify(load.errorsByKind)})`);
    runs.push({
      fanout,
      light: {
        eventsPerS: lightEvents,
        deliveriesPerS: opts.e2eLightRate,
        latencyMs: roundSummary(lightLat.summary),
        ingest: light,
      },
      load: {
        eventsPerS: rate,
        offeredDeliveriesPerS: rate * fanout,
        deliveriesPerS: round(tracker.deliveredIn(load.measureFrom, load.measureTo) / opts.durationS),
        latencyMs: roundSummary(loadLat.summary),
        drainS: round(Math.max(0, last - loadEnd) / 1000),
        drainDeliveriesPerS: last - loadEnd > 2000 ? round(tracker.deliveredIn(loadEnd, last + 1) / ((last - loadEnd) / 1000)) : NaN,
        overallDeliveriesPerS: round(tracker.overallRate(load.startedAt).perS),
        ingest: load,
        timeline,
      },
      expected: tracker.expectedTotal,
      delivered,
      lost,
      duplicated: duplicates,
      strays,
      dbStatus,
      latencyValuesLoad: loadLat.values,
      latencyValuesLight: lightLat.values,
    });
    const r = runs[runs.length - 1]!;
    progress.line(
      `e2e fan-out ${fanout}: ${r.load.deliveriesPerS} deliveries/s sustained (offered ${r.load.offeredDeliveriesPerS}), ${r.load.overallDeliveriesPerS}/s overall, ` +
        `publish p99 ${fmtMs(r.load.ingest.latencyMs.p99)} while delivering, ` +
        `light p50 ${fmtMs(r.light.latencyMs.p50)}, load p50 ${fmtMs(r.load.latencyMs.p50)} p99 ${fmtMs(r.load.latencyMs.p99)}, drain ${r.load.drainS} s, lost ${lost}, duplicated ${duplicates}`,
    );
    await ctx.settle(`e2e f${fanout}`);
  }

  ctx.charts.push(
    {
      title: 'End-to-end latency by percentile',
      file: 'e2e-latency',
      svg: percentileChart(
        'End-to-end latency (receiver arrival minus send time) by percentile',
        runs.flatMap((r) => [
          { name: `fan-out ${r.fanout}, light (${r.light.deliveriesPerS}/s)`, values: r.latencyValuesLight },
          { name: `fan-out ${r.fanout}, load (${r.load.offeredDeliveriesPerS}/s offered)`, values: r.latencyValuesLoad },
        ]),
        { pairs: true },
      ),
    },
    {
      title: 'Deliveries per second during the load and the drain',
      file: 'e2e-throughput',
      svg: timelineChart(
        'Deliveries per second reaching the receivers (load phase, then drain)',
        runs.map((r) => ({ name: `fan-out ${r.fanout} (${r.load.offeredDeliveriesPerS}/s offered)`, values: r.load.timeline })),
        { xLabel: 'seconds since the load phase started (warm-up included)', yLabel: 'deliveries/s', marks: [{ x: opts.warmupS + opts.durationS, label: 'load stops' }] },
      ),
    },
  );

  const md: string[] = [];
  md.push(
    table(
      ['', ...runs.map((r) => `fan-out ${r.fanout}`)],
      [
        ['Light load: deliveries/s offered', ...runs.map((r) => fmtRate(r.light.deliveriesPerS))],
        ['Light load: e2e p50 / p95 / p99 / max', ...runs.map((r) => msRow(r.light.latencyMs))],
        ['Load: events/s offered (deliveries/s)', ...runs.map((r) => `${fmtRate(r.load.eventsPerS)} (${fmtRate(r.load.offeredDeliveriesPerS)})`)],
        ['**Ingest while deliveries flow**: publish p50 / p95 / p99, errors', ...runs.map((r) => `**${fmtMs(r.load.ingest.latencyMs.p50)} / ${fmtMs(r.load.ingest.latencyMs.p95)} / ${fmtMs(r.load.ingest.latencyMs.p99)}**, ${r.load.ingest.errors}`)],
        ['**Deliveries/s sustained** (during the load)', ...runs.map((r) => `**${fmtRate(r.load.deliveriesPerS)}**`)],
        ['**Deliveries/s overall**: delivered ÷ (last arrival − first publish)', ...runs.map((r) => `**${fmtRate(r.load.overallDeliveriesPerS)}**`)],
        ['Load: e2e p50 / p95 / p99 / max', ...runs.map((r) => msRow(r.load.latencyMs))],
        ['Drain time after the load stopped', ...runs.map((r) => `${r.load.drainS} s`)],
        ['Deliveries/s while draining (no ingest beside)', ...runs.map((r) => fmtRate(r.load.drainDeliveriesPerS))],
        ['Deliveries expected / delivered', ...runs.map((r) => `${r.expected} / ${r.delivered}`)],
        ['**Lost / duplicated**', ...runs.map((r) => `**${r.lost} / ${r.duplicated}**`)],
        ['Deliveries with more than one attempt recorded (all receivers answered 2xx)', ...runs.map((r) => r.dbStatus.more_than_one_attempt ?? 0)],
      ],
    ),
  );
  md.push('');
  md.push(
    `Each fan-out has its own webhooks (each on its own receiver route). Light phase: ${opts.e2eLightRate} deliveries/s; ` +
      `load phase: the event rate above for ${opts.durationS} s after a ${opts.warmupS} s warm-up. "Sustained" counts the deliveries that ` +
      `reached the receivers during the measured window; latency is receiver arrival minus \`data.sent_at\` (set just before the publish), ` +
      `for events sent in the measured window, including the time they waited in a backlog. Drain time: from the end of the load until the last delivery arrived. ` +
      `"Overall" divides every delivery of the load phase's events by the time from its first publish (warm-up included) to the last arrival, so a slow drain counts against it. ` +
      `Ingest latency is the publish round trip (POST /v1/events) in the measured window, while the engine delivers the events before them.`,
  );
  return {
    name: 'e2e',
    title: 'End to end (fan-out 1 and 10)',
    data: {
      runs: runs.map(({ latencyValuesLoad: _a, latencyValuesLight: _b, ...r }) => ({
        ...r,
        light: { ...r.light, ingest: compactIngest(r.light.ingest) },
        load: { ...r.load, ingest: compactIngest(r.load.ingest) },
      })),
    },
    markdown: md.join('\n'),
    failures,
    notes,
    usage,
    engineEnv: {},
    durationS: (Date.now() - started) / 1000,
  };
}

function msRow(s: Summary): string {
  return `${fmtMs(s.p50)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)} / ${fmtMs(s.max)}`;
}

export function compactIngest(r: OpenLoopResult) {
  return {
    rate: r.rate,
    sent: r.sent,
    ok: r.ok,
    errors: r.errors,
    errorsByKind: r.errorsByKind,
    acceptedPerS: round(r.acceptedPerS),
    latencyMs: roundSummary(r.latencyMs),
    scheduleLagMs: { p99: round(r.scheduleLagMs.p99), max: round(r.scheduleLagMs.max) },
    benchLoopDelayMs: { p99: round(r.benchLoopDelayMs.p99), max: round(r.benchLoopDelayMs.max) },
  };
}

async function statusCounts(ctx: Ctx, type: string): Promise<Record<string, number>> {
  const { rows } = await ctx.db.query(
    `SELECT d.status, count(*)::int AS n FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.type = $1 GROUP BY d.status
     UNION ALL
     SELECT 'more_than_one_attempt', count(*)::int FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.type = $1 AND d.attempt_count > 1`,
    [type],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
