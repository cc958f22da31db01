import { createHmac, verify, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { getDelivery, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers, type ReceivedRequest, type Responder, headerOf as header, sameText as same } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/**
 * The `custom` profile against receivers written from public contracts with node:crypto alone
 * (never the engine's signing code):
 * - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the
 *   webhook's secret; the delivery id in `X-GitHub-Delivery`.
 * - A Stripe-like format: `t=<timestamp>,v1=<signature>` over `<id>.<timestamp>.<body>`, base64.
 * - Ed25519 with the engine's key, verified with the public key from /.well-known/jwks.json.
 *
 * The schedule is shortened (100 ms, then x1.5).
 */
let stack: Stack;
const receivers = new Receivers();
const receiver = (responder?: Responder) => receivers.start(responder);

beforeAll(async () => {
  stack = await startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '100', RETRY_BACKOFF_COEFFICIENT: '1.5', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' } });
});
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});


/** GitHub's documented check: "sha256=" + hex HMAC-SHA256 of the raw payload, keyed with the secret; any listed value during a rotation. */
function githubVerifies(secret: string, req: ReceivedRequest): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`;
  return (header(req, 'X-Hub-Signature-256') ?? '').split(',').some((v) => same(v.trim(), expected));
}

/** A Stripe-like check: `t=<ts>,v1=<base64 HMAC-SHA256 of "<id>.<ts>.<body>">`, the id from Webhook-Event-Id. */
function stripeLikeVerifies(secret: string, req: ReceivedRequest): boolean {
  const parts = (header(req, 'Acme-Signature') ?? '').split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const);
  const t = parts.find(([k]) => k === 't')?.[1];
  if (!t || t !== header(req, 'Acme-Timestamp')) return false;
  const expected = createHmac('sha256', secret).update(`${header(req, 'Acme-Event-Id')}.${t}.${req.body}`).digest('base64');
  return parts.filter(([k]) => k === 'v1').some(([, v]) => same(v, expected));
}

const GITHUB = {
  id_header: 'X-GitHub-Delivery',
  timestamp_header: 'X-Hook-Timestamp',
  signature_header: 'X-Hub-Signature-256',
  algorithm: 'hmac-sha256',
  encoding: 'hex',
  template: 'sha256={signature}',
  signed_content: '{body}',
  retry_4xx: false,
};
const STRIPE_LIKE = {
  id_header: 'Acme-Event-Id',
  timestamp_header: 'Acme-Timestamp',
  signature_header: 'Acme-Signature',
  algorithm: 'hmac-sha256',
  encoding: 'base64',
  template: 't={timestamp},v1={signature}',
  signed_content: '{id}.{timestamp}.{body}',
  retry_4xx: false,
};

interface CreatedWebhook {
  id: string;
  secret: string;
  profile: string;
  custom_profile: Record<string, unknown> | null;
}

async function create(body: Record<string, unknown>): Promise<CreatedWebhook> {
  const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'Custom', events: ['custom.none'], profile: 'custom', ...body });
  if (res.status !== 201) throw new Error(`webhook creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let typeCounter = 0;
const freshType = () => `custom.t${++typeCounter}`;

async function publishTo(type: string) {
  const event = await publishEvent(stack, { type, data: { id: `ord_${typeCounter}`, total: 42, text: 'naïve € "quoted"' } });
  expect(event.deliveries).toHaveLength(1);
  return { event, deliveryId: event.deliveries[0]!.id as string };
}

describe('a custom profile that reproduces GitHub', () => {
  it('signs X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>, verified as GitHub documents it', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], custom_profile: GITHUB });
    expect(hook.profile).toBe('custom');
    expect(hook.custom_profile).toEqual(GITHUB);
    const { event, deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.profile).toBe('custom');
    expect(delivery.attempts.map((a: { profile: string }) => a.profile)).toEqual(['custom']);

    const req = r.requests[0]!;
    expect(header(req, 'X-Hub-Signature-256')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(githubVerifies(hook.secret, req)).toBe(true);
    expect(githubVerifies(`${hook.secret}x`, req)).toBe(false);
    expect(githubVerifies(hook.secret, { ...req, body: `${req.body} ` })).toBe(false);
    expect(header(req, 'X-GitHub-Delivery')).toBe(event.id);
    expect(Number(header(req, 'X-Hook-Timestamp'))).toBeCloseTo(Date.now() / 1000, -2);
    // The tenant's names replace the engine's own.
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-webhook-signature', 'webhook-key-id']) {
      expect(header(req, name)).toBeUndefined();
    }
  });

  it('GET /v1/deliveries/:id/request and GET /v1/webhooks/:id show the custom headers', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], custom_profile: GITHUB, headers: { 'X-Team': 'payments' } });
    const { event, deliveryId } = await publishTo(type);
    await waitForFinalDelivery(stack, deliveryId);
    // The attempt's stored request: the headers as written, the custom profile's names among them.
    const described = await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth);
    expect(described.status).toBe(200);
    const names = described.body.headers.map((h: { name: string }) => h.name);
    expect(names).toEqual(['host', 'connection', 'X-Team', 'content-type', 'user-agent', 'x-client-id', 'x-github-delivery', 'x-hook-timestamp', 'x-hub-signature-256', 'content-length']);
    expect(described.body.headers.find((h: { name: string }) => h.name === 'x-github-delivery').value).toBe(event.id);
    expect(described.body.headers.find((h: { name: string }) => h.name === 'x-hub-signature-256')).toEqual({
      name: 'x-hub-signature-256',
      value: header(r.requests[0]!, 'x-hub-signature-256'),
      note: null,
      secret: false,
    });
    expect(header(r.requests[0]!, 'x-hub-signature-256')).toMatch(/^sha256=[0-9a-f]{64}$/);
    const got = await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth);
    expect(got.body).toMatchObject({ profile: 'custom', custom_profile: GITHUB, signature: null });
  });

  it('during a rotation sends both signatures, the new one first, each through the template, comma-separated', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], custom_profile: GITHUB });
    const rotated = await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth);
    expect(rotated.status).toBe(200);
    const { deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    const values = header(req, 'X-Hub-Signature-256')!.split(',');
    expect(values).toHaveLength(2);
    expect(same(values[0]!, `sha256=${createHmac('sha256', rotated.body.secret).update(req.body).digest('hex')}`)).toBe(true);
    expect(same(values[1]!, `sha256=${createHmac('sha256', hook.secret).update(req.body).digest('hex')}`)).toBe(true);
  });
});

describe('a Stripe-like custom profile', () => {
  it('signs "<id>.<timestamp>.<body>" in base64 as t={timestamp},v1={signature}', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], custom_profile: STRIPE_LIKE });
    const { event, deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    expect(header(req, 'Acme-Signature')).toMatch(/^t=\d+,v1=[A-Za-z0-9+/]+=*$/);
    expect(header(req, 'Acme-Event-Id')).toBe(event.id);
    expect(stripeLikeVerifies(hook.secret, req)).toBe(true);
    // The id and timestamp are signed: changing either breaks the signature.
    expect(stripeLikeVerifies(hook.secret, { ...req, headers: { ...req.headers, 'acme-event-id': 'other' } })).toBe(false);
    expect(stripeLikeVerifies(`${hook.secret}x`, req)).toBe(false);
  });

  it('with HMAC-SHA512 in hex, the digest is 128 hex characters', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], custom_profile: { ...GITHUB, algorithm: 'hmac-sha512', template: '{signature}' } });
    const { deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    expect(same(header(req, 'X-Hub-Signature-256')!, createHmac('sha512', hook.secret).update(req.body).digest('hex'))).toBe(true);
  });
});

describe('an Ed25519 custom profile', () => {
  it('signs with the engine’s key, named in webhook-key-id, and verifies with the JWKS public key', async () => {
    const r = await receiver();
    const type = freshType();
    await create({
      url: r.url,
      events: [type],
      custom_profile: { ...STRIPE_LIKE, algorithm: 'ed25519', encoding: 'hex', template: 'ed25519={signature}' },
    });
    const { deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    const jwks = (await stack.http.get('/.well-known/jwks.json')).body as JSONWebKeySet;
    const kid = header(req, 'webhook-key-id')!;
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    const key = (await createLocalJWKSet(jwks)({ alg: 'EdDSA', kid })) as KeyObject;
    const value = header(req, 'Acme-Signature')!;
    expect(value).toMatch(/^ed25519=[0-9a-f]{128}$/);
    const signature = Buffer.from(value.slice('ed25519='.length), 'hex');
    const content = (id: string) => Buffer.from(`${id}.${header(req, 'Acme-Timestamp')}.${req.body}`);
    expect(verify(null, content(header(req, 'Acme-Event-Id')!), key, signature)).toBe(true);
    expect(verify(null, content('other'), key, signature)).toBe(false);
  });
});

describe('retry_4xx', () => {
  it('true: a 404 is retried; false: a 404 is final', async () => {
    const retried = await receiver(Receiver.sequence({ status: 404 }, { status: 200 }));
    const retriedType = freshType();
    await create({ url: retried.url, events: [retriedType], custom_profile: { ...GITHUB, retry_4xx: true } });
    const first = await publishTo(retriedType);
    const succeeded = await waitForFinalDelivery(stack, first.deliveryId);
    expect(succeeded.status).toBe('succeeded');
    expect(succeeded.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([404, 200]);

    const final = await receiver(Receiver.sequence({ status: 404 }, { status: 200 }));
    const finalType = freshType();
    await create({ url: final.url, events: [finalType], custom_profile: GITHUB });
    const second = await publishTo(finalType);
    const failed = await waitForFinalDelivery(stack, second.deliveryId);
    expect(failed.status).toBe('failed');
    expect(failed.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([404]);
    expect(final.requests).toHaveLength(1);
  });
});

describe('a delivery dispatched before a change', () => {
  it('keeps the old custom settings after a PATCH; later deliveries take the new ones', async () => {
    // The first answer is held, so the settings change while the delivery is in flight.
    const r = await receiver(Receiver.sequence({ status: 500, delayMs: 1_000 }, { status: 200 }));
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], custom_profile: GITHUB });
    const { deliveryId } = await publishTo(type);
    await r.waitForRequests(1);
    const changed = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ custom_profile: STRIPE_LIKE });
    expect(changed.status).toBe(200);
    expect(changed.body.custom_profile).toEqual(STRIPE_LIKE);

    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('succeeded');
    const retried = r.requests[1]!;
    expect(githubVerifies(hook.secret, retried)).toBe(true);
    expect(header(retried, 'Acme-Signature')).toBeUndefined();
    const described = await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth);
    expect(described.body.headers.map((h: { name: string }) => h.name)).toContain('x-hub-signature-256');

    const later = await publishTo(type);
    expect((await waitForFinalDelivery(stack, later.deliveryId)).status).toBe('succeeded');
    expect(stripeLikeVerifies(hook.secret, r.requests[2]!)).toBe(true);
    expect(header(r.requests[2]!, 'X-Hub-Signature-256')).toBeUndefined();

    // A delivery dispatched under custom keeps it when the webhook leaves custom.
    const held = await receiver(Receiver.sequence({ status: 500, delayMs: 1_000 }, { status: 200 }));
    const heldType = freshType();
    const moving = await create({ url: held.url, events: [heldType], custom_profile: GITHUB });
    const third = await publishTo(heldType);
    await held.waitForRequests(1);
    const left = await stack.http.patch(`/v1/webhooks/${moving.id}`).set(stack.auth).send({ profile: 'assetsup' });
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ profile: 'assetsup', custom_profile: null });
    expect((await waitForFinalDelivery(stack, third.deliveryId)).profile).toBe('custom');
    expect(githubVerifies(moving.secret, held.requests[1]!)).toBe(true);
    const attempts = (await getDelivery(stack, third.deliveryId)).attempts.map((a: { profile: string }) => a.profile);
    expect(attempts).toEqual(['custom', 'custom']);
  });
});

describe('custom_profile validation', () => {
  const valid = { name: 'Custom', url: 'https://example.com/hooks', events: ['custom.api'] };
  const webhookCount = async () => (await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n as number;

  it.each([
    ['a header name with a space', { id_header: 'X Delivery' }, 'custom_profile_invalid_header_name', 'body.custom_profile.id_header'],
    ['a header name with a colon', { signature_header: 'X-Sig:' }, 'custom_profile_invalid_header_name', 'body.custom_profile.signature_header'],
    ['a header name with CRLF', { timestamp_header: 'X-Ts\r\nX-Injected: 1' }, 'custom_profile_invalid_header_name', 'body.custom_profile.timestamp_header'],
    ['an empty header name', { id_header: '' }, 'custom_profile_invalid_header_name', 'body.custom_profile.id_header'],
    ['a reserved header name', { signature_header: 'Content-Type' }, 'custom_profile_reserved_header', 'body.custom_profile.signature_header'],
    ['the engine’s webhook-id', { id_header: 'webhook-id' }, 'custom_profile_reserved_header', 'body.custom_profile.id_header'],
    ['two equal names', { timestamp_header: 'x-github-delivery' }, 'custom_profile_duplicate_header', 'body.custom_profile.timestamp_header'],
    ['a template without {signature}', { template: 'sha256=' }, 'custom_profile_template_missing_signature', 'body.custom_profile.template'],
    ['a template with {signature} twice', { template: '{signature},{signature}' }, 'custom_profile_template_missing_signature', 'body.custom_profile.template'],
    ['an unknown placeholder', { template: 'v1={signature},k={secret}' }, 'custom_profile_template_unknown_placeholder', 'body.custom_profile.template'],
    ['a template with a line break', { template: 'sha256={signature}\r\nX-Injected: 1' }, 'custom_profile_template_invalid', 'body.custom_profile.template'],
  ])('refuses %s with a 422 and its own code, and stores nothing', async (_, change, code, path) => {
    const before = await webhookCount();
    const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile: 'custom', custom_profile: { ...GITHUB, ...change } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details).toEqual([{ path, message: expect.any(String) }]);
    expect(await webhookCount()).toBe(before);
  });

  it('refuses a name repeated in the webhook’s custom headers, on POST and when PATCH adds the header', async () => {
    const before = await webhookCount();
    const res = await stack.http
      .post('/v1/webhooks')
      .set(stack.auth)
      .send({ ...valid, profile: 'custom', custom_profile: GITHUB, headers: { 'x-hub-signature-256': 'mine' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('custom_profile_duplicate_header');
    expect(await webhookCount()).toBe(before);

    const hook = await create({ url: 'https://example.com/hooks', custom_profile: GITHUB });
    const patched = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ headers: { 'X-GitHub-Delivery': 'x' } });
    expect(patched.status).toBe(422);
    expect(patched.body.error.code).toBe('custom_profile_duplicate_header');
    expect((await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body.headers).toEqual({});
  });

  it('refuses unknown enums, missing and unknown fields as validation_failed', async () => {
    const before = await webhookCount();
    for (const [custom, path] of [
      [{ ...GITHUB, algorithm: 'md5' }, 'body.custom_profile.algorithm'],
      [{ ...GITHUB, encoding: 'base32' }, 'body.custom_profile.encoding'],
      [{ ...GITHUB, signed_content: '{timestamp}.{body}' }, 'body.custom_profile.signed_content'],
      [{ ...GITHUB, retry_4xx: 'yes' }, 'body.custom_profile.retry_4xx'],
      [{ ...GITHUB, signature_header: undefined }, 'body.custom_profile.signature_header'],
      [{ ...GITHUB, secret_header: 'x' }, 'body.custom_profile'],
    ] as const) {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile: 'custom', custom_profile: custom });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details[0].path).toBe(path);
    }
    expect(await webhookCount()).toBe(before);
  });

  it('requires the settings under custom, and refuses them under another profile', async () => {
    const before = await webhookCount();
    const missing = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile: 'custom' });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: 'custom_profile_required', details: [{ path: 'body.custom_profile', message: expect.any(String) }] });
    for (const profile of ['standard', 'assetsup', undefined]) {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile, custom_profile: GITHUB });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('custom_profile_not_allowed');
    }
    const scheme = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, profile: 'custom', custom_profile: GITHUB, signature: 'ed25519' });
    expect(scheme.status).toBe(422);
    expect(scheme.body.error.details[0].path).toBe('body.signature');
    expect(await webhookCount()).toBe(before);

    const plain = await stack.http.post('/v1/webhooks').set(stack.auth).send(valid);
    expect(plain.body.custom_profile).toBeNull();
    const toCustom = await stack.http.patch(`/v1/webhooks/${plain.body.id}`).set(stack.auth).send({ profile: 'custom' });
    expect(toCustom.status).toBe(422);
    expect(toCustom.body.error.code).toBe('custom_profile_required');
    const settingsOnly = await stack.http.patch(`/v1/webhooks/${plain.body.id}`).set(stack.auth).send({ custom_profile: GITHUB });
    expect(settingsOnly.status).toBe(422);
    expect(settingsOnly.body.error.code).toBe('custom_profile_not_allowed');
    expect((await stack.http.get(`/v1/webhooks/${plain.body.id}`).set(stack.auth)).body).toMatchObject({ profile: 'standard', custom_profile: null });

    const moved = await stack.http.patch(`/v1/webhooks/${plain.body.id}`).set(stack.auth).send({ profile: 'custom', custom_profile: STRIPE_LIKE });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ profile: 'custom', custom_profile: STRIPE_LIKE, signature: null });
    // Other changes keep the settings.
    const renamed = await stack.http.patch(`/v1/webhooks/${plain.body.id}`).set(stack.auth).send({ name: 'Renamed', headers: { 'X-Team': 'a' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.custom_profile).toEqual(STRIPE_LIKE);
  });

  it('a delivery held while its webhook is paused is dispatched with the settings current when it is resumed', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type], custom_profile: GITHUB });
    expect((await stack.http.post(`/v1/webhooks/${hook.id}/pause`).set(stack.auth)).status).toBe(200);
    const { deliveryId } = await publishTo(type);
    expect((await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ custom_profile: STRIPE_LIKE })).status).toBe(200);
    expect((await stack.http.post(`/v1/webhooks/${hook.id}/resume`).set(stack.auth)).status).toBe(200);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    await waitFor(() => r.requests.length >= 1, { message: 'the released delivery' });
    expect(stripeLikeVerifies(hook.secret, r.requests[0]!)).toBe(true);
  });
});
