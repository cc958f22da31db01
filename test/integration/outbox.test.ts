import type { Pool } from 'pg';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers } from '../support/receiver';
import { waitFor } from '../support/wait-for';

const stacks: Stack[] = [];
const receivers = new Receivers();
async function stack(...args: Parameters<typeof startStack>) {
  const s = await startStack(...args);
  stacks.push(s);
  return s;
}
/** Deliveries still waiting in the outbox: pending and never handed to Temporal. */
async function countUndispatched(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE dispatched_at IS NULL AND status = 'pending'");
  return rows[0]!.n;
}
afterAll(async () => {
  await receivers.stopAll();
  for (const s of stacks.reverse()) await s.stop();
});

it('accepts events while Temporal is down, and delivers every one once it is back', async () => {
  const receiver = await receivers.start();
  // An API whose Temporal address answers nothing, and no worker.
  const down = await stack({ worker: false, env: { TEMPORAL_ADDRESS: '127.0.0.1:1', DISPATCH_POLL_INTERVAL_MS: '50' } });

  expect((await down.http.get('/healthz')).status).toBe(200);
  const ready = await down.http.get('/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body.error).toEqual({ code: 'not_ready', message: expect.stringMatching(/^temporal: /) });
  expect(ready.body.checks.postgres).toBe('ok');
  expect(ready.body.checks.temporal).toMatch(/^error: /);

  const hook = await createWebhook(down, { url: receiver.url, events: ['outage.test'] });
  const events = [];
  for (let i = 0; i < 5; i++) events.push(await publishEvent(down, { type: 'outage.test', data: { i } }));
  expect(await countUndispatched(down.api.pool)).toBe(5);

  // The API process dies with its outbox full.
  await down.stop();
  stacks.splice(stacks.indexOf(down), 1);

  // A new process, with Temporal reachable, drains it.
  const back = await stack({ databaseUrl: down.config.database.url, env: { TEMPORAL_TASK_QUEUE: down.config.temporal.taskQueue } });
  for (const e of events) expect((await waitForFinalDelivery(back, e.deliveries[0]!.id)).status).toBe('succeeded');
  const received = receiver.requests.map((r) => JSON.parse(r.body).data.i).sort();
  expect(received).toEqual([0, 1, 2, 3, 4]);
  expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(5);
  expect(hook.id).toBe(events[0]!.deliveries[0]!.webhook_id);
  expect(await countUndispatched(back.api.pool)).toBe(0);
});

it('refuses to start a delivery twice, even after its workflow has finished', async () => {
  const receiver = await receivers.start();
  const s = await stack();
  await createWebhook(s, { url: receiver.url, events: ['once.only'] });
  const event = await publishEvent(s, { type: 'once.only', data: {} });
  const delivery = await waitForFinalDelivery(s, event.deliveries[0]!.id);
  expect(delivery.status).toBe('succeeded');

  // As if a dispatcher had died after starting the workflow but before marking the row, and the
  // row were still pending: the next dispatcher claims it and starts it again.
  await s.api.pool.query(`UPDATE deliveries SET status = 'pending', completed_at = NULL, dispatched_at = NULL WHERE id = $1`, [delivery.id]);
  s.worker!.dispatcher!.nudge();
  await waitFor(
    async () => (await s.api.pool.query('SELECT dispatched_at FROM deliveries WHERE id = $1', [delivery.id])).rows[0].dispatched_at,
    { message: 'the row to be marked dispatched again' },
  );
  const runs = [];
  for await (const wf of s.temporal.workflow.list({ query: `WorkflowId = "${delivery.workflow_id}"` })) runs.push(wf.runId);
  expect(runs).toHaveLength(1);
  expect(receiver.requests).toHaveLength(1);
});

it('finishes a delivery whose worker died during its retry backoff', async () => {
  const receiver = await receivers.start(Receiver.sequence({ status: 500 }, { status: 200 }));
  const s = await stack({ env: { RETRY_INITIAL_INTERVAL_MS: '1000' } });
  await createWebhook(s, { url: receiver.url, events: ['worker.dies'] });
  const event = await publishEvent(s, { type: 'worker.dies', data: {} });
  await receiver.waitForRequests(1);
  await s.worker!.stop();

  const replacement = await stack({ databaseUrl: s.config.database.url, env: { TEMPORAL_TASK_QUEUE: s.config.temporal.taskQueue, DISPATCHER_ENABLED: 'false' } });
  const delivery = await waitForFinalDelivery(replacement, event.deliveries[0]!.id);
  expect(delivery.status).toBe('succeeded');
  expect(delivery.attempts.map((a: { attempt: number; status_code: number }) => [a.attempt, a.status_code])).toEqual([
    [1, 500],
    [2, 200],
  ]);
});
