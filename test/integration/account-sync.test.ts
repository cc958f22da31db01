import { ScheduleNotFoundError } from '@temporalio/client';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { SYNC_ERRORS, type DemoOutcome } from '../../src/domain/account-sync';
import { accountScheduleId } from '../../src/domain/workflow-ids';
import { createWebhook } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, type ReceivedRequest } from '../support/receiver';
import { waitFor } from '../support/wait-for';

let stack: Stack;
let receiver: Receiver;
let secret: string;

beforeAll(async () => {
  stack = await startStack({ env: { SYNC_RETRY_DELAY_MS: '200', SYNC_MAX_RETRIES: '2' } });
  receiver = await Receiver.start();
  secret = (await createWebhook(stack, { url: receiver.url, events: ['SyncAccount', 'SyncError'] })).secret;
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

let users = 0;
async function accountWith(outcomes: DemoOutcome[]) {
  const user = await stack.http.post('/v1/users').set(stack.auth).send({ login_name: `jane${++users}@example.com` });
  expect(user.status).toBe(201);
  const account = await stack.http.post('/v1/accounts').set(stack.auth).send({ user_id: user.body.id, provider: 'demo', demo: { outcomes } });
  expect(account.status).toBe(201);
  return { user: user.body, account: account.body };
}

const hooksFor = (accountId: string) => receiver.requests.filter((r) => JSON.parse(r.body).account?.id === accountId);
const waitForHooks = (accountId: string, n: number) =>
  waitFor(() => (hooksFor(accountId).length >= n ? hooksFor(accountId) : undefined), { message: `${n} hook(s) for account ${accountId}` });
const accountOf = async (id: string) => (await stack.http.get(`/v1/accounts/${id}`).set(stack.auth)).body;
const syncNow = (id: string) => stack.http.post(`/v1/accounts/${id}/sync`).set(stack.auth);
const finish = (workflowId: string) => stack.temporal.workflow.getHandle(workflowId).result();

function expectSignedContractRequest(req: ReceivedRequest, body: string) {
  expect(req.body).toBe(body);
  expect(req.headers['content-type']).toBe('application/json');
  expect(req.headers['x-client-id']).toBe('default');
  expect(new StandardWebhook(secret).verify(req.body, req.headers as Record<string, string>)).toEqual(JSON.parse(body));
}

describe('each outcome sends the contract’s body, byte for byte', () => {
  it('success emits SyncAccount and leaves the account active', async () => {
    const { user, account } = await accountWith(['success']);
    const sync = await syncNow(account.id);
    expect(sync.status).toBe(202);
    expect(sync.body.workflow_id).toBe(`account-sync-${account.id}-manual`);
    const [hook] = await waitForHooks(account.id, 1);
    expectSignedContractRequest(
      hook!,
      `{"hook":"SyncAccount","user":{"id":"${user.id}","loginName":"${user.login_name}"},"account":{"id":"${account.id}","provider":"demo"}}`,
    );
    expect(await finish(sync.body.workflow_id)).toEqual({ status: 'synced' });
    expect(await accountOf(account.id)).toMatchObject({ status: 'active', last_sync_result: 'success', syncing: false });
  });

  it.each([
    ['LoginFailedError', 'LoginFailedError', 'needs_reconnect'],
    ['SecurityQuestionError', 'SecurityQuestionError', 'needs_reconnect'],
    ['TemporaryFailureError', 'TemporaryFailureError', 'active'],
    ['UnhandledConnectorError', 'UnhandledConnectorError', 'active'],
    ['UnknownConnectorError', 'UnknownConnectorError', 'active'],
    ['crash', 'UnknownConnectorError', 'active'],
  ] as Array<[DemoOutcome, string, string]>)('%s emits SyncError with error %s; the account ends %s', async (outcome, error, status) => {
    const { user, account } = await accountWith([outcome]);
    const sync = await syncNow(account.id);
    const result = await finish(sync.body.workflow_id);
    expect(result).toEqual({ status: 'failed', error });
    const hooks = await waitForHooks(account.id, 1);
    expectSignedContractRequest(
      hooks[0]!,
      `{"hook":"SyncError","user":{"id":"${user.id}","loginName":"${user.login_name}"},"account":{"id":"${account.id}","provider":"demo"},"error":"${error}"}`,
    );
    // A temporary failure is retried (here twice), each reported; the others are reported once.
    const expected = outcome === 'TemporaryFailureError' ? 3 : 1;
    await waitForHooks(account.id, expected);
    expect(hooksFor(account.id)).toHaveLength(expected);
    expect(await accountOf(account.id)).toMatchObject({ status, last_sync_result: error });
  });

  it('covers every error type of the contract', () => {
    expect([...SYNC_ERRORS]).toEqual(['LoginFailedError', 'SecurityQuestionError', 'TemporaryFailureError', 'UnhandledConnectorError', 'UnknownConnectorError']);
  });
});

describe('syncing', () => {
  it('retries a temporary failure, emitting SyncError and then SyncAccount', async () => {
    const { account } = await accountWith(['TemporaryFailureError', 'success']);
    const sync = await syncNow(account.id);
    expect(await finish(sync.body.workflow_id)).toEqual({ status: 'synced' });
    const hooks = await waitForHooks(account.id, 2);
    expect(hooks.map((h) => [JSON.parse(h.body).hook, JSON.parse(h.body).error])).toEqual([
      ['SyncError', 'TemporaryFailureError'],
      ['SyncAccount', undefined],
    ]);
  });

  it('runs one sync for two on-demand requests at once', async () => {
    const { account } = await accountWith(['success']);
    const [a, b] = await Promise.all([syncNow(account.id), syncNow(account.id)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.workflow_id).toBe(b.body.workflow_id);
    await finish(a.body.workflow_id);
    await waitForHooks(account.id, 1);
    const runs = [];
    for await (const wf of stack.temporal.workflow.list({ query: `WorkflowId = "${a.body.workflow_id}"` })) runs.push(wf.runId);
    expect(runs).toHaveLength(1);
    expect((await accountOf(account.id)).demo.used).toBe(1);
    expect(hooksFor(account.id)).toHaveLength(1);
  });

  it('has a daily schedule from creation to deletion, and the schedule itself triggers a sync', async () => {
    const { account } = await accountWith(['success']);
    const schedule = stack.temporal.schedule.getHandle(accountScheduleId(account.id));
    const described = await schedule.describe();
    expect(described.spec.intervals).toEqual([{ every: 86_400_000, offset: undefined }]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'accountSyncWorkflow' });

    await schedule.trigger();
    const [hook] = await waitForHooks(account.id, 1);
    expect(JSON.parse(hook!.body).hook).toBe('SyncAccount');
    const run = await waitFor(async () => (await schedule.describe()).info.recentActions[0], { message: 'the scheduled run' });
    expect(await finish(run.action.workflow.workflowId)).toEqual({ status: 'synced' });

    expect((await stack.http.delete(`/v1/accounts/${account.id}`).set(stack.auth)).status).toBe(204);
    await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await stack.http.get(`/v1/accounts/${account.id}`).set(stack.auth)).status).toBe(404);
  });

  it('skips scheduled syncs of an account that needs a reconnect, until it is reconnected', async () => {
    const { account } = await accountWith(['LoginFailedError', 'success']);
    await finish((await syncNow(account.id)).body.workflow_id);
    expect((await accountOf(account.id)).status).toBe('needs_reconnect');

    const schedule = stack.temporal.schedule.getHandle(accountScheduleId(account.id));
    await schedule.trigger();
    const run = await waitFor(async () => (await schedule.describe()).info.recentActions[0], { message: 'the scheduled run' });
    expect(await finish(run.action.workflow.workflowId)).toEqual({ status: 'skipped', reason: 'needs reconnect' });
    const refused = await syncNow(account.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('needs_reconnect');
    expect(hooksFor(account.id)).toHaveLength(1);

    const reconnected = await stack.http.post(`/v1/accounts/${account.id}/reconnect`).set(stack.auth);
    expect(reconnected.body.status).toBe('active');
    expect(await finish((await syncNow(account.id)).body.workflow_id)).toEqual({ status: 'synced' });
    expect(JSON.parse((await waitForHooks(account.id, 2))[1]!.body).hook).toBe('SyncAccount');
  });
});

describe('users and accounts API', () => {
  it('lists accounts by user and refuses bad input with reasons', async () => {
    const { user, account } = await accountWith(['success']);
    const listed = await stack.http.get('/v1/accounts').query({ user_id: user.id }).set(stack.auth);
    expect(listed.body.results.map((a: any) => a.id)).toEqual([account.id]);
    expect(listed.body.results[0]).toMatchObject({ user_id: user.id, provider: 'demo', status: 'active', demo: { outcomes: ['success'], used: 0 } });

    const dup = await stack.http.post('/v1/users').set(stack.auth).send({ login_name: user.login_name });
    expect(dup.status).toBe(409);
    const cases: Array<[object, RegExp]> = [
      [{ user_id: user.id, provider: 'plaid' }, /body\.provider: must be one of: demo/],
      [{ user_id: '00000000-0000-4000-8000-000000000000', provider: 'demo' }, /body\.user_id: no user/],
      [{ user_id: user.id, provider: 'demo', demo: { outcomes: ['explode'] } }, /body\.demo\.outcomes\.0/],
      [{ user_id: user.id, provider: 'demo', colour: 'red' }, /unknown field: colour/],
    ];
    const before = (await stack.http.get('/v1/accounts').query({ user_id: user.id }).set(stack.auth)).body.results.length;
    for (const [body, message] of cases) {
      const res = await stack.http.post('/v1/accounts').set(stack.auth).send(body);
      expect(res.status).toBe(422);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await stack.http.get('/v1/accounts').query({ user_id: user.id }).set(stack.auth)).body.results).toHaveLength(before);
    expect((await stack.http.get('/v1/accounts/nope').set(stack.auth)).status).toBe(400);
  });
});
