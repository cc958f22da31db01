import { publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';

let stack: Stack;
let receiver: Receiver;
beforeAll(async () => {
  // No allowlist: this engine may reach public addresses only.
  stack = await startStack({ env: { ALLOW_PRIVATE_TARGETS: undefined } });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

describe('webhook URLs into private networks', () => {
  it.each(['http://127.0.0.1:8080/', 'http://2130706433/', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://localhost/'])(
    'refuses %s at creation with a 422 and a reason, storing nothing',
    async (url) => {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'x', url, events: ['*'] });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ path: 'body.url', message: expect.stringMatching(/is not a public (address|host)$/) }]);
      const { rows } = await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks WHERE url = $1', [url]);
      expect(rows[0].n).toBe(0);
    },
  );

  it('refuses a change of URL to one', async () => {
    const created = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'x', url: 'https://hooks.invalid/in', events: ['patched.only'] });
    expect(created.status).toBe(201);
    const res = await stack.http.patch(`/v1/webhooks/${created.body.id}`).set(stack.auth).send({ url: 'http://192.168.0.10/' });
    expect(res.status).toBe(422);
  });

  it('checks again at delivery: a stored URL that now points inside is refused, and nothing is sent', async () => {
    // As if the host had rebound to loopback after creation.
    const created = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'x', url: 'https://hooks.invalid/in', events: ['inside.job'] });
    await stack.api.pool.query('UPDATE webhooks SET url = $2 WHERE id = $1', [created.body.id, receiver.url]);
    const event = await publishEvent(stack, { type: 'inside.job', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries.find((d) => d.webhook_id === created.body.id)!.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.last_error).toMatch(/^target refused: 127\.0\.0\.1 is not a public address$/);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('IPv6 forms that carry a private IPv4 address (10.0.0.1)', () => {
  const FORMS = [
    ['IPv4-compatible', 'http://[::10.0.0.1]/hook', '::a00:1'],
    ['local-use NAT64', 'http://[64:ff9b:1::a00:1]/hook', '64:ff9b:1::a00:1'],
    ['6to4', 'http://[2002:a00:1::]/hook', '2002:a00:1::'],
    ['SIIT', 'http://[::ffff:0:10.0.0.1]/hook', '::ffff:0:a00:1'],
    ['Teredo (client address)', 'http://[2001:0:5db8:2201::f5ff:fffe]/hook', '2001:0:5db8:2201::f5ff:fffe'],
  ];

  it.each(FORMS)('refuses the %s form %s at creation, storing nothing', async (_form, url, host) => {
    const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'x', url, events: ['*'] });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: 'body.url', message: `${host} is not a public address` }]);
    const { rows } = await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks WHERE url = $1', [url]);
    expect(rows[0].n).toBe(0);
  });

  it.each(FORMS)('refuses the %s form %s when sending, before connecting', async (_form, url, host) => {
    // Stored without the creation check, as if the policy had been looser when it was created.
    const type = `embedded.${host.replace(/[^0-9a-f]/g, '')}`;
    const created = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'x', url: 'https://hooks.invalid/in', events: [type] });
    expect(created.status).toBe(201);
    await stack.api.pool.query('UPDATE webhooks SET url = $2 WHERE id = $1', [created.body.id, url]);
    const event = await publishEvent(stack, { type, data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries.find((d) => d.webhook_id === created.body.id)!.id);
    expect(delivery).toMatchObject({ status: 'failed', last_error: `target refused: ${host} is not a public address` });
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'failed', status_code: null, response_body: null })]);
  });
});
