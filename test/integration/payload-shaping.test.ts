import { randomBytes } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { getDelivery, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers, type ReceivedRequest, type Responder } from '../support/receiver';

/**
 * Per-webhook payload shaping (`config`) and settings (`secret`, `max_attempts`,
 * `timeout_ms`), on the real stack.
 */

let stack: Stack;
const receivers = new Receivers();
const receiver = (responder?: Responder) => receivers.start(responder);

beforeAll(async () => {
  // A short schedule (300 ms, doubling) of 4 attempts by default; receivers get 5 s unless their webhook says otherwise.
  stack = await startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '300', RETRY_MAXIMUM_ATTEMPTS: '4', DELIVERY_TIMEOUT_MS: '5000' } });
});
afterEach(async () => {
  await stack.api.pool.query('UPDATE webhooks SET deleted_at = now() WHERE deleted_at IS NULL');
});
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});

const post = (body: object) => stack.http.post('/v1/webhooks').set(stack.auth).send(body);
const patch = (id: string, body: object) => stack.http.patch(`/v1/webhooks/${id}`).set(stack.auth).send(body);

async function webhook(body: { url: string; events: string[]; name?: string; [k: string]: unknown }) {
  const res = await post({ name: 'Shaped', ...body });
  if (res.status !== 201) throw new Error(`webhook creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; secret: string; [k: string]: unknown };
}

const verify = (secret: string, req: ReceivedRequest) => new StandardWebhook(secret).verify(req.body, req.headers as Record<string, string>);

const order = {
  id: 'ord_1',
  account_id: 'acc_7',
  customerId: 'cus_9',
  total: 42,
  customer: { name: 'Jane', email: 'jane@example.com', address: { city: 'Lyon', zip: '69001' } },
  lines: [{ sku: 'a', qty: 1 }],
};

describe('payload shaping', () => {
  it('sends the full event by default, naming the webhook in the envelope', async () => {
    const r = await receiver();
    const hook = await webhook({ url: r.url, events: ['shape.full'], name: 'Orders (EU)' });
    expect(hook).toMatchObject({ config: { include_resource: true, fields: null }, max_attempts: null, timeout_ms: null });
    await publishEvent(stack, { type: 'shape.full', data: order });

    const [req] = await r.waitForRequests(1);
    expect(verify(hook.secret, req!)).toStrictEqual({
      type: 'shape.full',
      timestamp: expect.any(String),
      webhook: { id: hook.id, name: 'Orders (EU)' },
      data: order,
    });
  });

  it('sends a thin notification: id, type, timestamp, webhook, and only the identifiers', async () => {
    const r = await receiver();
    const hook = await webhook({ url: r.url, events: ['shape.thin'], name: 'Thin', config: { include_resource: false } });
    expect(hook.config).toEqual({ include_resource: false, fields: null });
    const event = await publishEvent(stack, { type: 'shape.thin', data: order });

    const [req] = await r.waitForRequests(1);
    expect(JSON.parse(req!.body)).toStrictEqual({
      id: event.id,
      type: 'shape.thin',
      timestamp: expect.any(String),
      webhook: { id: hook.id, name: 'Thin' },
      data: { id: 'ord_1', account_id: 'acc_7', customerId: 'cus_9' },
    });
    expect(verify(hook.secret, req!)).toBeTruthy();
  });

  it('keeps only the fields selected, rebuilding nested objects and leaving out a missing pointer', async () => {
    const r = await receiver();
    const fields = ['/total', '/customer/address/city', '/customer/name', '/lines/0/sku', '/not/there'];
    const hook = await webhook({ url: r.url, events: ['shape.fields'], config: { fields } });
    expect(hook.config).toEqual({ include_resource: true, fields });
    const first = await publishEvent(stack, { type: 'shape.fields', data: order });
    // An event lacking most of them is still delivered, with what it has.
    const second = await publishEvent(stack, { type: 'shape.fields', data: { total: 7, other: true } });

    await r.waitForRequests(2);
    const bodies = new Map(r.requests.map((q) => [q.headers['webhook-id'], verify(hook.secret, q) as any]));
    expect(bodies.get(first.id).data).toStrictEqual({ total: 42, customer: { name: 'Jane', address: { city: 'Lyon' } }, lines: [{ sku: 'a' }] });
    expect(bodies.get(second.id).data).toStrictEqual({ total: 7 });
    expect(bodies.get(second.id).webhook).toEqual({ id: hook.id, name: 'Shaped' });
    for (const e of [first, second]) expect((await waitForFinalDelivery(stack, e.deliveries[0]!.id)).status).toBe('succeeded');
  });

  it('changes with PATCH: only the config keys given, and null resets', async () => {
    const hook = await webhook({ url: 'https://example.com/h', events: ['x'], config: { include_resource: false, fields: ['/a'] }, max_attempts: 3, timeout_ms: 2000 });
    const changed = await patch(hook.id, { config: { fields: ['/b', '/b'] }, max_attempts: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ config: { include_resource: false, fields: ['/b'] }, max_attempts: null, timeout_ms: 2000 });
    const reset = await patch(hook.id, { config: { include_resource: true, fields: null }, timeout_ms: null });
    expect(reset.body).toMatchObject({ config: { include_resource: true, fields: null }, max_attempts: null, timeout_ms: null });
    expect((await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body).toMatchObject({ config: { include_resource: true, fields: null } });
  });
});

describe('the body is shaped once and signed as sent', () => {
  it('stores the exact bytes as request_body; retries and a redelivery send them even after the config changed', async () => {
    const r = await receiver(Receiver.sequence({ status: 500 }, { status: 200 }));
    const hook = await webhook({ url: r.url, events: ['shape.stored'], config: { fields: ['/total'] } });
    const event = await publishEvent(stack, { type: 'shape.stored', data: order });
    const deliveryId = event.deliveries[0]!.id;

    const [firstReq] = await r.waitForRequests(1);
    // Thin from now on: the delivery already has its body, so this does not touch it.
    expect((await patch(hook.id, { config: { include_resource: false, fields: null } })).status).toBe(200);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('succeeded');
    expect(r.requests).toHaveLength(2);
    expect(r.requests[1]!.body).toBe(firstReq!.body);
    expect(JSON.parse(firstReq!.body).data).toEqual({ total: 42 });

    // Every attempt shows the bytes that went out, and they verify against the receiver's signature headers.
    expect(delivery.attempts.map((a: any) => a.request_body)).toEqual([firstReq!.body, firstReq!.body]);
    for (const [i, req] of r.requests.entries()) {
      const signedAs = { ...req, body: delivery.attempts[i].request_body };
      expect(verify(hook.secret, signedAs)).toEqual(JSON.parse(firstReq!.body));
    }

    // A redelivery sends the stored body again, freshly signed.
    await stack.http.post(`/v1/deliveries/${deliveryId}/retry`).set(stack.auth).expect(202);
    const [, , third] = await r.waitForRequests(3);
    expect(third!.body).toBe(firstReq!.body);
    expect(verify(hook.secret, third!)).toEqual(JSON.parse(firstReq!.body));
    const again = await waitForFinalDelivery(stack, deliveryId);
    expect(again.attempts.map((a: any) => [a.attempt, a.request_body])).toEqual([
      [1, firstReq!.body],
      [2, firstReq!.body],
      [3, firstReq!.body],
    ]);
  });

  it('leaves the bare SyncAccount body alone whatever the config', async () => {
    const r = await receiver();
    await webhook({ url: r.url, events: ['SyncAccount'], config: { include_resource: false, fields: ['/hook'] } });
    const user = await stack.http.post('/v1/users').set(stack.auth).send({ login_name: 'bare@example.com' }).expect(201);
    const account = await stack.http.post('/v1/accounts').set(stack.auth).send({ user_id: user.body.id, provider: 'demo' }).expect(201);
    await stack.http.post(`/v1/accounts/${account.body.id}/sync`).set(stack.auth).expect(202);

    const [req] = await r.waitForRequests(1);
    expect(req!.body).toBe(
      JSON.stringify({ hook: 'SyncAccount', user: { id: user.body.id, loginName: 'bare@example.com' }, account: { id: account.body.id, provider: 'demo' } }),
    );
  });
});

describe('a secret supplied at creation', () => {
  it('signs the requests, and the create response shows it once', async () => {
    const r = await receiver();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const hook = await webhook({ url: r.url, events: ['own.secret'], secret });
    expect(hook.secret).toBe(secret);
    const got = await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth);
    expect(JSON.stringify(got.body)).not.toContain(secret.slice('whsec_'.length));

    await publishEvent(stack, { type: 'own.secret', data: { id: 'x1' } });
    const [req] = await r.waitForRequests(1);
    expect(verify(secret, req!)).toMatchObject({ type: 'own.secret', data: { id: 'x1' } });
  });

  it.each([
    ['too short a key', `whsec_${randomBytes(16).toString('base64')}`, /at least 24 bytes, got 16/],
    ['no whsec_ prefix', randomBytes(32).toString('base64'), /must start with whsec_/],
    ['not base64', 'whsec_this is not base64 at all!!', /standard base64/],
  ])('is refused with 422 and the reason when it is weak or malformed: %s', async (_label, secret, reason) => {
    const before = (await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n;
    const res = await post({ name: 'weak', url: 'https://example.com/h', events: ['x'], secret });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([{ path: 'body.secret', message: expect.stringMatching(reason) }]);
    expect(JSON.stringify(res.body)).not.toContain(secret);
    expect((await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n).toBe(before);
  });

  it('cannot be set with PATCH (rotation is the way)', async () => {
    const hook = await webhook({ url: 'https://example.com/h', events: ['x'] });
    const res = await patch(hook.id, { secret: `whsec_${randomBytes(32).toString('base64')}` });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/unknown field: secret/);
  });
});

describe('max_attempts', () => {
  it('ends a delivery after exactly 2 attempts against a receiver that always fails', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const hook = await webhook({ url: r.url, events: ['two.tries'], max_attempts: 2 });
    expect(hook.max_attempts).toBe(2);
    const event = await publishEvent(stack, { type: 'two.tries', data: {} });

    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts.map((a: any) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 500],
    ]);
    // The configured default (4) would have tried again 600 ms later, then 1.2 s after that.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(r.requests).toHaveLength(2);
    expect((await getDelivery(stack, delivery.id)).attempt_count).toBe(2);
    const result = await stack.temporal.workflow.getHandle(delivery.workflow_id).result();
    expect(result).toMatchObject({ status: 'failed', error: 'receiver answered 500' });
  });

  it('reaches the workflow of a delivery held while paused and released on resume', async () => {
    const r = await receiver(() => ({ status: 503 }));
    const hook = await webhook({ url: r.url, events: ['held.tries'], max_attempts: 1 });
    await stack.http.post(`/v1/webhooks/${hook.id}/pause`).set(stack.auth).expect(200);
    const event = await publishEvent(stack, { type: 'held.tries', data: {} });
    await stack.http.post(`/v1/webhooks/${hook.id}/resume`).set(stack.auth).expect(200);

    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(delivery.status).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(r.requests).toHaveLength(1);
  });
});

describe('timeout_ms', () => {
  it("times a slow receiver out at the webhook's limit, not the global one", async () => {
    const r = await receiver(() => ({ status: 200, delayMs: 2_500 }));
    const strict = await webhook({ url: r.url, events: ['slow.one'], timeout_ms: 1_000, max_attempts: 1 });
    expect(strict.timeout_ms).toBe(1_000);
    const event = await publishEvent(stack, { type: 'slow.one', data: {} });

    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'failed', status_code: null, error: 'no response within 1000 ms' })]);
    expect(delivery.attempts[0].duration_ms).toBeGreaterThanOrEqual(900);
    expect(delivery.attempts[0].duration_ms).toBeLessThan(2_400);

    // The same receiver, under the global limit (5 s), answers in time.
    await stack.http.delete(`/v1/webhooks/${strict.id}`).set(stack.auth).expect(204);
    await webhook({ url: r.url, events: ['slow.two'] });
    const patient = await publishEvent(stack, { type: 'slow.two', data: {} });
    const ok = await waitForFinalDelivery(stack, patient.deliveries[0]!.id);
    expect(ok.status).toBe('succeeded');
    expect(ok.attempts[0].duration_ms).toBeGreaterThanOrEqual(2_400);
  });
});

describe('validation', () => {
  const valid = { name: 'v', url: 'https://example.com/h', events: ['x'] };
  const cases: Array<[string, object, string, RegExp]> = [
    ['config not an object', { config: 'thin' }, 'body.config', /must be an object/],
    ['include_resource not a boolean', { config: { include_resource: 'no' } }, 'body.config.include_resource', /must be true or false/],
    ['an unknown config key', { config: { colour: 'blue' } }, 'body.config', /unknown field: colour/],
    ['a field that is not a JSON pointer', { config: { fields: ['customer.id'] } }, 'body.config.fields.0', /JSON pointer/],
    ['a bad escape in a pointer', { config: { fields: ['/a~2'] } }, 'body.config.fields.0', /JSON pointer/],
    ['an empty field list', { config: { fields: [] } }, 'body.config.fields', /at least one JSON pointer/],
    ['51 fields', { config: { fields: Array.from({ length: 51 }, (_, i) => `/f${i}`) } }, 'body.config.fields', /at most 50/],
    ['max_attempts of 0', { max_attempts: 0 }, 'body.max_attempts', /at least 1/],
    ['max_attempts of 11', { max_attempts: 11 }, 'body.max_attempts', /at most 10/],
    ['a fractional max_attempts', { max_attempts: 2.5 }, 'body.max_attempts', /whole number/],
    ['max_attempts as a string', { max_attempts: '3' }, 'body.max_attempts', /must be a number/],
    ['timeout_ms under 1000', { timeout_ms: 999 }, 'body.timeout_ms', /at least 1000/],
    ['timeout_ms over 60000', { timeout_ms: 60_001 }, 'body.timeout_ms', /at most 60000/],
  ];

  it.each(cases)('refuses %s on create and on PATCH, storing nothing', async (_label, bad, path, message) => {
    const created = await post({ ...valid, ...bad });
    expect(created.status).toBe(422);
    expect(created.body.error.details).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));

    const hook = await webhook({ ...valid });
    const patched = await patch(hook.id, bad);
    expect(patched.status).toBe(422);
    expect(patched.body.error.details).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
    expect((await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body).toMatchObject({
      config: { include_resource: true, fields: null },
      max_attempts: null,
      timeout_ms: null,
    });
  });

  it('documents the settings in the OpenAPI document', async () => {
    const doc = (await stack.http.get('/openapi.json')).body;
    const create = doc.components.schemas.CreateWebhookRequest.properties;
    expect(Object.keys(create)).toEqual(expect.arrayContaining(['config', 'max_attempts', 'timeout_ms', 'secret']));
    expect(doc.components.schemas.Webhook.required).toEqual(expect.arrayContaining(['config', 'max_attempts', 'timeout_ms']));
    expect(doc.components.schemas.Attempt.required).toContain('request_body');
  });
});
