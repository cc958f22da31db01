import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { createLogger } from '../../src/logger';
import { getDelivery, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers, type ReceivedRequest, type Responder, headerOf as header, sameText as same } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/**
 * Each profile against a receiver that verifies as its system tells its customers to, written
 * from those contracts with node:crypto alone (never the engine's signing code):
 * - AssetsUp: "POSTs JSON payload with header X-AssetsUp-Signature: sha256=${hmac}", signed
 *   "with HMAC-SHA256 using a per-webhook secret"; "retries on failure up to 3 times";
 *   "POST /webhooks/:id/test sends a test payload ({ event: 'webhook.test', timestamp })".
 * - Argyle: the secret "is used as a key in the HMAC-SHA512 algorithm to generate a hex digest,
 *   which is then included in the X-Argyle-Signature header"; the secret is optional.
 * - Assets Server: 2xx expected; 5xx "retried a maximum of 8 times with increasing delay"; a 4xx
 *   is not retried, and the response body is reported as a warning log.
 * - Standard: Standard Webhooks, verified with the `standardwebhooks` package.
 *
 * The schedule is shortened (100 ms, then x1.5) so that nine attempts take about 5 s.
 */
const ADMIN_API_KEY = 'admin-key-for-profile-tests';
let stack: Stack;
const warnings: Array<Record<string, unknown>> = [];
const receivers = new Receivers();
const receiver = (responder?: Responder) => receivers.start(responder);

beforeAll(async () => {
  stack = await startStack({
    // Auto-disable (5 failures in 10 s) would cut the shortened schedules short; it has tests of its own.
    env: { RETRY_INITIAL_INTERVAL_MS: '100', RETRY_BACKOFF_COEFFICIENT: '1.5', AUTO_DISABLE_FAILURE_THRESHOLD: '-1', ADMIN_API_KEY },
    log: createLogger('test', 'warn', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.level === 'warn') warnings.push(parsed);
    }),
  });
});
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});



/** AssetsUp's receiver: `sha256=` + hex HMAC-SHA256 of the raw body, keyed with the webhook's secret. During a rotation, any listed value. */
function assetsUpVerifies(secret: string, req: ReceivedRequest): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`;
  return (header(req, 'X-AssetsUp-Signature') ?? '').split(',').some((v) => same(v.trim(), expected));
}

/** Argyle's receiver: hex HMAC-SHA512 of the raw body with the secret as the key. During a rotation, any listed value. */
function argyleVerifies(secret: string, req: ReceivedRequest): boolean {
  const expected = createHmac('sha512', secret).update(req.body).digest('hex');
  return (header(req, 'X-Argyle-Signature') ?? '').split(',').some((v) => same(v.trim(), expected));
}

/** Why a Standard Webhooks receiver refuses the request, or undefined when it verifies. */
function standardRefusal(secret: string, req: ReceivedRequest): string | undefined {
  try {
    new StandardWebhook(secret).verify(req.body, req.headers as Record<string, string>);
    return undefined;
  } catch (err) {
    const h = req.headers as Record<string, string>;
    return `${(err as Error).message} (webhook-id ${h['webhook-id']}, webhook-timestamp ${h['webhook-timestamp']}, now ${Math.floor(Date.now() / 1000)}, webhook-signature ${h['webhook-signature']?.slice(0, 12)}...)`;
  }
}
const standardVerifies = (secret: string, req: ReceivedRequest) => standardRefusal(secret, req) === undefined;

interface CreatedWebhook {
  id: string;
  secret: string | null;
  profile: string;
  signature: string | null;
  [k: string]: unknown;
}

async function create(body: Record<string, unknown>): Promise<CreatedWebhook> {
  const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'Profiled', events: ['profile-api.none'], ...body });
  if (res.status !== 201) throw new Error(`webhook creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let typeCounter = 0;
/** A fresh event type per test, so each webhook gets only its own events. */
const freshType = () => `profile.t${++typeCounter}`;

async function publishTo(type: string) {
  const event = await publishEvent(stack, { type, data: { id: `ord_${typeCounter}`, total: 42, text: 'naïve € "quoted"' } });
  expect(event.deliveries).toHaveLength(1);
  return { event, deliveryId: event.deliveries[0]!.id };
}

const webhookCount = async () => (await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n as number;

describe('the profile setting', () => {
  const valid = { name: 'Profiled', url: 'https://example.com/hooks', events: ['profile.api'] };

  it('defaults to standard and is shown in the webhook JSON, in GET and in the list', async () => {
    const created = await stack.http.post('/v1/webhooks').set(stack.auth).send(valid);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ profile: 'standard', signature: 'standard' });
    expect((await stack.http.get(`/v1/webhooks/${created.body.id}`).set(stack.auth)).body.profile).toBe('standard');
    const listed = await stack.http.get('/v1/webhooks?limit=200').set(stack.auth);
    expect(listed.body.results.find((w: { id: string }) => w.id === created.body.id).profile).toBe('standard');
  });

  it.each(['standard', 'assetsup', 'argyle', 'assets-server', 'asset'])('accepts %s on POST and on PATCH', async (profile) => {
    const created = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile });
    expect(created.status).toBe(201);
    expect(created.body.profile).toBe(profile);
    const other = profile === 'assets-server' ? 'assetsup' : 'assets-server';
    const patched = await stack.http.patch(`/v1/webhooks/${created.body.id}`).set(stack.auth).send({ profile: other });
    if (profile === 'argyle') {
      // Created without a secret: it cannot move to a profile that signs every request until it has one.
      expect(patched.status).toBe(422);
      expect(patched.body.error.details[0]).toEqual({ path: 'body.profile', message: expect.stringContaining('rotate its secret first') });
      return;
    }
    expect(patched.status).toBe(200);
    expect(patched.body.profile).toBe(other);
    const { rows } = await stack.api.pool.query('SELECT profile FROM webhooks WHERE id = $1', [created.body.id]);
    expect(rows[0].profile).toBe(other);
  });

  it('refuses an unknown profile with a 422 that lists the names, on POST and PATCH, and stores nothing', async () => {
    const before = await webhookCount();
    for (const profile of ['assets', 'bespoke', 'Standard', '', 42, null]) {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual([
        { path: 'body.profile', message: expect.stringContaining('must be one of standard, assetsup, argyle, assets-server, asset, custom') },
      ]);
    }
    const named = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile: 'assets' });
    expect(named.body.error.details[0].message).toBe('unknown profile "assets": must be one of standard, assetsup, argyle, assets-server, asset, custom');
    expect(await webhookCount()).toBe(before);

    const hook = await create({ url: 'https://example.com/hooks' });
    const patched = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ profile: 'bespoke' });
    expect(patched.status).toBe(422);
    expect(patched.body.error.details[0].message).toContain('unknown profile "bespoke"');
    expect((await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body.profile).toBe('standard');
  });

  it('takes `signature` under standard and assets-server only; the other profiles fix their format', async () => {
    const before = await webhookCount();
    for (const profile of ['assetsup', 'argyle', 'asset']) {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile, signature: 'hmac-sha512' });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0]).toEqual({ path: 'body.signature', message: expect.stringContaining(`under profile ${profile}`) });
    }
    expect(await webhookCount()).toBe(before);

    const server = await create({ url: 'https://example.com/hooks', profile: 'assets-server', signature: 'ed25519' });
    expect(server.signature).toBe('ed25519');

    // Moving to a profile with its own format resets the scheme, which it ignores; the JSON shows null.
    const hook = await create({ url: 'https://example.com/hooks', signature: 'hmac-sha256' });
    const moved = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ profile: 'assetsup' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ profile: 'assetsup', signature: null });
    const refused = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ signature: 'hmac-sha512' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details[0].path).toBe('body.signature');
    const back = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ profile: 'standard', signature: 'hmac-sha512' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ profile: 'standard', signature: 'hmac-sha512' });
  });

  it('the tenant’s default_profile applies to webhooks created without one, and is refused when unknown', async () => {
    expect((await stack.http.get('/v1/settings').set(stack.auth)).body).toEqual({ strict_event_types: false, default_profile: 'standard', retention_days: null });
    const existing = await create({ url: 'https://example.com/hooks' });
    try {
      const set = await stack.http.patch('/v1/settings').set(stack.auth).send({ default_profile: 'assetsup' });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ strict_event_types: false, default_profile: 'assetsup', retention_days: null });
      expect((await create({ url: 'https://example.com/hooks' })).profile).toBe('assetsup');
      expect((await create({ url: 'https://example.com/hooks', profile: 'argyle' })).profile).toBe('argyle');
      // Existing webhooks keep theirs.
      expect((await stack.http.get(`/v1/webhooks/${existing.id}`).set(stack.auth)).body.profile).toBe('standard');

      const unknown = await stack.http.patch('/v1/settings').set(stack.auth).send({ default_profile: 'assets' });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.details[0]).toEqual({
        path: 'body.default_profile',
        message: 'unknown profile "assets": must be one of standard, assetsup, argyle, assets-server, asset, custom',
      });
      expect((await stack.http.patch('/v1/settings').set(stack.auth).send({})).status).toBe(422);
      expect((await stack.http.get('/v1/settings').set(stack.auth)).body.default_profile).toBe('assetsup');
    } finally {
      await stack.http.patch('/v1/settings').set(stack.auth).send({ default_profile: 'standard' });
    }
  });
});

describe('a tenant’s default profile at creation', () => {
  it('is given with default_profile in POST /v1/tenants (standard unless given) and applies to its webhooks', async () => {
    const admin = { Authorization: `Bearer ${ADMIN_API_KEY}` };
    const made = await stack.http.post('/v1/tenants').set(admin).send({ name: 'Argyle customer', default_profile: 'argyle' });
    expect(made.status).toBe(201);
    expect(made.body.tenant.default_profile).toBe('argyle');
    const key = { Authorization: `Bearer ${made.body.api_key.key}` };
    expect((await stack.http.get('/v1/settings').set(key)).body.default_profile).toBe('argyle');
    const hook = await stack.http.post('/v1/webhooks').set(key).send({ name: 'A', url: 'https://example.com/hooks', events: ['x'] });
    expect(hook.body).toMatchObject({ profile: 'argyle', secret: null, signature: null });

    expect((await stack.http.post('/v1/tenants').set(admin).send({ name: 'Plain' })).body.tenant.default_profile).toBe('standard');
    const unknown = await stack.http.post('/v1/tenants').set(admin).send({ name: 'Unknown', default_profile: 'bespoke' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details[0]).toEqual({
      path: 'body.default_profile',
      message: 'unknown profile "bespoke": must be one of standard, assetsup, argyle, assets-server, asset, custom',
    });
  });
});

describe('standard', () => {
  it('signs as Standard Webhooks, and GET /request names its headers', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type] });
    const { deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.profile).toBe('standard');
    expect(delivery.attempts.map((a: { profile: string }) => a.profile)).toEqual(['standard']);
    const req = r.requests[0]!;
    expect(standardRefusal(hook.secret!, req)).toBeUndefined();
    expect(header(req, 'x-assetsup-signature')).toBeUndefined();
    const described = await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth);
    const names = described.body.headers.map((h: { name: string }) => h.name);
    expect(names).toContain('webhook-signature');
    expect(names).not.toContain('x-assetsup-signature');
  });
});

describe('assetsup', () => {
  it('signs X-AssetsUp-Signature: sha256=<hex HMAC-SHA256 of the raw body> with the webhook’s secret, and nothing else', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], profile: 'assetsup' });
    expect(hook.secret).toMatch(/^whsec_/);
    const { event, deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    expect(header(req, 'X-AssetsUp-Signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(assetsUpVerifies(hook.secret!, req)).toBe(true);
    expect(assetsUpVerifies(`${hook.secret}x`, req)).toBe(false);
    expect(header(req, 'webhook-signature')).toBeUndefined();
    expect(header(req, 'x-webhook-signature')).toBeUndefined();
    // Receivers can still deduplicate.
    expect(header(req, 'webhook-id')).toBe(event.id);

    const described = await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth);
    const signature = described.body.headers.filter((h: { name: string }) => /signature/.test(h.name));
    // The attempt's stored request: the signature as sent.
    expect(signature).toEqual([{ name: 'x-assetsup-signature', value: header(req, 'X-AssetsUp-Signature'), note: null, secret: false }]);
  });

  it('retries on failure up to 3 times: exactly 1 + 3 attempts, then the delivery fails', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const type = freshType();
    await create({ url: r.url, events: [type], profile: 'assetsup' });
    const { deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(delivery.attempts.every((a: { profile: string }) => a.profile === 'assetsup')).toBe(true);
    expect(r.requests).toHaveLength(4);
  });

  it('retries a 4xx too ("on failure"), and the webhook’s max_attempts overrides the three retries', async () => {
    const r = await receiver(Receiver.sequence({ status: 404 }, { status: 200 }));
    const type = freshType();
    await create({ url: r.url, events: [type], profile: 'assetsup' });
    const { deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([404, 200]);

    const once = await receiver(() => ({ status: 500 }));
    const onceType = freshType();
    await create({ url: once.url, events: [onceType], profile: 'assetsup', max_attempts: 2 });
    const second = await publishTo(onceType);
    expect((await waitForFinalDelivery(stack, second.deliveryId)).attempts).toHaveLength(2);
  });

  it('POST /v1/webhooks/:id/test sends { "event": "webhook.test", "timestamp": ... }, signed', async () => {
    const r = await receiver();
    const hook = await create({ url: r.url, events: [freshType()], profile: 'assetsup' });
    const res = await stack.http.post(`/v1/webhooks/${hook.id}/test`).set(stack.auth);
    expect(res.status).toBe(202);
    expect((await waitForFinalDelivery(stack, res.body.deliveries[0].id)).status).toBe('succeeded');
    const req = r.requests[0]!;
    const body = JSON.parse(req.body);
    expect(Object.keys(body)).toEqual(['event', 'timestamp']);
    expect(body.event).toBe('webhook.test');
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(assetsUpVerifies(hook.secret!, req)).toBe(true);

    // Under standard the test event stays the engine's envelope.
    const plain = await receiver();
    const standardHook = await create({ url: plain.url, events: [freshType()] });
    const sent = await stack.http.post(`/v1/webhooks/${standardHook.id}/test`).set(stack.auth);
    await waitForFinalDelivery(stack, sent.body.deliveries[0].id);
    expect(JSON.parse(plain.requests[0]!.body)).toMatchObject({ type: 'webhook.test', webhook: { id: standardHook.id } });
  });

  it('during a rotation sends both signatures, the new one first, comma-separated; either secret verifies', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], profile: 'assetsup' });
    const rotated = await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth);
    expect(rotated.status).toBe(200);
    const { deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    const values = header(req, 'X-AssetsUp-Signature')!.split(',');
    expect(values).toHaveLength(2);
    expect(values.every((v) => /^sha256=[0-9a-f]{64}$/.test(v))).toBe(true);
    expect(same(values[0]!, `sha256=${createHmac('sha256', rotated.body.secret).update(req.body).digest('hex')}`)).toBe(true);
    expect(assetsUpVerifies(hook.secret!, req)).toBe(true);
    expect(assetsUpVerifies(rotated.body.secret, req)).toBe(true);
  });
});

describe('argyle', () => {
  it('signs X-Argyle-Signature: <hex HMAC-SHA512 of the raw body>, keyed with the client’s own secret', async () => {
    const r = await receiver();
    const type = freshType();
    const secret = 'optional-secret';
    const hook = await create({ url: r.url, events: [type], profile: 'argyle', secret });
    expect(hook.secret).toBe(secret);
    const { deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    expect(header(req, 'X-Argyle-Signature')).toMatch(/^[0-9a-f]{128}$/);
    expect(argyleVerifies(secret, req)).toBe(true);
    expect(argyleVerifies('optional-secreT', req)).toBe(false);
    expect(header(req, 'webhook-signature')).toBeUndefined();

    const described = await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth);
    expect(described.body.headers.filter((h: { name: string }) => /signature/.test(h.name)).map((h: { name: string }) => h.name)).toEqual([
      'x-argyle-signature',
    ]);
  });

  it('accepts any 1 to 256 printable characters as the secret, and refuses others without storing anything', async () => {
    const r = await receiver();
    const type = freshType();
    const longest = `${' ~!"#$%&'.repeat(32)}`;
    expect(longest).toHaveLength(256);
    const hook = await create({ url: r.url, events: [type], profile: 'argyle', secret: longest });
    const { deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    expect(argyleVerifies(longest, r.requests[0]!)).toBe(true);
    expect(hook.secret).toBe(longest);

    const before = await webhookCount();
    for (const bad of ['', 'x'.repeat(257), 'tab\tinside', 'line\nbreak', 'naïve']) {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'A', url: r.url, events: [type], profile: 'argyle', secret: bad });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].path).toBe('body.secret');
    }
    // Other profiles keep the Standard Webhooks rule for a supplied secret.
    const standard = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'A', url: r.url, events: [type], secret: 'optional-secret' });
    expect(standard.status).toBe(422);
    expect(standard.body.error.details[0]).toEqual({ path: 'body.secret', message: 'must start with whsec_' });
    expect(await webhookCount()).toBe(before);
  });

  it('without a secret, requests are unsigned and carry no signature header', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], profile: 'argyle' });
    expect(hook.secret).toBeNull();
    const { rows } = await stack.api.pool.query('SELECT secret_encrypted FROM webhooks WHERE id = $1', [hook.id]);
    expect(rows[0].secret_encrypted).toBeNull();
    const { event, deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    expect(Object.keys(req.headers).filter((h) => /signature|key-id/.test(h))).toEqual([]);
    expect(header(req, 'webhook-id')).toBe(event.id);
    const described = await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth);
    expect(described.body.headers.filter((h: { name: string }) => /signature/.test(h.name))).toEqual([]);
  });

  it('rotation gives an unsigned webhook a secret, and with a client secret signs with both, new first, comma-separated', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], profile: 'argyle' });
    const first = await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth).send({ secret: 'first-secret' });
    expect(first.status).toBe(200);
    expect(first.body.secret).toBe('first-secret');
    const one = await publishTo(type);
    await waitForFinalDelivery(stack, one.deliveryId);
    // There was no secret before: one signature.
    expect(header(r.requests[0]!, 'X-Argyle-Signature')!.split(',')).toHaveLength(1);
    expect(argyleVerifies('first-secret', r.requests[0]!)).toBe(true);

    const second = await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth).send({ secret: 'second-secret' });
    expect(second.status).toBe(200);
    const two = await publishTo(type);
    await waitForFinalDelivery(stack, two.deliveryId);
    const req = r.requests[1]!;
    const values = header(req, 'X-Argyle-Signature')!.split(',');
    expect(values).toHaveLength(2);
    expect(same(values[0]!, createHmac('sha512', 'second-secret').update(req.body).digest('hex'))).toBe(true);
    expect(argyleVerifies('first-secret', req)).toBe(true);
    expect(argyleVerifies('second-secret', req)).toBe(true);

    const bad = await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth).send({ secret: '' });
    expect(bad.status).toBe(422);
    // A generated one also fits.
    const generated = await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth);
    expect(generated.body.secret).toMatch(/^whsec_/);
  });
});

describe('assets-server', () => {
  it('signs as Standard Webhooks and retries a 5xx up to 8 times: 9 attempts in all', async () => {
    const r = await receiver(() => ({ status: 503 }));
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], profile: 'assets-server' });
    const { deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId, 60_000);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.requests).toHaveLength(9);
    expect(r.requests.every((req) => standardVerifies(hook.secret!, req))).toBe(true);
    // With increasing delay.
    const gaps = r.requests.slice(1).map((req, i) => req.receivedAt - r.requests[i]!.receivedAt);
    expect(gaps[7]!).toBeGreaterThan(gaps[0]!);
  });

  it('does not retry a 404, and logs its response body as a warning with the webhook and delivery ids', async () => {
    const r = await receiver(() => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'no such hook here' }));
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], profile: 'assets-server' });
    const { deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(1);
    expect(r.requests).toHaveLength(1);
    const warning = await waitFor(() => warnings.find((w) => w.deliveryId === deliveryId), { message: 'the warning of the 404' });
    expect(warning).toMatchObject({ level: 'warn', webhookId: hook.id, deliveryId, statusCode: 404, responseBody: 'no such hook here' });
  });

  it('a 429 is final too, as any 4xx; a timeout is retried; the webhook’s max_attempts overrides the eight retries', async () => {
    const limited = await receiver(() => ({ status: 429, headers: { 'retry-after': '0' } }));
    const limitedType = freshType();
    await create({ url: limited.url, events: [limitedType], profile: 'assets-server' });
    const one = await publishTo(limitedType);
    expect((await waitForFinalDelivery(stack, one.deliveryId)).attempts).toHaveLength(1);

    const slow = await receiver(Receiver.sequence({ status: 200, delayMs: 1_500 }, { status: 200 }));
    const slowType = freshType();
    await create({ url: slow.url, events: [slowType], profile: 'assets-server', timeout_ms: 1_000 });
    const two = await publishTo(slowType);
    const timedOut = await waitForFinalDelivery(stack, two.deliveryId);
    expect(timedOut.status).toBe('succeeded');
    expect(timedOut.attempts.map((a: { error: string | null }) => a.error)).toEqual(['no response within 1000 ms', null]);

    const down = await receiver(() => ({ status: 500 }));
    const downType = freshType();
    await create({ url: down.url, events: [downType], profile: 'assets-server', max_attempts: 3 });
    const three = await publishTo(downType);
    expect((await waitForFinalDelivery(stack, three.deliveryId)).attempts).toHaveLength(3);
  });
});

describe('freezing', () => {
  it('a delivery dispatched before a profile change keeps the old one; later deliveries and a redelivery take the new one', async () => {
    // The first answer is held, so the profile changes while the delivery is in flight.
    const r = await receiver(Receiver.sequence({ status: 500, delayMs: 1_000 }, { status: 200 }));
    const type = freshType();
    const hook = await create({ url: r.url, events: [type] });
    const { deliveryId } = await publishTo(type);
    await r.waitForRequests(1);
    const changed = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ profile: 'assetsup' });
    expect(changed.status).toBe(200);

    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.profile).toBe('standard');
    expect(delivery.attempts.map((a: { profile: string }) => a.profile)).toEqual(['standard', 'standard']);
    const retried = r.requests[1]!;
    expect(standardRefusal(hook.secret!, retried)).toBeUndefined();
    expect(header(retried, 'x-assetsup-signature')).toBeUndefined();
    const described = await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth);
    expect(described.body.headers.map((h: { name: string }) => h.name)).toContain('webhook-signature');

    const later = await publishTo(type);
    expect((await waitForFinalDelivery(stack, later.deliveryId)).profile).toBe('assetsup');
    expect(assetsUpVerifies(hook.secret!, r.requests[2]!)).toBe(true);

    // A redelivery is dispatched afresh, under the webhook's profile at that time.
    expect((await stack.http.post(`/v1/deliveries/${deliveryId}/retry`).set(stack.auth)).status).toBe(202);
    await r.waitForRequests(4);
    expect(assetsUpVerifies(hook.secret!, r.requests[3]!)).toBe(true);
    const redelivered = await waitFor(
      async () => {
        const d = await getDelivery(stack, deliveryId);
        return d.status === 'succeeded' && d.attempts.length === 3 ? d : undefined;
      },
      { message: 'the redelivery to succeed' },
    );
    expect(redelivered.attempts.map((a: { profile: string }) => a.profile)).toEqual(['standard', 'standard', 'assetsup']);
  });
});
