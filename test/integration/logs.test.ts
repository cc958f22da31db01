import { createLogger } from '../../src/logger';
import { createWebhook, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';

const lines: Array<Record<string, any>> = [];
let stack: Stack;
let receiver: Receiver;
beforeAll(async () => {
  stack = await startStack({ log: createLogger('test', 'info', (l) => lines.push(JSON.parse(l))) });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

it('logs one JSON line per request with its id, tenant, route, status and duration', async () => {
  await createWebhook(stack, { url: receiver.url, events: ['logged'] });
  const res = await stack.http.post('/v1/events').set(stack.auth).set('X-Request-Id', 'req-4242').send({ type: 'logged', data: {} });
  expect(res.headers['x-request-id']).toBe('req-4242');
  const generated = await stack.http.get('/v1/webhooks').set(stack.auth);
  expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

  const line = lines.find((l) => l.msg === 'request' && l.requestId === 'req-4242');
  expect(line).toMatchObject({
    level: 'info',
    method: 'POST',
    route: '/v1/events',
    status: 202,
    tenant: stack.api.defaultTenant.id,
    durationMs: expect.any(Number),
    time: expect.any(String),
  });

  // A delivery's attempts are found by its id.
  const deliveryId = res.body.deliveries[0].id;
  await waitForFinalDelivery(stack, deliveryId);
  const attempts = lines.filter((l) => l.msg === 'attempt' && l.deliveryId === deliveryId);
  expect(attempts).toEqual([
    expect.objectContaining({ attempt: 1, outcome: 'delivered', statusCode: 200, eventId: res.body.id, durationMs: expect.any(Number) }),
  ]);
});
