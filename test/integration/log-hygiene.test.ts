import { createLogger, redact } from '../../src/logger';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, TEST_API_KEY, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';

const ADMIN = 'admin-key-for-log-hygiene-tests';
const lines: string[] = [];
let stack: Stack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startStack({ env: { ADMIN_API_KEY: ADMIN }, log: createLogger('test', 'info', (line) => lines.push(line)) });
  receiver = await Receiver.start(() => ({ status: 500 }));
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

it('logs no secret, API key or Authorization header, whatever happens', async () => {
  const hook = await createWebhook(stack, {
    url: receiver.url,
    events: ['hygiene'],
    headers: { Authorization: 'Bearer customer-token-4242', 'X-Api-Key': 'customer-key-4242' },
  });
  const rotated = await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth);
  const tenant = await stack.http.post('/v1/tenants').set('Authorization', `Bearer ${ADMIN}`).send({ name: 'Logged' });
  const event = await publishEvent(stack, { type: 'hygiene', data: { password: 'hunter2-4242' } });
  await waitForFinalDelivery(stack, event.deliveries[0]!.id);
  await stack.http.get('/v1/webhooks').set('Authorization', 'Bearer wrong-key-4242');
  await stack.http.post('/v1/tenants').set('Authorization', 'Bearer wrong-admin-4242').send({ name: 'x' });
  // The dispatcher and API log while Temporal is briefly unreachable, too.
  const down = await startStack({ worker: false, databaseUrl: stack.config.database.url, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' }, log: createLogger('down', 'info', (l) => lines.push(l)) });
  await publishEvent(down, { type: 'hygiene', data: {} });
  await down.http.post(`/v1/webhooks/${hook.id}/pause`).set(down.auth);
  await down.stop();

  const logged = lines.join('');
  expect(lines.length).toBeGreaterThan(0);
  for (const secret of [
    hook.secret,
    rotated.body.secret,
    TEST_API_KEY,
    ADMIN,
    tenant.body.api_key.key,
    'customer-token-4242',
    'customer-key-4242',
    'wrong-key-4242',
    'wrong-admin-4242',
  ]) {
    expect(logged).not.toContain(secret);
  }
});

it('redacts credentials by field name and by shape', () => {
  expect(
    redact({
      headers: { Authorization: 'Bearer abc', 'x-trace': 'ok' },
      secret: 'whsec_abc',
      note: 'key hk_ABCDEFGHIJKL_abcdefghijklmnopqrstuvwxyz012345 and whsec_Zm9v leaked',
      err: new Error('failed with Bearer xyz'),
    }),
  ).toEqual({
    headers: { Authorization: '[redacted]', 'x-trace': 'ok' },
    secret: '[redacted]',
    note: 'key [redacted] and [redacted] leaked',
    err: { message: 'failed with [redacted]', stack: expect.not.stringContaining('xyz') },
  });
});
