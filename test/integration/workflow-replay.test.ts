import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { controllerWorkflowId } from '../../src/domain/workflow-ids';
import { deliveryProgressQuery } from '../../workflows/definitions';
import { createWebhook, getDelivery, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers } from '../support/receiver';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/**
 * Deliveries wait in backoff, paused webhooks hold theirs, and a webhook's controller runs as long
 * as the webhook: workflows are in flight whenever a new version of the worker is deployed, and
 * the new workflow code must replay their histories. This file
 * - runs every workflow through its paths on the real stack and replays what Temporal recorded
 *   with the current code, and
 * - replays the histories kept in test/workflow-histories/, recorded by an earlier version: a
 *   change that would break workflows in flight fails here and needs `patched()` (README,
 *   "Changing workflow code").
 * `RECORD_WORKFLOW_HISTORIES=1` writes the histories of the first part there, one binary protobuf
 * `History` per file (`temporal.api.history.v1.History`, as the Temporal API sends it).
 */

const HISTORIES_DIR = path.join(__dirname, '..', 'workflow-histories');
const RECORD = process.env.RECORD_WORKFLOW_HISTORIES === '1';

/** Retries a minute apart: anything sooner came from an operator action. */
let slow: Stack;
/** The tests' short schedule: 300 ms, doubling, 3 attempts. */
let quick: Stack;
const receivers = new Receivers();
/** Scenario name to the workflow that ran it, and the stack it ran on. */
const recorded = new Map<string, { stack: Stack; workflowId: string }>();

beforeAll(async () => {
  [slow, quick] = await Promise.all([
    startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '60000', RETRY_MAXIMUM_ATTEMPTS: '5', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' } }),
    startStack({ env: { AUTO_DISABLE_FAILURE_THRESHOLD: '-1', SYNC_RETRY_DELAY_MS: '200', SYNC_MAX_RETRIES: '1' } }),
  ]);
});
afterAll(async () => {
  await receivers.stopAll();
  await Promise.all([slow?.stop(), quick?.stop()]);
});

/** Publishes one event to a new webhook on `stack` whose receiver answers as `responder` says. */
async function deliveryTo(stack: Stack, responder: Parameters<Receivers['start']>[0], type: string) {
  const receiver = await receivers.start(responder);
  const hook = await createWebhook(stack, { url: receiver.url, events: [type] });
  const delivery = (await publishEvent(stack, { type, data: { scenario: type } })).deliveries[0]!;
  return { receiver, hook, delivery };
}

async function syncOf(stack: Stack, outcome: string): Promise<string> {
  const user = await stack.http.post('/v1/users').set(stack.auth).send({ login_name: `replay-${outcome}@example.com` });
  const account = await stack.http.post('/v1/accounts').set(stack.auth).send({ user_id: user.body.id, provider: 'demo', demo: { outcomes: [outcome] } });
  expect(account.status).toBe(201);
  const sync = await stack.http.post(`/v1/accounts/${account.body.id}/sync`).set(stack.auth);
  expect(sync.status).toBe(202);
  await stack.temporal.workflow.getHandle(sync.body.workflow_id).result();
  return sync.body.workflow_id;
}

describe('every workflow path, run on the real stack', () => {
  it('a delivery answered 2xx at once', async () => {
    const { delivery } = await deliveryTo(quick, () => ({ status: 200 }), 'replay.delivered');
    expect((await waitForFinalDelivery(quick, delivery.id)).status).toBe('succeeded');
    recorded.set('delivery-succeeded', { stack: quick, workflowId: delivery.workflow_id });
  });

  it('a delivery retried after a 500', async () => {
    const { delivery } = await deliveryTo(quick, Receiver.sequence({ status: 500 }, { status: 200 }), 'replay.retried');
    const done = await waitForFinalDelivery(quick, delivery.id);
    expect(done.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 200]);
    recorded.set('delivery-retried', { stack: quick, workflowId: delivery.workflow_id });
  });

  it('a delivery refused with a 4xx, and one that ran out of attempts', async () => {
    const refused = await deliveryTo(quick, () => ({ status: 400 }), 'replay.refused');
    const exhausted = await deliveryTo(quick, () => ({ status: 500 }), 'replay.exhausted');
    expect((await waitForFinalDelivery(quick, refused.delivery.id)).status).toBe('failed');
    expect((await waitForFinalDelivery(quick, exhausted.delivery.id)).attempts).toHaveLength(3);
    recorded.set('delivery-refused', { stack: quick, workflowId: refused.delivery.workflow_id });
    recorded.set('delivery-exhausted', { stack: quick, workflowId: exhausted.delivery.workflow_id });
  });

  it('a delivery held by a pause in its backoff, then resumed; and its webhook controller', async () => {
    const { hook, delivery } = await deliveryTo(slow, Receiver.sequence({ status: 500 }, { status: 200 }), 'replay.held');
    await waitFor(async () => (await getDelivery(slow, delivery.id)).next_attempt_at, { message: 'the retry to be scheduled' });
    expect((await slow.http.post(`/v1/webhooks/${hook.id}/pause`).set(slow.auth)).status).toBe(200);
    const progress = () => slow.temporal.workflow.getHandle(delivery.workflow_id).query(deliveryProgressQuery);
    await waitFor(async () => (await progress()).held, { message: 'the delivery to be held' });
    expect((await slow.http.post(`/v1/webhooks/${hook.id}/resume`).set(slow.auth)).status).toBe(200);
    expect((await waitForFinalDelivery(slow, delivery.id)).status).toBe('succeeded');
    expect((await slow.http.post(`/v1/webhooks/${hook.id}/disable`).set(slow.auth)).status).toBe(200);
    expect((await slow.http.post(`/v1/webhooks/${hook.id}/enable`).set(slow.auth)).status).toBe(200);
    recorded.set('delivery-held-and-resumed', { stack: slow, workflowId: delivery.workflow_id });
    recorded.set('webhook-controller', { stack: slow, workflowId: controllerWorkflowId(hook.id) });
  });

  it('a delivery waiting in backoff, attempted at once by retry-now', async () => {
    const { receiver, delivery } = await deliveryTo(slow, Receiver.sequence({ status: 500 }, { status: 200 }), 'replay.retry-now');
    await receiver.waitForRequests(1);
    await waitFor(async () => (await getDelivery(slow, delivery.id)).next_attempt_at, { message: 'the retry to be scheduled' });
    const retried = await slow.http.post(`/v1/deliveries/${delivery.id}/retry-now`).set(slow.auth);
    expect([retried.status, retried.body.error]).toEqual([202, undefined]);
    expect((await waitForFinalDelivery(slow, delivery.id)).status).toBe('succeeded');
    recorded.set('delivery-retry-now', { stack: slow, workflowId: delivery.workflow_id });
  });

  it('account syncs that succeed, fail for good, and fail for now and are retried', async () => {
    recorded.set('account-sync-succeeded', { stack: quick, workflowId: await syncOf(quick, 'success') });
    recorded.set('account-sync-login-failed', { stack: quick, workflowId: await syncOf(quick, 'LoginFailedError') });
    recorded.set('account-sync-temporary-failure', { stack: quick, workflowId: await syncOf(quick, 'TemporaryFailureError') });
  });

  it('a retention purge, as its Schedule starts it', async () => {
    const workflowId = `retention-replay-${Date.now()}`;
    await quick.temporal.workflow.execute('retentionWorkflow', {
      taskQueue: quick.config.temporal.taskQueue,
      workflowId,
      args: [{ defaultRetentionDays: 30, batchSize: 1000 }],
    });
    recorded.set('retention-purge', { stack: quick, workflowId });
  });
});

const { History } = temporal.api.history.v1;
type NamedHistory = { workflowId: string; history: temporal.api.history.v1.IHistory };

/** Replays each history with the current workflow code; returns what failed, by workflow id. */
async function replayFailures(histories: NamedHistory[]): Promise<string[]> {
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: testEnv('workflowBundle') } }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

describe('replay with the current workflow code', () => {
  it('replays what the paths above recorded', async () => {
    expect([...recorded.keys()]).toHaveLength(11);
    const histories: NamedHistory[] = [];
    for (const [name, { stack, workflowId }] of recorded) {
      const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
      expect(history.events?.length).toBeGreaterThan(3);
      histories.push({ workflowId: name, history });
      if (RECORD) {
        mkdirSync(HISTORIES_DIR, { recursive: true });
        writeFileSync(path.join(HISTORIES_DIR, `${name}.pb`), History.encode(History.fromObject(history)).finish());
      }
    }
    expect(await replayFailures(histories)).toEqual([]);
  }, 60_000);

  it('replays the histories an earlier version recorded (test/workflow-histories)', async () => {
    const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.pb'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const histories = files.map((f) => ({
      workflowId: path.basename(f, '.pb'),
      history: History.decode(readFileSync(path.join(HISTORIES_DIR, f))),
    }));
    expect(await replayFailures(histories)).toEqual([]);
  }, 60_000);
});
