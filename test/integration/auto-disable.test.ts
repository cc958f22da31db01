import { controllerStateQuery } from '../../workflows/definitions';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receivers } from '../support/receiver';
import { waitFor } from '../support/wait-for';

let stack: Stack;
const receivers = new Receivers();
beforeAll(async () => {
  stack = await startStack({
    env: { RETRY_INITIAL_INTERVAL_MS: '200', RETRY_MAXIMUM_ATTEMPTS: '3', AUTO_DISABLE_FAILURE_THRESHOLD: '4', AUTO_DISABLE_WINDOW_MS: '10000' },
  });
});
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});

const webhookOf = async (id: string) => (await stack.http.get(`/v1/webhooks/${id}`).set(stack.auth)).body;

it('disables a webhook whose receiver fails too often within the window, and says why', async () => {
  const r = await receivers.start(() => ({ status: 500 }));
  const hook = await createWebhook(stack, { url: r.url, events: ['flaky'] });
  // Two deliveries of three attempts each: the fourth failure within 10 s trips the switch.
  const events = [await publishEvent(stack, { type: 'flaky', data: { n: 1 } }), await publishEvent(stack, { type: 'flaky', data: { n: 2 } })];
  const disabled = await waitFor(async () => {
    const w = await webhookOf(hook.id);
    return w.status === 'disabled' ? w : undefined;
  }, { message: 'auto-disable' });
  expect(disabled.disabled_reason).toBe('4 failed attempts within 10 s');
  expect(Date.parse(disabled.disabled_at)).toBeGreaterThan(Date.now() - 60_000);
  for (const e of events) expect(['failed', 'cancelled']).toContain((await waitForFinalDelivery(stack, e.deliveries[0]!.id)).status);
  expect(r.requests.length).toBeGreaterThanOrEqual(4);
  expect(r.requests.length).toBeLessThanOrEqual(6);
  expect((await publishEvent(stack, { type: 'flaky', data: {} })).deliveries).toEqual([]);
});

it('disables a webhook at once when its receiver answers 410 Gone', async () => {
  const r = await receivers.start(() => ({ status: 410 }));
  const hook = await createWebhook(stack, { url: r.url, events: ['gone'] });
  const event = await publishEvent(stack, { type: 'gone', data: {} });
  const d = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
  expect(d.status).toBe('failed');
  const w = await waitFor(async () => {
    const x = await webhookOf(hook.id);
    return x.status === 'disabled' ? x : undefined;
  }, { message: '410 to disable the webhook' });
  expect(w.disabled_reason).toBe('the receiver answered 410 Gone');
  expect(w.failure_count).toBe(1);
  expect(r.requests).toHaveLength(1);
});

it('never disables when the threshold is -1', async () => {
  const never = await startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '100', RETRY_MAXIMUM_ATTEMPTS: '3', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' } });
  try {
    const r = await receivers.start(() => ({ status: 500 }));
    const hook = await createWebhook(never, { url: r.url, events: ['tolerated'] });
    const events = [];
    for (let i = 0; i < 3; i++) events.push(await publishEvent(never, { type: 'tolerated', data: { i } }));
    for (const e of events) expect((await waitForFinalDelivery(never, e.deliveries[0]!.id)).status).toBe('failed');
    const controller = never.temporal.workflow.getHandle(`webhook-${hook.id}`);
    // With auto-disable off, failures are not even reported (only a 410 would be).
    const state = await waitFor(() => controller.query(controllerStateQuery), { message: 'the controller to answer' });
    expect(state.failuresSeen).toBe(0);
    const w = (await never.http.get(`/v1/webhooks/${hook.id}`).set(never.auth)).body;
    expect(w).toMatchObject({ status: 'active', failure_count: 3, disabled_reason: null });
    expect(r.requests).toHaveLength(9);
  } finally {
    await never.stop();
  }
});
