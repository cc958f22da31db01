import { Webhook as StandardWebhook } from 'standardwebhooks';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers, type ReceivedRequest, type Responder } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/** Two stacks on their own databases: the default 24 h grace period, and one that ends after 1 ms. */
let stack: Stack;
let shortGrace: Stack;
const receivers = new Receivers();
const receiver = (responder?: Responder) => receivers.start(responder);

beforeAll(async () => {
  [stack, shortGrace] = await Promise.all([startStack(), startStack({ env: { SECRET_ROTATION_GRACE_MS: '1' } })]);
});
afterAll(async () => {
  await receivers.stopAll();
  await Promise.all([stack?.stop(), shortGrace?.stop()]);
});

const rotate = (s: Stack, id: string) => s.http.post(`/v1/webhooks/${id}/secret/rotate`).set(s.auth);

const verifies = (secret: string, req: ReceivedRequest) => {
  try {
    new StandardWebhook(secret).verify(req.body, req.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

/** Publishes an event of `type` (one webhook subscribes to it) and returns the request `r` got, once delivered. */
async function deliverOne(s: Stack, r: Receiver, type: string): Promise<ReceivedRequest> {
  const before = r.requests.length;
  const event = await publishEvent(s, { type, data: { n: before + 1 } });
  expect(event.deliveries).toHaveLength(1);
  await r.waitForRequests(before + 1);
  const req = r.requests[before]!;
  expect((await waitForFinalDelivery(s, event.deliveries[0]!.id)).status).toBe('succeeded');
  expect(req.headers['webhook-id']).toBe(event.id);
  return req;
}

describe('POST /v1/webhooks/:id/secret/rotate', () => {
  it('returns a new whsec_ secret once, with when the old one stops signing, and stores both encrypted', async () => {
    const hook = await createWebhook(stack, { url: 'https://example.com/hooks', events: ['rotation.response'] });
    const before = Date.now();
    const res = await rotate(stack, hook.id);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['previous_secret_expires_at', 'secret']);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.body.secret).not.toBe(hook.secret);
    const expiresAt = Date.parse(res.body.previous_secret_expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + stack.config.secretRotationGraceMs - 5_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + stack.config.secretRotationGraceMs + 5_000);

    const { rows } = await stack.api.pool.query(
      'SELECT secret_encrypted, previous_secret_encrypted, previous_secret_expires_at FROM webhooks WHERE id = $1',
      [hook.id],
    );
    expect(rows[0].secret_encrypted).toMatch(/^v1:/);
    expect(rows[0].previous_secret_encrypted).toMatch(/^v1:/);
    expect(rows[0].previous_secret_expires_at.toISOString()).toBe(res.body.previous_secret_expires_at);
    for (const secret of [hook.secret, res.body.secret]) {
      const key = secret.slice('whsec_'.length);
      expect(rows[0].secret_encrypted).not.toContain(key);
      expect(rows[0].previous_secret_encrypted).not.toContain(key);
    }
  });

  it('never shows either secret afterwards: not in GET, list or PATCH', async () => {
    const hook = await createWebhook(stack, { url: 'https://example.com/hooks', events: ['rotation.hidden'] });
    const rotated = (await rotate(stack, hook.id)).body;
    const got = await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth);
    const listed = await stack.http.get('/v1/webhooks?limit=200').set(stack.auth);
    const patched = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ name: 'Renamed' });
    for (const res of [got, listed, patched]) {
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('secret');
      expect(text).not.toContain(hook.secret.slice('whsec_'.length));
      expect(text).not.toContain(rotated.secret.slice('whsec_'.length));
    }
  });

  it('answers 404 not_found for an unknown or deleted webhook, and changes nothing', async () => {
    const unknown = await rotate(stack, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'not_found', message: 'Webhook 00000000-0000-4000-8000-000000000000 not found' } });

    const hook = await createWebhook(stack, { url: 'https://example.com/hooks', events: ['rotation.deleted'] });
    await stack.http.delete(`/v1/webhooks/${hook.id}`).set(stack.auth).expect(204);
    const deleted = await rotate(stack, hook.id);
    expect(deleted.status).toBe(404);
    expect(deleted.body.error.code).toBe('not_found');
    const { rows } = await stack.api.pool.query('SELECT previous_secret_encrypted FROM webhooks WHERE id = $1', [hook.id]);
    expect(rows[0].previous_secret_encrypted).toBeNull();
  });

  it('answers 400 invalid_id for an id that is not a UUID', async () => {
    const res = await rotate(stack, 'not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_id', message: 'id must be a UUID, got "not-a-uuid"' } });
  });

  it('requires the API key', async () => {
    const hook = await createWebhook(stack, { url: 'https://example.com/hooks', events: ['rotation.auth'] });
    const res = await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});

describe('deliveries during the grace period', () => {
  it('carry signatures under the new and the old secret, each verifying on its own', async () => {
    const r = await receiver();
    const hook = await createWebhook(stack, { url: r.url, events: ['rotation.grace'] });

    const beforeRotation = await deliverOne(stack, r, 'rotation.grace');
    expect(beforeRotation.headers['webhook-signature']).not.toContain(' ');
    expect(verifies(hook.secret, beforeRotation)).toBe(true);

    const rotated = (await rotate(stack, hook.id)).body;
    const req = await deliverOne(stack, r, 'rotation.grace');
    const signatures = String(req.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => /^v1,[A-Za-z0-9+/]{43}=$/.test(s))).toBe(true);
    expect(verifies(rotated.secret, req)).toBe(true);
    expect(verifies(hook.secret, req)).toBe(true);
    // Each signature belongs to one secret, the newest first.
    expect(verifies(rotated.secret, { ...req, headers: { ...req.headers, 'webhook-signature': signatures[0] } })).toBe(true);
    expect(verifies(hook.secret, { ...req, headers: { ...req.headers, 'webhook-signature': signatures[1] } })).toBe(true);
  });

  it('after a second rotation, signs with the two newest secrets only', async () => {
    const r = await receiver();
    const hook = await createWebhook(stack, { url: r.url, events: ['rotation.twice'] });
    const first = (await rotate(stack, hook.id)).body;
    const second = (await rotate(stack, hook.id)).body;
    expect(new Set([hook.secret, first.secret, second.secret]).size).toBe(3);

    const req = await deliverOne(stack, r, 'rotation.twice');
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(second.secret, req)).toBe(true);
    expect(verifies(first.secret, req)).toBe(true);
    expect(verifies(hook.secret, req)).toBe(false);
  });
});

describe('deliveries after the grace period', () => {
  it('carry only the new signature: the old secret no longer verifies', async () => {
    const r = await receiver();
    const hook = await createWebhook(shortGrace, { url: r.url, events: ['rotation.expired'] });
    const res = await rotate(shortGrace, hook.id);
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.previous_secret_expires_at)).toBeLessThanOrEqual(Date.now() + 1_000);

    // The 1 ms grace period is over on the database's clock, which is the one that decides.
    await waitFor(
      async () =>
        (await shortGrace.api.pool.query('SELECT previous_secret_expires_at < now() AS over FROM webhooks WHERE id = $1', [hook.id]))
          .rows[0].over === true,
      { message: 'the grace period to end' },
    );

    const req = await deliverOne(shortGrace, r, 'rotation.expired');
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(verifies(res.body.secret, req)).toBe(true);
    expect(verifies(hook.secret, req)).toBe(false);
    expect(() => new StandardWebhook(hook.secret).verify(req.body, req.headers as Record<string, string>)).toThrow(
      'No matching signature found',
    );
  });
});
