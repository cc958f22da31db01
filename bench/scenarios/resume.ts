/**
 * Resuming a paused webhook with a backlog: `--resume-held` events to one
 * unordered webhook while it is paused, then a resume, against the same number
 * to an unpaused webhook in the same run. Measured: how fast the held
 * deliveries arrive once resumed (from the resume to the last arrival), as a
 * ratio of the unpaused rate (delivered ÷ (last arrival − first publish)),
 * and lost or duplicated deliveries.
 */
import type { Ctx, ScenarioResult } from '../lib/context';
import { progress } from '../lib/progress';
import { fmtMs, fmtRate, table } from '../lib/report';
import { round, roundSummary, summarize, waitUntil, type Summary } from '../lib/stats';
import { Tracker } from '../lib/tracking';

/** Concurrent publishers, as in the ordered scenario: the batch is in before much of it is delivered. */
const PUBLISHERS = 8;

export async function resumeScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  await ctx.useEngine({}, { label: 'resume' });
  const failures: string[] = [];
  const notes: string[] = [];
  const count = opts.resumeHeld;
  const u = ctx.sampler.begin('resume');

  // Unpaused: the engine's normal rate for this batch, in this run.
  const free = await publishBatch('free');
  const freeDrained = await drain(free.tracker, 'unpaused');
  const freeRate = free.tracker.overallRate(free.from);
  await ctx.settle('resume: after the unpaused batch');

  // Paused: the same batch is held, then released by a resume.
  const held = await publishBatch('held', async (id) => {
    const res = await ctx.api.request('POST', `/v1/webhooks/${id}/pause`);
    if (res.status !== 200) throw new Error(`pausing: ${res.status} ${JSON.stringify(res.body)}`);
  });
  const arrivedWhilePaused = held.tracker.deliveredTotal();
  if (arrivedWhilePaused > 0) failures.push(`${arrivedWhilePaused} deliveries arrived while their webhook was paused`);
  const resumedAt = Date.now();
  // The answer may come only once the release is done: the deliveries are watched meanwhile.
  let resumeMs = NaN;
  const resumed = fetch(`${ctx.engine.apiUrl}/v1/webhooks/${held.webhookId}/resume`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.engine.apiKey}` },
    signal: AbortSignal.timeout(opts.drainTimeoutS * 1000 + 60_000),
  }).then(async (r) => {
    resumeMs = Date.now() - resumedAt;
    if (r.status !== 200) throw new Error(`resuming: ${r.status} ${await r.text()}`);
  });
  resumed.catch(() => undefined);
  const heldDrained = await drain(held.tracker, 'resumed');
  await resumed;
  const heldLast = held.tracker.lastArrival();
  const heldSeconds = (heldLast - resumedAt) / 1000;
  const heldRate = heldSeconds > 0 ? held.tracker.deliveredTotal() / heldSeconds : NaN;
  const usage = ctx.sampler.end(u);

  const batches = { free, held };
  const outcome = Object.fromEntries(
    Object.entries(batches).map(([name, b]) => {
      const { duplicates } = b.tracker.duplicatesAndStrays();
      const delivered = b.tracker.deliveredTotal();
      return [name, { expected: b.tracker.expectedTotal, delivered, lost: b.tracker.expectedTotal - delivered, duplicated: duplicates }];
    }),
  ) as Record<'free' | 'held', { expected: number; delivered: number; lost: number; duplicated: number }>;
  for (const [name, o] of Object.entries(outcome)) {
    if (o.lost > 0) failures.push(`${name}: ${o.lost} of ${o.expected} deliveries lost`);
    if (o.duplicated > 0) notes.push(`${name}: ${o.duplicated} duplicate deliveries`);
  }
  if (!freeDrained || !heldDrained) notes.push(`not drained within ${opts.drainTimeoutS} s; what had not arrived by then counts as lost`);
  const ratio = heldRate / freeRate.perS;
  progress.line(
    `resume: unpaused ${round(freeRate.perS)} deliveries/s; ${count} held released at ${round(heldRate)}/s after the resume (${round(ratio)} × the unpaused rate)`,
  );

  const md = [
    `${count} events to one unordered webhook, published by ${PUBLISHERS} concurrent clients and drained; then as many to a second webhook ` +
      'paused before the first publish, held until every delivery is stored, then resumed (`POST /v1/webhooks/:id/resume`). ' +
      'The receiver answers 200 at once.',
    '',
    table(
      ['', 'Unpaused', 'Held, then resumed'],
      [
        ['Deliveries expected / delivered', `${outcome.free.expected} / ${outcome.free.delivered}`, `${outcome.held.expected} / ${outcome.held.delivered}`],
        ['**Lost / duplicated**', `**${outcome.free.lost} / ${outcome.free.duplicated}**`, `**${outcome.held.lost} / ${outcome.held.duplicated}**`],
        [
          '**Deliveries/s**',
          `**${fmtRate(freeRate.perS)}** (delivered ÷ (last arrival − first publish))`,
          `**${fmtRate(heldRate)}** (delivered ÷ (last arrival − resume))`,
        ],
        ['Ratio to the unpaused rate', '1', `**${round(ratio)} ×**`],
        ['Publish p50 / p95 / p99', publishRow(free.publishMs), publishRow(held.publishMs)],
        ['`POST /v1/webhooks/:id/resume` answered after', '', fmtMs(resumeMs)],
        ['Delivered while paused', '', String(arrivedWhilePaused)],
      ],
    ),
  ];
  return {
    name: 'resume',
    title: 'Resume (a paused webhook with a backlog)',
    data: {
      count,
      unpaused: { ...outcome.free, perS: round(freeRate.perS), seconds: round(freeRate.seconds), publishMs: free.publishMs },
      resumed: { ...outcome.held, perS: round(heldRate), seconds: round(heldSeconds), publishMs: held.publishMs, resumeRequestMs: resumeMs },
      ratio: round(ratio),
    },
    markdown: md.join('\n'),
    failures,
    notes,
    usage: [usage],
    engineEnv: {},
    durationS: (Date.now() - started) / 1000,
  };

  async function publishBatch(name: 'free' | 'held', before?: (webhookId: string) => Promise<void>) {
    const type = `bench.resume.${name}`;
    const route = `/resume/${name}`;
    const tracker = new Tracker();
    const wh = await ctx.api.createWebhook(`resume ${name}`, ctx.receiver.url(route), [type]);
    tracker.addWebhook(wh.id, ctx.receiver, route);
    await before?.(wh.id);
    const publishMs: number[] = [];
    const from = Date.now();
    let next = 0;
    const ticker = progress.every(3000, () => `resume ${name}: published ${next}/${count}, delivered ${tracker.deliveredTotal()}`);
    try {
      await Promise.all(
        Array.from({ length: PUBLISHERS }, async () => {
          while (next < count) {
            const seq = next++;
            const sentAt = Date.now();
            const r = await ctx.api.publish(type, { sent_at: sentAt, seq }, true);
            publishMs.push(Date.now() - sentAt);
            if (!r.ok) throw new Error(`resume: publishing failed: ${JSON.stringify(r)}`);
            tracker.accept(r.eventId!, r.deliveries!);
          }
        }),
      );
    } finally {
      ticker.stop();
    }
    return { webhookId: wh.id, tracker, from, publishMs: roundSummary(summarize(publishMs)) };
  }

  async function drain(tracker: Tracker, label: string): Promise<boolean> {
    const ticker = progress.every(3000, () => `resume ${label}: ${tracker.outstanding()} deliveries outstanding`);
    try {
      return await waitUntil(() => (ctx.engine.assertAlive(), tracker.outstanding() === 0), opts.drainTimeoutS * 1000, 50);
    } finally {
      ticker.stop();
    }
  }
}

function publishRow(s: Summary): string {
  return `${fmtMs(s.p50)} / ${fmtMs(s.p95)} / ${fmtMs(s.p99)}`;
}
