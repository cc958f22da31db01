/**
 * The cost of `ordering: "fifo"`: the same number of deliveries to one fifo
 * webhook and to one unordered webhook, each batch published by 8 concurrent
 * clients and drained; the fifo one must arrive in the commit order of its
 * events (its deliveries' `sequence`). A fifo webhook is serial by
 * definition: its line starts each delivery as a child workflow once the one
 * before it has ended. Measured per batch: deliveries/s
 * from the first publish to the last arrival, and Temporal history events per
 * delivery (every workflow run carrying the webhook's id: the deliveries, and
 * for fifo the line's runs; the webhook controller is left out of both).
 */
import { Client, Connection } from '@temporalio/client';
import type { Ctx, ScenarioResult } from '../lib/context';
import { progress } from '../lib/progress';
import { fmtMs, fmtRate, table } from '../lib/report';
import { round, roundSummary, summarize, waitUntil, type Summary } from '../lib/stats';
import { Tracker } from '../lib/tracking';

/** Concurrent publishers: the batch is there before the engine has drained much of it, ordered or not. */
const PUBLISHERS = 8;

interface Batch {
  deliveries: number;
  delivered: number;
  seconds: number;
  perS: number;
  historyEvents: number;
  workflowRuns: number;
  historyEventsPerDelivery: number;
  inOrder: boolean;
  /** Publish round trips, while the engine delivers the batch's earlier events. */
  publishMs: Summary;
}

export async function orderedScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  await ctx.useEngine({}, { label: 'ordered' });
  const failures: string[] = [];
  const notes: string[] = [];
  const connection = await Connection.connect({ address: ctx.temporal.address });
  const client = new Client({ connection });
  const u = ctx.sampler.begin('ordered');
  try {
    const none = await run('none');
    await ctx.settle('ordered none');
    const fifo = await run('fifo');
    const usage = ctx.sampler.end(u);
    if (!fifo.inOrder) failures.push('the fifo webhook received its deliveries out of order');
    const costRatio = none.perS / fifo.perS;
    const md = [
      `${opts.orderedCount} events to one webhook, published by ${PUBLISHERS} concurrent clients, then drained; once with \`ordering: "none"\`, once with \`"fifo"\`, ` +
        'receiver answering 200 at once. History events: the sum of `historyLength` over every workflow run carrying the webhook id ' +
        '(deliveries, and the fifo line with its continue-as-new runs; the controller excluded), read from Temporal visibility.',
      '',
      table(
        ['', 'none', 'fifo'],
        [
          ['Deliveries delivered', `${none.delivered} / ${none.deliveries}`, `${fifo.delivered} / ${fifo.deliveries}`],
          ['**Deliveries/s overall**: delivered ÷ (last arrival − first publish)', `**${fmtRate(none.perS)}**`, `**${fmtRate(fifo.perS)}**`],
          ['**Ingest while deliveries flow**: publish p50 / p95 / p99', `**${publishRow(none.publishMs)}**`, `**${publishRow(fifo.publishMs)}**`],
          ['**Temporal history events per delivery**', `**${round(none.historyEventsPerDelivery)}**`, `**${round(fifo.historyEventsPerDelivery)}**`],
          ['Workflow runs (deliveries + line runs)', String(none.workflowRuns), String(fifo.workflowRuns)],
          ['Arrived in commit order (the fifo guarantee)', none.inOrder ? 'yes' : 'no', fifo.inOrder ? 'yes' : 'no'],
        ],
      ),
      '',
      `Unordered is ${round(costRatio)}× the fifo rate here: the fifo webhook has one delivery in flight at a time, the unordered one all of them.`,
    ];
    return {
      name: 'ordered',
      title: 'Ordered (fifo) webhooks',
      data: { count: opts.orderedCount, none, fifo, costRatio: round(costRatio) },
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

  async function run(ordering: 'none' | 'fifo'): Promise<Batch> {
    const type = `bench.ordered.${ordering}`;
    const route = `/ordered/${ordering}`;
    const tracker = new Tracker();
    const wh = await ctx.api.createWebhook(`ordered ${ordering}`, ctx.receiver.url(route), [type], { ordering });
    tracker.addWebhook(wh.id, ctx.receiver, route);
    const from = Date.now();
    const publishMs: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: PUBLISHERS }, async () => {
        while (next < opts.orderedCount) {
          const seq = next++;
          const sentAt = Date.now();
          const r = await ctx.api.publish(type, { sent_at: sentAt, seq }, true);
          publishMs.push(Date.now() - sentAt);
          if (!r.ok) throw new Error(`ordered: publishing failed: ${JSON.stringify(r)}`);
          tracker.accept(r.eventId!, r.deliveries!);
        }
      }),
    );
    const ticker = progress.every(3000, () => `ordered ${ordering}: ${tracker.outstanding()} deliveries outstanding`);
    let drained: boolean;
    try {
      drained = await waitUntil(() => (ctx.engine.assertAlive(), tracker.outstanding() === 0), opts.drainTimeoutS * 1000, 50);
    } finally {
      ticker.stop();
    }
    const seconds = (tracker.lastArrival([route]) - from) / 1000;
    const delivered = tracker.deliveredTotal();
    if (!drained) failures.push(`ordered ${ordering}: ${tracker.outstanding()} of ${tracker.expectedTotal} deliveries not delivered`);
    // The order a fifo webhook keeps is the commit order of its events: its deliveries' sequence.
    const { rows } = await ctx.db.query<{ event_id: string }>(
      'SELECT event_id FROM deliveries WHERE webhook_id = $1 ORDER BY sequence NULLS LAST, created_at, id',
      [wh.id],
    );
    const arrivedOrder = [...ctx.receiver.stats(route).delivered.keys()];
    const inOrder = arrivedOrder.length === rows.length && arrivedOrder.every((id, i) => id === rows[i]!.event_id);

    // Visibility lags the workflows' ends a little: wait until every delivery workflow is listed as closed.
    const query = `WebhookId = "${wh.id}"`;
    let historyEvents = 0;
    let workflowRuns = 0;
    await waitUntil(
      async () => {
        historyEvents = 0;
        workflowRuns = 0;
        let closedDeliveries = 0;
        for await (const wf of client.workflow.list({ query })) {
          if (wf.type === 'webhookControllerWorkflow') continue;
          workflowRuns++;
          // Visibility has a run's history length as of its last visibility write: a line still running (idle until
          // its next wake) is asked for its own.
          historyEvents +=
            wf.status.name === 'RUNNING' ? (await client.workflow.getHandle(wf.workflowId, wf.runId).describe()).historyLength : wf.historyLength;
          if (wf.type === 'deliveryWorkflow' && wf.status.name !== 'RUNNING') closedDeliveries++;
        }
        return closedDeliveries >= opts.orderedCount;
      },
      60_000,
      500,
    );
    return {
      deliveries: tracker.expectedTotal,
      delivered,
      seconds: round(seconds),
      perS: round(delivered / seconds),
      historyEvents,
      workflowRuns,
      historyEventsPerDelivery: historyEvents / Math.max(1, delivered),
      inOrder,
      publishMs: roundSummary(summarize(publishMs)),
    };
  }
}

function publishRow(s: Summary): string {
  return `${fmtMs(s.p50)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)}`;
}
