import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receivers } from '../support/receiver';

let stack: Stack;
const receivers = new Receivers();
beforeAll(async () => {
  stack = await startStack({ env: { DELIVERY_TIMEOUT_MS: '8000' } });
});
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});

it("a receiver that hangs does not hold up other webhooks' deliveries", async () => {
  const hanging = await receivers.start(() => ({ status: 200, delayMs: 7_500 }));
  const healthy = await receivers.start();
  await createWebhook(stack, { url: hanging.url, events: ['slow.event'] });
  await createWebhook(stack, { url: healthy.url, events: ['fast.event'] });

  // More first attempts in flight on the hanging receiver than the fast path lets run as local activities
  // (each would hold a workflow task slot): the rest, and the webhook once it is known to be slow, take the regular path.
  for (let i = 0; i < 80; i++) await publishEvent(stack, { type: 'slow.event', data: { i } });
  await hanging.waitForRequests(60);

  const started = Date.now();
  const event = await publishEvent(stack, { type: 'fast.event', data: {} });
  const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
  expect(delivery.status).toBe('succeeded');
  // Well under the hanging receiver's 7.5 s: the fast delivery did not queue behind it.
  expect(healthy.requests).toHaveLength(1);
  expect(healthy.requests[0]!.receivedAt - started).toBeLessThan(3_000);
});
