/**
 * The cost and the guarantee of `rate_limit`: the same number of deliveries to
 * one unordered webhook without a rate and to one with `{"per_second": R}`,
 * each batch published by 8 concurrent clients and drained. Measured per
 * batch: deliveries/s from the first publish to the last arrival, Temporal
 * history events per delivery (every workflow run carrying the webhook id,
 * the controller left out), and the most requests the receiver saw in any
 * one-second window (the ceiling: at most R). Then a healthy webhook's
 * end-to-end latency at a steady pace, alone and beside a backlog of
 * `throttledBacklog` deliveries queued on a throttled webhook.
 */
import { Client, Connection } from '@temporalio/client';
import type { Ctx, ScenarioResult } from '../lib/context';
import { progress } from '../lib/progress';
import { fmtRate, table } from '../lib/report';
import { round, summarize, waitUntil } from '../lib/stats';
import { Tracker } from '../lib/tracking';

const PUBLISHERS = 8;
/** The healthy webhook's pace while its latency is measured. */
const HEALTHY_PER_S = 10;

interface Batch {
  deliveries: number;
  delivered: number;
  seconds: number;
  perS: number;
  historyEventsPerDelivery: number;
  mostInAnySecond: number;
}

export async function throttledScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  const rate = opts.throttledRate;
  // As long as an e2e step, 10 s at least (a smoke run: its 2 s).
  const HEALTHY_S = opts.durationS < 10 ? opts.durationS : Math.max(10, opts.durationS);
  await ctx.useEngine({}, { label: 'throttled' });
  const failures: string[] = [];
  const notes: string[] = [];
  const connection = await Connection.connect({ address: ctx.temporal.address });
  const client = new Client({ connection });
  const u = ctx.sampler.begin('throttled');
  try {
    const none = await batch('none', null);
    await ctx.settle('throttled none');
    const limited = await batch('limited', { per_second: rate });
    await ctx.settle('throttled limited');
    if (limited.mostInAnySecond > rate) failures.push(`the throttled webhook got ${limited.mostInAnySecond} requests in one second (limit ${rate})`);
    const alone = await healthy('alone');
    const beside = await withBacklog();
    const usage = ctx.sampler.end(u);
    const bound = Math.max(2 * alone.p99, alone.p99 + 50);
    if (beside.p99 > bound) notes.push(`the healthy webhook's p99 went from ${round(alone.p99)} ms to ${round(beside.p99)} ms beside the backlog (bound ${round(bound)} ms)`);
    const md = [
      `${opts.orderedCount} events to one webhook, published by ${PUBLISHERS} concurrent clients, then drained; once without a rate, once with ` +
        `\`rate_limit: {"per_second": ${rate}}\`, receiver answering 200 at once. History events: the sum of \`historyLength\` over the webhook's workflow runs.`,
      '',
      table(
        ['', 'no rate', `${rate}/s`],
        [
          ['Deliveries delivered', `${none.delivered} / ${none.deliveries}`, `${limited.delivered} / ${limited.deliveries}`],
          ['**Deliveries/s** (first publish to last arrival)', `**${fmtRate(none.perS)}**`, `**${fmtRate(limited.perS)}**`],
          ['**Temporal history events per delivery**', `**${round(none.historyEventsPerDelivery)}**`, `**${round(limited.historyEventsPerDelivery)}**`],
          ['Most requests in any one second (the ceiling)', String(none.mostInAnySecond), `${limited.mostInAnySecond} (≤ ${rate})`],
        ],
      ),
      '',
      `A healthy webhook at ${HEALTHY_PER_S} events/s for ${HEALTHY_S} s, end-to-end latency (publish to arrival), alone and beside ` +
        `${opts.throttledBacklog} deliveries queued on a webhook throttled to ${rate}/s:`,
      '',
      table(
        ['', 'p50 ms', 'p99 ms', 'max ms'],
        [
          ['Alone', String(round(alone.p50)), String(round(alone.p99)), String(round(alone.max))],
          ['Beside the backlog', String(round(beside.p50)), String(round(beside.p99)), String(round(beside.max))],
        ],
      ),
    ];
    return {
      name: 'throttled',
      title: 'Throttled webhooks (rate_limit)',
      data: { count: opts.orderedCount, rate, none, limited, healthyAlone: alone, healthyBeside: beside, backlog: opts.throttledBacklog },
      markdown: md.join('\n'),
      failures,
      notes,
      usage: [usage],
      engineEnv: {},
      durationS: (Date.now() - started) / 1000,
    };
  } finally {
    await connection.close();
  }

  async function batch(label: string, rateLimit: Record<string, number> | null): Promise<Batch> {
    const type = `bench.throttled.${label}`;
    const route = `/throttled/${label}`;
    const tracker = new Tracker();
    const wh = await ctx.api.createWebhook(`throttled ${label}`, ctx.receiver.url(route), [type], { rate_limit: rateLimit });
    tracker.addWebhook(wh.id, ctx.receiver, route);
    const from = Date.now();
    await publishAll(type, opts.orderedCount, tracker);
    const ticker = progress.every(3000, () => `throttled ${label}: ${tracker.outstanding()} deliveries outstanding`);
    let drained: boolean;
    try {
      drained = await waitUntil(() => (ctx.engine.assertAlive(), tracker.outstanding() === 0), opts.drainTimeoutS * 1000, 50);
    } finally {
      ticker.stop();
    }
    if (!drained) failures.push(`throttled ${label}: ${tracker.outstanding()} of ${tracker.expectedTotal} deliveries not delivered`);
    const seconds = (tracker.lastArrival([route]) - from) / 1000;
    const delivered = tracker.deliveredTotal();
    const times = [...ctx.receiver.stats(route).requestTimes].sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[j]! <= times[i]! - 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    const historyEvents = await historyOf(wh.id, opts.orderedCount);
    return {
      deliveries: tracker.expectedTotal,
      delivered,
      seconds: round(seconds),
      perS: round(delivered / seconds),
      historyEventsPerDelivery: historyEvents / Math.max(1, delivered),
      mostInAnySecond: most,
    };
  }

  async function healthy(label: string) {
    const type = `bench.throttled.healthy.${label}`;
    const route = `/throttled/healthy/${label}`;
    const tracker = new Tracker();
    const wh = await ctx.api.createWebhook(`healthy ${label}`, ctx.receiver.url(route), [type]);
    tracker.addWebhook(wh.id, ctx.receiver, route);
    const t0 = Date.now();
    for (let i = 0; i < HEALTHY_PER_S * HEALTHY_S; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / HEALTHY_PER_S - Date.now())));
      void ctx.api.publish(type, { sent_at: Date.now(), seq: i }, true).then((r) => r.ok && tracker.accept(r.eventId!, r.deliveries!));
    }
    await waitUntil(() => tracker.outstanding() === 0, 60_000, 50);
    return summarize(ctx.receiver.stats(route).latencies);
  }

  async function withBacklog() {
    const type = 'bench.throttled.backlog';
    const route = '/throttled/backlog';
    const tracker = new Tracker();
    const wh = await ctx.api.createWebhook('throttled backlog', ctx.receiver.url(route), [type], { rate_limit: { per_second: rate } });
    tracker.addWebhook(wh.id, ctx.receiver, route);
    await publishAll(type, opts.throttledBacklog, tracker);
    const result = await healthy('beside');
    // The backlog is left to drain at its rate; it is removed with the webhook.
    await ctx.api.request('DELETE', `/v1/webhooks/${wh.id}`);
    return result;
  }

  async function publishAll(type: string, count: number, tracker: Tracker) {
    let next = 0;
    await Promise.all(
      Array.from({ length: PUBLISHERS }, async () => {
        while (next < count) {
          const seq = next++;
          const r = await ctx.api.publish(type, { sent_at: Date.now(), seq }, true);
          if (!r.ok) throw new Error(`throttled: publishing failed: ${JSON.stringify(r)}`);
          tracker.accept(r.eventId!, r.deliveries!);
        }
      }),
    );
  }

  async function historyOf(webhookId: string, expected: number): Promise<number> {
    let historyEvents = 0;
    await waitUntil(
      async () => {
        historyEvents = 0;
        let closed = 0;
        for await (const wf of client.workflow.list({ query: `WebhookId = "${webhookId}"` })) {
          if (wf.type === 'webhookControllerWorkflow') continue;
          historyEvents += wf.historyLength;
          if (wf.status.name !== 'RUNNING') closed++;
        }
        return closed >= expected;
      },
      60_000,
      500,
    );
    return historyEvents;
  }
}
