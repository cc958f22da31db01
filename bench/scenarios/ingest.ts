/**
 * Ingest: POST /v1/events at constant arrival rates, with the whole engine
 * running (the dispatcher starts workflows, the worker delivers) and one
 * subscribed webhook, so each event stores one delivery. Rates go up until
 * errors pass 1% or p99 passes 1 s. Between steps the undispatched outbox
 * backlog is discarded (marked cancelled in the bench database) so each step
 * starts from the same state.
 */
import type { Ctx, ScenarioResult } from '../lib/context';
import { runOpenLoop, type OpenLoopResult } from '../lib/load';
import type { PhaseUsage } from '../lib/proc';
import { progress } from '../lib/progress';
import { fmtMs, fmtRate, pct, table } from '../lib/report';
import { round } from '../lib/stats';
import { compactIngest } from './e2e';

const MAX_ERROR_RATE = 0.01;
const MAX_P99_MS = 1000;

export async function ingestScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  await ctx.useEngine({});
  const type = 'bench.ingest';
  await ctx.api.createWebhook('ingest', ctx.receiver.url('/ingest'), [type]);

  const rates: number[] = [...opts.ingestRates];
  const steps: Array<{ result: OpenLoopResult; backlog: number; discarded: number; usage: PhaseUsage }> = [];
  const usage: PhaseUsage[] = [];
  const notes: string[] = [];
  let stopReason = '';
  for (let i = 0; ; i++) {
    let rate = rates[i];
    if (rate === undefined) {
      const last = rates[rates.length - 1]!;
      if (last * 2 > opts.ingestMaxRate) {
        stopReason = `reached --ingest-max ${opts.ingestMaxRate}/s`;
        break;
      }
      rate = last * 2;
      rates.push(rate);
    }
    const u = ctx.sampler.begin(`ingest ${rate}/s`);
    const result = await runOpenLoop({
      label: 'ingest',
      rate,
      warmupMs: opts.warmupS * 1000,
      durationMs: opts.durationS * 1000,
      fire: (seq) => ctx.api.publish(type, { sent_at: Date.now(), seq, order: { id: `ord_${seq}`, total: 42, currency: 'EUR' } }, false),
      // Hopeless: stop the step early rather than pile up requests.
      abortWhen: (s) => s.sent > rate * 3 && s.errors / s.sent > 0.5,
    });
    const usageStep = ctx.sampler.end(u);
    usage.push(usageStep);
    ctx.engine.assertAlive();
    const { backlog, discarded } = await discardBacklog(ctx);
    steps.push({ result, backlog, discarded, usage: usageStep });
    progress.line(
      `ingest ${rate}/s: accepted ${round(result.acceptedPerS)}/s, p50 ${fmtMs(result.latencyMs.p50)} p95 ${fmtMs(result.latencyMs.p95)} ` +
        `p99 ${fmtMs(result.latencyMs.p99)}, errors ${pct(result.errorRate)}; outbox backlog ${backlog} (discarded)`,
    );
    await ctx.settle(`ingest ${rate}/s`);
    if (result.errorRate > MAX_ERROR_RATE || result.latencyMs.p99 > MAX_P99_MS || result.stoppedEarly) {
      stopReason = result.errorRate > MAX_ERROR_RATE ? `errors above ${pct(MAX_ERROR_RATE)} at ${rate}/s` : `p99 above ${MAX_P99_MS} ms at ${rate}/s`;
      break;
    }
  }
  const maxOk = steps.filter((s) => s.result.errorRate <= MAX_ERROR_RATE && s.result.latencyMs.p99 <= MAX_P99_MS).pop();
  for (const s of steps) {
    if (s.result.scheduleLagMs.p99 > 20) notes.push(`at ${s.result.rate}/s the load generator itself ran late (p99 ${fmtMs(s.result.scheduleLagMs.p99)} behind schedule): the benchmark process shares the 2 cores`);
  }

  const md = [
    table(
      ['Rate (events/s)', 'Accepted/s', 'p50', 'p95', 'p99', 'max', 'Errors', 'Outbox backlog at end', 'CPU: API / worker / Temporal / Postgres / bench'],
      steps.map(({ result: r, backlog, usage: u }) => [
        r.rate,
        fmtRate(r.acceptedPerS),
        fmtMs(r.latencyMs.p50),
        fmtMs(r.latencyMs.p95),
        fmtMs(r.latencyMs.p99),
        fmtMs(r.latencyMs.max),
        `${pct(r.errorRate)}${r.errors ? ` (${Object.entries(r.errorsByKind).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`,
        backlog,
        ['api', 'worker', 'temporal', 'postgres', 'bench'].map((g) => (u.cpuCores[g] === undefined ? '-' : round(u.cpuCores[g]!))).join(' / '),
      ]),
    ),
    '',
    `Stopped: ${stopReason}. Highest rate within the limits (errors ≤ 1%, p99 ≤ 1 s): ${maxOk ? `**${maxOk.result.rate}/s**` : 'none'}. ` +
      `Each step: ${opts.warmupS} s warm-up, then ${opts.durationS} s measured. One webhook is subscribed, so each event also stores one delivery; ` +
      `the dispatcher and the worker run meanwhile. "Outbox backlog" is what had not been dispatched to Temporal when the step ended ` +
      `(discarded before the next step). CPU is in cores (2 = the whole machine).`,
  ];
  return {
    name: 'ingest',
    title: 'Ingest (POST /v1/events at constant arrival rates)',
    data: {
      steps: steps.map((s) => ({ ...compactIngest(s.result), outboxBacklogAtEnd: s.backlog, cpuCores: s.usage.cpuCores })),
      maxRateWithinLimits: maxOk?.result.rate ?? null,
      stopReason,
    },
    markdown: md.join('\n'),
    failures: [],
    notes,
    usage,
    engineEnv: {},
    durationS: (Date.now() - started) / 1000,
  };
}

/** Marks undispatched deliveries cancelled (bench database only); returns how many were waiting. */
async function discardBacklog(ctx: Ctx): Promise<{ backlog: number; discarded: number }> {
  const backlog = Number(
    (await ctx.db.query("SELECT count(*)::int AS n FROM deliveries WHERE dispatched_at IS NULL AND status = 'pending'")).rows[0].n,
  );
  const res = await ctx.db.query(
    `UPDATE deliveries SET status = 'cancelled', completed_at = now(), updated_at = now(),
            last_error = 'bench: outbox backlog discarded after an ingest step', dispatched_at = now()
     WHERE dispatched_at IS NULL AND status = 'pending'`,
  );
  return { backlog, discarded: res.rowCount ?? 0 };
}
