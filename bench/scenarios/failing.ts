/**
 * Failing receivers beside a healthy one: three webhooks get every event.
 * One answers 500 to 10% of requests, one is down (connection refused) for
 * `--outage` seconds and then comes back, one is healthy. The engine runs with
 * a short retry schedule for this scenario, and auto-disable off so the
 * failing webhooks keep receiving.
 */
import type { Ctx, ScenarioResult } from '../lib/context';
import { runOpenLoop } from '../lib/load';
import { progress } from '../lib/progress';
import { Receiver } from '../lib/receiver';
import { fmtMs, fmtRate, pct, table } from '../lib/report';
import { round, roundSummary, sleep, waitUntil } from '../lib/stats';
import { Tracker } from '../lib/tracking';
import { percentileChart } from '../lib/svg';
import { compactIngest } from './e2e';

export const FAILING_ENV = {
  RETRY_INITIAL_INTERVAL_MS: '1000',
  RETRY_BACKOFF_COEFFICIENT: '2',
  RETRY_MAXIMUM_ATTEMPTS: '10',
  AUTO_DISABLE_FAILURE_THRESHOLD: '-1',
};

export async function failingScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  await ctx.useEngine(FAILING_ENV, { label: 'failing' });
  const failures: string[] = [];
  const notes: string[] = [];
  const type = 'bench.failing';
  const flakyShare = 0.1;

  // The flaky and healthy routes share the main receiver; the one that goes down has its own server.
  const down = new Receiver();
  await down.start();
  const base = ctx.receiver;
  let flakyCalls = 0;
  base.setBehaviour((route) => {
    if (route !== '/failing/flaky') return 200;
    // Every tenth request, so the 10% holds exactly.
    flakyCalls++;
    return flakyCalls % Math.round(1 / flakyShare) === 0 ? 500 : 200;
  });
  const tracker = new Tracker();
  const routes = { flaky: '/failing/flaky', down: '/failing/down', healthy: '/failing/healthy' };
  const ids: Record<string, string> = {};
  for (const [name, route] of Object.entries(routes)) {
    const r = name === 'down' ? down : base;
    const wh = await ctx.api.createWebhook(`failing ${name}`, r.url(route), [type]);
    tracker.addWebhook(wh.id, r, route);
    ids[name] = wh.id;
  }
  await sleep(500);

  const warmupMs = opts.warmupS * 1000;
  const outageMs = opts.outageS * 1000;
  const afterMs = opts.durationS * 1000;
  let downAt = 0;
  let upAt = 0;
  const outage = (async () => {
    await sleep(warmupMs);
    await down.stop();
    downAt = Date.now();
    progress.line(`failing: receiver "down" is down for ${opts.outageS} s`);
    await sleep(outageMs);
    await down.start();
    upAt = Date.now();
    progress.line('failing: receiver "down" is back');
  })();
  const u = ctx.sampler.begin('failing');
  const load = await runOpenLoop({
    label: 'failing',
    rate: opts.failRate,
    warmupMs,
    durationMs: outageMs + afterMs,
    fire: async (seq) => {
      const r = await ctx.api.publish(type, { sent_at: Date.now(), seq }, true);
      if (r.ok) tracker.accept(r.eventId!, r.deliveries!);
      return r;
    },
    status: () => `delivered=${tracker.deliveredTotal()}/${tracker.expectedTotal}${down.listening ? '' : ' (receiver down)'}`,
  });
  await outage;
  const loadEnd = load.measureTo;
  const ticker = progress.every(3000, () => `failing: draining, ${tracker.outstanding()} deliveries outstanding`);
  let drained: boolean;
  try {
    drained = await waitUntil(() => (ctx.engine.assertAlive(), tracker.outstanding() === 0), opts.drainTimeoutS * 1000, 100);
  } finally {
    ticker.stop();
    base.setBehaviour(() => 200);
  }
  await sleep(opts.smoke ? 500 : 2000);
  const usage = ctx.sampler.end(u);
  base.setBehaviour(() => 200);
  await down.stop();
  if (!drained) notes.push(`not drained within ${opts.drainTimeoutS} s`);

  // Attempts as the engine recorded them (connection refusals included).
  const { rows: attemptRows } = await ctx.db.query(
    `SELECT d.webhook_id, count(*)::int AS n,
            count(*) FILTER (WHERE a.started_at >= to_timestamp($2 / 1000.0) AND a.started_at < to_timestamp($3 / 1000.0))::int AS in_window
     FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.id = d.event_id
     WHERE e.type = $1 GROUP BY d.webhook_id`,
    [type, load.measureFrom, loadEnd],
  );
  const attemptsBy = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, attemptRows.find((r) => r.webhook_id === id) ?? { n: 0, in_window: 0 }]));
  const windowS = (loadEnd - load.measureFrom) / 1000;
  const attemptsInWindow = Object.values(attemptsBy).reduce((a, r) => a + r.in_window, 0);
  const attemptsTotal = Object.values(attemptsBy).reduce((a, r) => a + r.n, 0);

  const downArrivals = tracker.arrivals([routes.down]);
  const backlogArrivals = downArrivals.filter((a) => a.sentAt < upAt);
  const drainAfterRecoveryS = backlogArrivals.length ? (Math.max(...backlogArrivals.map((a) => a.at)) - upAt) / 1000 : NaN;
  const healthyBefore = tracker.latencyForSentIn(load.startedAt, downAt, [routes.healthy]).summary;
  const healthyDuring = tracker.latencyForSentIn(downAt, upAt, [routes.healthy]);
  const healthyAfter = tracker.latencyForSentIn(upAt, loadEnd, [routes.healthy]).summary;
  const flakyLat = tracker.latencyForSentIn(load.measureFrom, loadEnd, [routes.flaky]);
  const flakyStats = base.stats(routes.flaky);
  const { duplicates, strays } = tracker.duplicatesAndStrays();
  const delivered = tracker.deliveredTotal();
  const overall = tracker.overallRate(load.startedAt);
  const lost = tracker.expectedTotal - delivered;
  if (lost > 0) failures.push(`${lost} of ${tracker.expectedTotal} deliveries lost`);
  if (duplicates > 0) notes.push(`${duplicates} duplicate deliveries`);
  const perWebhook = Object.entries(routes).map(([name, route]) => {
    const lat = tracker.latencyForSentIn(load.measureFrom, loadEnd, [route]).summary;
    return { name, attempts: attemptsBy[name]!.n, attemptsPerS: round(attemptsBy[name]!.in_window / windowS), latencyMs: roundSummary(lat) };
  });

  ctx.charts.push({
    title: 'Healthy webhook latency beside failing ones',
    file: 'failing-latency',
    svg: percentileChart('Failing receivers: latency by percentile (events sent in the measured window)', [
      { name: 'healthy, receiver "down" is down', values: healthyDuring.values },
      { name: 'receiver "down" (incl. its wait)', values: tracker.latencyForSentIn(load.measureFrom, loadEnd, [routes.down]).values },
      { name: 'flaky (10% answered 500)', values: flakyLat.values },
      { name: 'healthy, whole window', values: tracker.latencyForSentIn(load.measureFrom, loadEnd, [routes.healthy]).values },
    ]),
  });

  const ms = (s: { p50: number; p95: number; p99: number; max: number }) => `${fmtMs(s.p50)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)} / ${fmtMs(s.max)}`;
  const md = [
    `Retry schedule for this scenario: \`RETRY_INITIAL_INTERVAL_MS=${FAILING_ENV.RETRY_INITIAL_INTERVAL_MS}\`, coefficient ${FAILING_ENV.RETRY_BACKOFF_COEFFICIENT}, ` +
      `\`RETRY_MAXIMUM_ATTEMPTS=${FAILING_ENV.RETRY_MAXIMUM_ATTEMPTS}\` (retries after 1, 2, 4, 8, 16, 32 s...), so a ${opts.outageS} s outage is survived; ` +
      `\`AUTO_DISABLE_FAILURE_THRESHOLD=-1\` so the failing webhooks are not disabled. Load: ${opts.failRate} events/s, each to the three webhooks ` +
      `(${opts.warmupS} s warm-up, ${opts.outageS} s outage, ${opts.durationS} s after recovery).`,
    '',
    table(
      ['', 'Value'],
      [
        ['**Attempts/s** (all three webhooks, measured window, from the attempts table)', `**${fmtRate(attemptsInWindow / windowS)}**`],
        ['Attempts in all (flaky / down / healthy)', `${attemptsTotal} (${perWebhook.map((w) => w.attempts).join(' / ')})`],
        ['Flaky: requests answered 500', `${flakyStats.answered.get(500) ?? 0} of ${flakyStats.requests} (${pct((flakyStats.answered.get(500) ?? 0) / Math.max(1, flakyStats.requests))})`],
        ['**Drain time after recovery** (last delivery of an event sent during the outage, after the receiver came back)', `**${Number.isFinite(drainAfterRecoveryS) ? `${round(drainAfterRecoveryS)} s` : 'n/a'}**`],
        ['Healthy webhook e2e p50 / p95 / p99 / max: before the outage (warm-up)', ms(healthyBefore)],
        ['**Healthy webhook e2e** p50 / p95 / p99 / max: **during the outage**', `**${ms(healthyDuring.summary)}**`],
        ['Healthy webhook e2e p50 / p95 / p99 / max: after recovery', ms(healthyAfter)],
        ['Flaky webhook e2e p50 / p95 / p99 / max (retries included)', ms(flakyLat.summary)],
        ['**Deliveries/s overall**: delivered ÷ (last arrival − first publish)', `**${fmtRate(overall.perS)}** (${overall.delivered} in ${round(overall.seconds)} s)`],
        ['**Ingest while deliveries flow**: publish p50 / p95 / p99 / max, errors', `**${ms(load.latencyMs)}**, ${load.errors}`],
        ['Deliveries expected / delivered', `${tracker.expectedTotal} / ${delivered}`],
        ['**Lost / duplicated**', `**${lost} / ${duplicates}**`],
      ],
    ),
  ];
  return {
    name: 'failing',
    title: 'Failing receivers',
    data: {
      eventsPerS: opts.failRate,
      outageS: opts.outageS,
      attemptsPerS: round(attemptsInWindow / windowS),
      attemptsTotal,
      perWebhook,
      flaky: { requests: flakyStats.requests, answered500: flakyStats.answered.get(500) ?? 0 },
      drainAfterRecoveryS: round(drainAfterRecoveryS),
      overallDeliveriesPerS: round(overall.perS),
      healthyLatencyMs: { beforeOutage: roundSummary(healthyBefore), duringOutage: roundSummary(healthyDuring.summary), afterRecovery: roundSummary(healthyAfter) },
      expected: tracker.expectedTotal,
      delivered,
      lost,
      duplicated: duplicates,
      strays,
      ingest: compactIngest(load),
    },
    markdown: md.join('\n'),
    failures,
    notes,
    usage: [usage],
    engineEnv: FAILING_ENV,
    durationS: (Date.now() - started) / 1000,
  };
}

