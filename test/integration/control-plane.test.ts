import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { controllerWorkflowId } from '../../src/domain/workflow-ids';
import { controllerStateQuery, deliveryProgressQuery } from '../../workflows/definitions';
import { findTemporalCli } from '../../src/devtools/temporal-cli';
import { createWebhook, getDelivery, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers, type Responder } from '../support/receiver';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);

/** Retries wait a minute here: long enough that anything arriving sooner came from an operator action. */
let slow: Stack;
/** A short schedule, for redelivery and recovery. */
let quick: Stack;
const receivers = new Receivers();
const receiver = (responder?: Responder) => receivers.start(responder);

beforeAll(async () => {
  [slow, quick] = await Promise.all([
    startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '60000', RETRY_MAXIMUM_ATTEMPTS: '5', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' } }),
    startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '300', RETRY_MAXIMUM_ATTEMPTS: '2', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' } }),
  ]);
});
afterAll(async () => {
  await receivers.stopAll();
  await Promise.all([slow?.stop(), quick?.stop()]);
});

const action = (stack: Stack, id: string, name: string) => stack.http.post(`/v1/webhooks/${id}/${name}`).set(stack.auth);
const webhookOf = async (stack: Stack, id: string) => (await stack.http.get(`/v1/webhooks/${id}`).set(stack.auth)).body;
const progress = (stack: Stack, workflowId: string) => stack.temporal.workflow.getHandle(workflowId).query(deliveryProgressQuery);

describe('pause and resume', () => {
  it('holds a delivery paused in its retry backoff, then resumes it where the schedule was', async () => {
    const r = await receiver(Receiver.sequence({ status: 500 }, { status: 200 }));
    const hook = await createWebhook(slow, { url: r.url, events: ['pause.backoff'] });
    const event = await publishEvent(slow, { type: 'pause.backoff', data: {} });
    const delivery = event.deliveries[0]!;
    await r.waitForRequests(1);
    await waitFor(async () => (await getDelivery(slow, delivery.id)).next_attempt_at, { message: 'the retry to be scheduled' });

    const paused = await action(slow, hook.id, 'pause');
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');

    // Held: the backoff was interrupted, no attempt is scheduled, nothing was sent.
    await waitFor(async () => (await progress(slow, delivery.workflow_id)).held, { message: 'the delivery to be held' });
    expect(await progress(slow, delivery.workflow_id)).toEqual({ held: true, attemptsMade: 1 });
    const described = await slow.temporal.workflow.getHandle(delivery.workflow_id).describe();
    expect(described.raw.pendingActivities ?? []).toEqual([]);
    expect((await getDelivery(slow, delivery.id)).next_attempt_at).toBeNull();
    expect(r.requests).toHaveLength(1);

    const resumed = await action(slow, hook.id, 'resume');
    expect(resumed.body.status).toBe('active');
    const done = await waitForFinalDelivery(slow, delivery.id);
    expect(done.status).toBe('succeeded');
    expect(done.attempts.map((a: any) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(r.requests).toHaveLength(2);
  });

  it('holds events sent while paused and delivers them all, in order, exactly once, on resume', async () => {
    const r = await receiver();
    const hook = await createWebhook(slow, { url: r.url, events: ['pause.queue'] });
    expect((await action(slow, hook.id, 'pause')).body.status).toBe('paused');
    const events = [];
    for (let i = 0; i < 6; i++) events.push(await publishEvent(slow, { type: 'pause.queue', data: { i } }));
    for (const e of events) expect(e.deliveries).toHaveLength(1);
    const { rows } = await slow.api.pool.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE webhook_id = $1 AND status = 'pending' AND dispatched_at IS NULL`,
      [hook.id],
    );
    expect(rows[0].n).toBe(6);
    expect(r.requests).toHaveLength(0);

    await action(slow, hook.id, 'resume').expect(200);
    for (const e of events) expect((await waitForFinalDelivery(slow, e.deliveries[0]!.id)).status).toBe('succeeded');
    expect(r.requests.map((q) => JSON.parse(q.body).data.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual(events.map((e) => e.id));
    const webhook = await webhookOf(slow, hook.id);
    expect(webhook.status).toBe('active');
  });

  it('refuses to pause or resume a disabled webhook', async () => {
    const hook = await createWebhook(slow, { url: 'http://127.0.0.1:1/x', events: ['never.sent'] });
    await action(slow, hook.id, 'disable').expect(200);
    const res = await action(slow, hook.id, 'pause');
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'invalid_state', message: 'webhook is disabled; enable it instead' });
    expect((await action(slow, hook.id, 'resume')).status).toBe(409);
  });
});

describe('disable and enable', () => {
  it('cancels pending deliveries, takes no new events, and records why', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const hook = await createWebhook(slow, { url: r.url, events: ['disable.me'] });
    const event = await publishEvent(slow, { type: 'disable.me', data: {} });
    await r.waitForRequests(1);

    const disabled = await action(slow, hook.id, 'disable');
    expect(disabled.body).toMatchObject({ status: 'disabled', disabled_reason: 'disabled through the API' });
    expect(disabled.body.disabled_at).not.toBeNull();
    const cancelled = await waitForFinalDelivery(slow, event.deliveries[0]!.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', last_error: 'webhook is disabled' });
    const result = await slow.temporal.workflow.getHandle(event.deliveries[0]!.workflow_id).result();
    expect(result.status).toBe('cancelled');

    const ignored = await publishEvent(slow, { type: 'disable.me', data: {} });
    expect(ignored.deliveries).toEqual([]);
    expect(r.requests).toHaveLength(1);

    const enabled = await action(slow, hook.id, 'enable');
    expect(enabled.body).toMatchObject({ status: 'active', disabled_reason: null, disabled_at: null, failure_count: 0 });
    expect((await publishEvent(slow, { type: 'disable.me', data: {} })).deliveries).toHaveLength(1);
    await r.waitForRequests(2);
  });
});

describe('the controller workflow', () => {
  it('continues as new after its quota of changes, keeping the state', async () => {
    const hook = await createWebhook(quick, { url: 'https://example.com/can', events: ['can.test'] });
    const workflowId = controllerWorkflowId(hook.id);
    // A controller with a quota of 2 changes a run, in place of the one the dispatcher may have started.
    await quick.temporal.workflow.start('webhookControllerWorkflow', {
      workflowId,
      taskQueue: quick.config.temporal.taskQueue,
      args: [{ webhookId: hook.id, autoDisable: { failureThreshold: -1, windowMs: 10_000 }, changesPerRun: 2 }],
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    });
    const handle = quick.temporal.workflow.getHandle(workflowId);
    const firstRun = (await handle.describe()).runId;

    for (const name of ['pause', 'resume', 'pause']) await action(quick, hook.id, name).expect(200);
    expect((await webhookOf(quick, hook.id)).status).toBe('paused');
    const latest = await handle.describe();
    expect(latest.runId).not.toBe(firstRun);
    expect(latest.status.name).toBe('RUNNING');
    expect(await handle.query(controllerStateQuery)).toMatchObject({ changesApplied: 1 });
  });
});

describe('the Temporal CLI as a control surface', () => {
  it('a pause signal sent with the temporal binary changes what the API reports, and resume undoes it', async () => {
    const cli = findTemporalCli();
    if (!cli || cli.type !== 'existing-path') throw new Error('the Temporal CLI binary is required for this test');
    const hook = await createWebhook(slow, { url: 'https://example.com/cli', events: ['cli.test'] });
    const workflowId = controllerWorkflowId(hook.id);
    // The dispatcher starts each webhook's controller.
    await waitFor(() => slow.temporal.workflow.getHandle(workflowId).describe(), { message: 'the controller workflow to start' });

    const signal = (name: string) =>
      run(cli.path, ['workflow', 'signal', '--address', testEnv('temporalAddress'), '--workflow-id', workflowId, '--name', name]);
    await signal('pause');
    await waitFor(async () => (await webhookOf(slow, hook.id)).status === 'paused', { message: 'the API to report paused' });
    await signal('resume');
    await waitFor(async () => (await webhookOf(slow, hook.id)).status === 'active', { message: 'the API to report active' });
    await run(cli.path, [
      'workflow', 'signal', '--address', testEnv('temporalAddress'), '--workflow-id', workflowId, '--name', 'disable',
      '--input', JSON.stringify({ reason: 'maintenance window' }),
    ]);
    await waitFor(async () => (await webhookOf(slow, hook.id)).disabled_reason === 'maintenance window', { message: 'the reason to show' });
  });
});

describe('operator actions on deliveries', () => {
  it('retry-now attempts a delivery waiting in backoff at once, and next_attempt_at shows the wait before', async () => {
    const r = await receiver(Receiver.sequence({ status: 503 }, { status: 200 }));
    await createWebhook(slow, { url: r.url, events: ['retry.now'] });
    const event = await publishEvent(slow, { type: 'retry.now', data: {} });
    const id = event.deliveries[0]!.id;
    await r.waitForRequests(1);
    const waiting = await waitFor(async () => {
      const d = await getDelivery(slow, id);
      return d.next_attempt_at ? d : undefined;
    }, { message: 'next_attempt_at' });
    const due = Date.parse(waiting.next_attempt_at) - r.requests[0]!.receivedAt;
    expect(due).toBeGreaterThan(50_000);
    expect(due).toBeLessThan(70_000);

    const res = await slow.http.post(`/v1/deliveries/${id}/retry-now`).set(slow.auth);
    expect(res.status).toBe(202);
    const done = await waitForFinalDelivery(slow, id, 20_000);
    expect(done.status).toBe('succeeded');
    expect(done.attempts.map((a: any) => a.attempt)).toEqual([1, 2]);
    expect(r.requests[1]!.receivedAt - r.requests[0]!.receivedAt).toBeLessThan(30_000);
  });

  it('cancel stops a pending delivery; cancelling it again is a conflict', async () => {
    const r = await receiver(() => ({ status: 500 }));
    await createWebhook(slow, { url: r.url, events: ['cancel.me'] });
    const event = await publishEvent(slow, { type: 'cancel.me', data: {} });
    const d = event.deliveries[0]!;
    await r.waitForRequests(1);
    const res = await slow.http.post(`/v1/deliveries/${d.id}/cancel`).set(slow.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', last_error: 'cancelled by an operator' });
    expect((await slow.temporal.workflow.getHandle(d.workflow_id).result()).status).toBe('cancelled');
    expect(r.requests).toHaveLength(1);
    const again = await slow.http.post(`/v1/deliveries/${d.id}/cancel`).set(slow.auth);
    expect(again.status).toBe(409);
  });

  it('retry redelivers a failed delivery with a fresh series and the same webhook-id', async () => {
    const r = await receiver(Receiver.sequence({ status: 400 }, { status: 200 }));
    const hook = await createWebhook(quick, { url: r.url, events: ['redeliver.me'] });
    const event = await publishEvent(quick, { type: 'redeliver.me', data: { n: 7 } });
    const id = event.deliveries[0]!.id;
    expect((await waitForFinalDelivery(quick, id)).status).toBe('failed');

    const res = await quick.http.post(`/v1/deliveries/${id}/retry`).set(quick.auth);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', redeliveries: 1 });
    const done = await waitForFinalDelivery(quick, id);
    expect(done.status).toBe('succeeded');
    expect(done.attempts.map((a: any) => [a.attempt, a.status_code])).toEqual([
      [1, 400],
      [2, 200],
    ]);
    expect(done.workflow_id).toBe(`delivery-${event.id}-${hook.id}-redelivery-1`);
    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([event.id, event.id]);
    new StandardWebhook(hook.secret).verify(r.requests[1]!.body, r.requests[1]!.headers as Record<string, string>);
    expect((await quick.http.post(`/v1/deliveries/${id}/retry-now`).set(quick.auth)).status).toBe(409);
  });

  it('recover re-sends every failed delivery of a webhook in the time range', async () => {
    let healthy = false;
    const r = await receiver(() => ({ status: healthy ? 200 : 400 }));
    const hook = await createWebhook(quick, { url: r.url, events: ['recover.me'] });
    const since = new Date().toISOString();
    const events = [];
    for (let i = 0; i < 3; i++) events.push(await publishEvent(quick, { type: 'recover.me', data: { i } }));
    for (const e of events) expect((await waitForFinalDelivery(quick, e.deliveries[0]!.id)).status).toBe('failed');

    healthy = true;
    const res = await quick.http.post(`/v1/webhooks/${hook.id}/recover`).set(quick.auth).send({ since });
    expect(res.status).toBe(202);
    expect(res.body.recovered).toBe(3);
    for (const e of events) expect((await waitForFinalDelivery(quick, e.deliveries[0]!.id)).status).toBe('succeeded');
    const none = await quick.http.post(`/v1/webhooks/${hook.id}/recover`).set(quick.auth).send({ since });
    expect(none.body.recovered).toBe(0);
    const bad = await quick.http.post(`/v1/webhooks/${hook.id}/recover`).set(quick.auth).send({ since: 'last week' });
    expect(bad.status).toBe(422);
  });
});
