/**
 * What one delivery costs Temporal and Postgres, in the four cases that make up
 * almost all traffic: a success on the first attempt, one retry, held by a
 * paused webhook then released, and exhausted (the schedule's five attempts,
 * all failed). For each, a batch of deliveries to a fresh webhook, then:
 *
 * - Temporal history events and billable actions per delivery, read from the
 *   real histories of every workflow that ran or changed during the case (the
 *   deliveries, and the webhook's controller when it is signalled), counted by
 *   `bench/lib/billable-actions.ts` under Temporal Cloud's definition of an Action;
 * - Postgres transactions per delivery: `pg_stat_database` commits and
 *   rollbacks on the engine's database over the case, less the idle rate
 *   measured just before (the dispatcher's polling and the pools' checks).
 *
 * The engine runs with a short retry interval (the attempt count, which is what
 * the cost depends on, stays at the default five) and an auto-disable threshold
 * out of reach, so that the failing cases are not cut short by a disable.
 */
import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import { addCounts, countActions, emptyCount, type ActionCount } from '../lib/billable-actions';
import type { Ctx, ScenarioResult } from '../lib/context';
import { progress } from '../lib/progress';
import { table } from '../lib/report';
import { round, sleep, waitUntil } from '../lib/stats';

type CaseName = 'success' | 'oneRetry' | 'heldReleased' | 'exhausted';

interface CaseResult {
  deliveries: number;
  statuses: Record<string, number>;
  perDelivery: { historyEvents: number; historyBytes: number; actions: number; byKind: Record<string, number> };
  workflowsTouched: number;
  pgTransactionsPerDelivery: number | null;
}

const TITLES: Record<CaseName, string> = {
  success: 'Success on the first attempt',
  oneRetry: 'One retry (500, then 200)',
  heldReleased: 'Published while paused, then released by a resume',
  exhausted: 'Exhausted (5 attempts, all 500)',
};

/** Postgres flushes a backend's counters at most once a second, and an idle one's after 10 s. */
const PG_STATS_FLUSH_MS = 11_000;

export async function costScenario(ctx: Ctx): Promise<ScenarioResult> {
  const started = Date.now();
  const { opts } = ctx;
  // Auto-disable stays on (every failed attempt still signals the controller, as it does by default) but out of reach.
  const engineEnv = {
    RETRY_INITIAL_INTERVAL_MS: '200',
    RETRY_BACKOFF_COEFFICIENT: '2',
    RETRY_MAXIMUM_ATTEMPTS: '5',
    AUTO_DISABLE_FAILURE_THRESHOLD: '1000000',
  };
  await ctx.useEngine(engineEnv, { label: 'cost' });
  const failures: string[] = [];
  const notes: string[] = [];
  const perCase = opts.smoke ? 3 : 20;
  const flushMs = opts.smoke ? 1_500 : PG_STATS_FLUSH_MS;
  const connection = await Connection.connect({ address: ctx.temporal.address });
  const client = new Client({ connection });
  const failuresOf = new Map<string, number>();
  ctx.receiver.setBehaviour((route, eventId) => {
    if (route === '/cost/exhausted') return 500;
    if (route === '/cost/oneRetry') {
      const n = failuresOf.get(eventId) ?? 0;
      failuresOf.set(eventId, n + 1);
      return n === 0 ? 500 : 200;
    }
    return 200;
  });
  const u = ctx.sampler.begin('cost');
  try {
    const results = {} as Record<CaseName, CaseResult>;
    for (const name of Object.keys(TITLES) as CaseName[]) {
      progress.line(`cost: ${name}`);
      results[name] = await runCase(name);
      await ctx.settle(`cost ${name}`);
    }
    const usage = ctx.sampler.end(u);
    const names = Object.keys(TITLES) as CaseName[];
    const md = [
      `${perCase} deliveries per case, each case on a fresh webhook. History events and billable actions: every event appended during the case ` +
        'to any workflow in the namespace (the delivery workflows and the webhook controller), with actions counted as Temporal Cloud defines them ' +
        '(docs.temporal.io/cloud/actions: workflow starts, activity starts and retries, timers, signals, search-attribute upserts; `bench/lib/billable-actions.ts`). ' +
        'Postgres transactions: commits and rollbacks on the engine database during the case, less the idle rate measured just before it.',
      '',
      table(
        ['Case', 'History events / delivery', 'History bytes / delivery', '**Billable actions / delivery**', 'of which', 'Postgres transactions / delivery'],
        names.map((n) => {
          const r = results[n];
          const kinds = Object.entries(r.perDelivery.byKind)
            .filter(([, v]) => v > 0)
            .map(([k, v]) => `${k} ${round(v)}`)
            .join(', ');
          return [TITLES[n], String(round(r.perDelivery.historyEvents)), String(Math.round(r.perDelivery.historyBytes)), `**${round(r.perDelivery.actions)}**`, kinds, r.pgTransactionsPerDelivery === null ? 'n/a' : String(round(r.pgTransactionsPerDelivery))];
        }),
      ),
    ];
    return {
      name: 'cost',
      title: 'Cost per delivery: Temporal history events, billable actions, Postgres transactions',
      data: { perCase, ...results },
      markdown: md.join('\n'),
      failures,
      notes,
      usage: [usage],
      engineEnv,
      durationS: (Date.now() - started) / 1000,
    };
  } finally {
    ctx.receiver.setBehaviour(() => 200);
    await connection.close();
  }

  async function runCase(name: CaseName): Promise<CaseResult> {
    const route = `/cost/${name}`;
    const type = `bench.cost.${name}`;
    const wh = await ctx.api.createWebhook(`cost ${name}`, ctx.receiver.url(route), [type]);
    // The webhook's controller starts with it: let that settle outside the measured window.
    await sleep(500);
    if (name === 'heldReleased') await expectStatus(await ctx.api.request('POST', `/v1/webhooks/${wh.id}/pause`), 200, 'pause');

    const idleFrom = await pgTransactions();
    const idleStart = Date.now();
    await sleep(flushMs);
    const before = await pgTransactions();
    const idleRate = (before - idleFrom) / (Date.now() - idleStart);
    const openBefore = await openHistoryLengths();
    const t0 = new Date(Date.now() - 1000);
    const caseStart = Date.now();

    const deliveryIds: string[] = [];
    for (let i = 0; i < perCase; i++) {
      const r = await ctx.api.publish(type, { sent_at: Date.now(), i }, true);
      if (!r.ok) throw new Error(`cost ${name}: publishing failed: ${JSON.stringify(r)}`);
      for (const d of r.deliveries!) if (d.webhook_id === wh.id) deliveryIds.push(d.id);
    }
    if (name === 'heldReleased') {
      // A paused webhook's deliveries wait in Postgres, not dispatched: nothing runs in Temporal until the resume.
      const { rows } = await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE webhook_id = $1 AND dispatched_at IS NOT NULL', [wh.id]);
      if (Number(rows[0]!.n) !== 0) failures.push(`cost ${name}: ${rows[0]!.n} deliveries of a paused webhook were dispatched`);
      await expectStatus(await ctx.api.request('POST', `/v1/webhooks/${wh.id}/resume`), 200, 'resume');
    }
    const done = await waitUntil(
      async () => {
        ctx.engine.assertAlive();
        const { rows } = await ctx.db.query<{ n: string }>("SELECT count(*) AS n FROM deliveries WHERE webhook_id = $1 AND status <> 'pending'", [wh.id]);
        return Number(rows[0]!.n) === deliveryIds.length;
      },
      opts.drainTimeoutS * 1000,
      100,
    );
    if (!done) failures.push(`cost ${name}: not every delivery finished within ${opts.drainTimeoutS} s`);
    // Every delivery workflow has closed (the row turns final one step before the workflow's end).
    await Promise.all(
      deliveryIds.map(async (id) => {
        const { rows } = await ctx.db.query<{ workflow_id: string }>('SELECT workflow_id FROM deliveries WHERE id = $1', [id]);
        await client.workflow.getHandle(rows[0]!.workflow_id).result().catch(() => undefined);
      }),
    );
    const caseEnd = Date.now();
    await sleep(flushMs);
    const after = await pgTransactions();
    const pgPerDelivery = (after - before - idleRate * (Date.now() - caseEnd + (caseEnd - caseStart))) / deliveryIds.length;

    const { rows: statusRows } = await ctx.db.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM deliveries WHERE webhook_id = $1 GROUP BY status',
      [wh.id],
    );
    const statuses = Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)]));
    const expected = name === 'exhausted' ? 'failed' : 'succeeded';
    if (statuses[expected] !== deliveryIds.length) failures.push(`cost ${name}: expected ${deliveryIds.length} ${expected}, got ${JSON.stringify(statuses)}`);

    const { total, touched } = await eventsSince(t0, openBefore);
    const n = Math.max(1, deliveryIds.length);
    const byKind = Object.fromEntries(Object.entries(total.byKind).map(([k, v]) => [k, v / n]));
    return {
      deliveries: deliveryIds.length,
      statuses,
      perDelivery: { historyEvents: total.events / n, historyBytes: total.bytes / n, actions: total.actions / n, byKind },
      workflowsTouched: touched,
      pgTransactionsPerDelivery: opts.smoke ? null : Math.max(0, pgPerDelivery),
    };
  }

  async function expectStatus(res: { status: number; body: unknown }, status: number, what: string): Promise<void> {
    if (res.status !== status) throw new Error(`cost: ${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }

  async function pgTransactions(): Promise<number> {
    await ctx.db.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await ctx.db.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0]!.n);
  }

  /** The history length of every running workflow: what was there before the case. */
  async function openHistoryLengths(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for await (const wf of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
      const d = await client.workflow.getHandle(wf.workflowId, wf.runId).describe();
      out.set(runKey(wf), d.historyLength);
    }
    return out;
  }

  /** Events appended since `t0` to every workflow run that was open then or started after. */
  async function eventsSince(t0: Date, openBefore: Map<string, number>): Promise<{ total: ActionCount; touched: number }> {
    const runs = new Map<string, WorkflowExecutionInfo>();
    for await (const wf of client.workflow.list({ query: `StartTime >= "${t0.toISOString()}"` })) runs.set(runKey(wf), wf);
    for await (const wf of client.workflow.list({ query: `CloseTime >= "${t0.toISOString()}"` })) runs.set(runKey(wf), wf);
    for await (const wf of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) if (openBefore.has(runKey(wf))) runs.set(runKey(wf), wf);
    let total = emptyCount();
    let touched = 0;
    for (const [key, wf] of runs) {
      const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      const skip = openBefore.get(key) ?? 0;
      const fresh = (history.events ?? []).filter((e) => Number(e.eventId) > skip);
      if (fresh.length === 0) continue;
      touched++;
      total = addCounts(total, countActions(fresh));
    }
    return { total, touched };
  }
}

function runKey(wf: { workflowId: string; runId: string }): string {
  return `${wf.workflowId}/${wf.runId}`;
}
