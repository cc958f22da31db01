import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { SecretBox } from '../../src/crypto/secret-box';
import { migrate } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { SigningKeysRepository } from '../../src/repositories/signing-keys-repository';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { createTestDatabase, startStack, type Stack } from '../support/harness';

const ADMIN_API_KEY = 'admin-key-for-signature-tests';
const admin = { Authorization: `Bearer ${ADMIN_API_KEY}` };
import { Receiver, Receivers, type ReceivedRequest, type Responder } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/** Two stacks on their own databases: the default 24 h grace period, and one that ends after 1 ms. */
let stack: Stack;
let shortGrace: Stack;
const receivers = new Receivers();
const receiver = (responder?: Responder) => receivers.start(responder);

beforeAll(async () => {
  [stack, shortGrace] = await Promise.all([
    startStack({ env: { ADMIN_API_KEY } }),
    startStack({ env: { SECRET_ROTATION_GRACE_MS: '1', ADMIN_API_KEY } }),
  ]);
});
afterAll(async () => {
  await receivers.stopAll();
  await Promise.all([stack?.stop(), shortGrace?.stop()]);
});

/** Publishes an event of `type` (one webhook subscribes to it) and returns the request `r` got, once delivered. */
async function deliverOne(s: Stack, r: Receiver, type: string): Promise<ReceivedRequest> {
  const before = r.requests.length;
  const event = await publishEvent(s, { type, data: { n: before + 1, text: 'naïve € "quoted"' } });
  expect(event.deliveries).toHaveLength(1);
  await r.waitForRequests(before + 1);
  const req = r.requests[before]!;
  expect((await waitForFinalDelivery(s, event.deliveries[0]!.id)).status).toBe('succeeded');
  expect(req.headers['webhook-id']).toBe(event.id);
  expect(req.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
  return req;
}

const header = (req: ReceivedRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** What a receiver of an HMAC scheme does: recompute over the raw body with the secret string, compare in constant time. */
function hmacVerifies(algorithm: 'sha256' | 'sha512', secret: string, req: ReceivedRequest): boolean {
  const expected = createHmac(algorithm, secret).update(req.body).digest('hex');
  const values = String(header(req, 'x-webhook-signature')).split(',');
  return values.some((v) => {
    const hex = algorithm === 'sha256' ? v.replace(/^sha256=/, '') : v;
    return hex.length === expected.length && timingSafeEqual(Buffer.from(hex), Buffer.from(expected));
  });
}

async function fetchJwks(s: Stack): Promise<JSONWebKeySet> {
  const res = await s.http.get('/.well-known/jwks.json');
  expect(res.status).toBe(200);
  return res.body;
}

/** What an ed25519 receiver does: the key named by webhook-key-id from the JWKS, then Ed25519 over "id.timestamp.body". */
async function ed25519Verifies(jwks: JSONWebKeySet, req: ReceivedRequest): Promise<boolean> {
  const kid = String(header(req, 'webhook-key-id'));
  const key = (await createLocalJWKSet(jwks)({ alg: 'EdDSA', kid })) as KeyObject;
  const content = `${header(req, 'webhook-id')}.${header(req, 'webhook-timestamp')}.${req.body}`;
  return String(header(req, 'webhook-signature'))
    .split(' ')
    .filter((s) => s.startsWith('v1a,'))
    .some((s) => verify(null, Buffer.from(content), key, Buffer.from(s.slice('v1a,'.length), 'base64')));
}

const kidsOf = (jwks: JSONWebKeySet) => jwks.keys.map((k) => k.kid);

/** Registers a webhook on `scheme` and returns it with its secret. */
async function createSigned(s: Stack, body: { url: string; events: string[]; signature: string }) {
  const res = await s.http.post('/v1/webhooks').set(s.auth).send({ name: `${body.signature} hook`, ...body });
  expect(res.status).toBe(201);
  expect(res.body.signature).toBe(body.signature);
  return res.body as { id: string; secret: string };
}

describe('the signature setting', () => {
  const valid = { name: 'Signed', url: 'https://example.com/hooks', events: ['signature.api'] };

  it('defaults to standard and is shown, never the secret, in GET and list', async () => {
    const created = await stack.http.post('/v1/webhooks').set(stack.auth).send(valid);
    expect(created.status).toBe(201);
    expect(created.body.signature).toBe('standard');
    const got = await stack.http.get(`/v1/webhooks/${created.body.id}`).set(stack.auth);
    expect(got.body.signature).toBe('standard');
    expect(JSON.stringify(got.body)).not.toContain('secret');
    const listed = await stack.http.get('/v1/webhooks?limit=200').set(stack.auth);
    expect(listed.body.results.find((w: { id: string }) => w.id === created.body.id).signature).toBe('standard');
  });

  it.each(['standard', 'hmac-sha256', 'hmac-sha512', 'ed25519'])('accepts %s on creation and on PATCH', async (scheme) => {
    const created = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, signature: scheme });
    expect(created.status).toBe(201);
    expect(created.body.signature).toBe(scheme);
    expect(created.body.secret).toMatch(/^whsec_/);

    const other = scheme === 'standard' ? 'ed25519' : 'standard';
    const patched = await stack.http.patch(`/v1/webhooks/${created.body.id}`).set(stack.auth).send({ signature: other });
    expect(patched.status).toBe(200);
    expect(patched.body.signature).toBe(other);
    expect(patched.body.name).toBe('Signed');
    const { rows } = await stack.api.pool.query('SELECT signature_scheme FROM webhooks WHERE id = $1', [created.body.id]);
    expect(rows[0].signature_scheme).toBe(other);
  });

  it('refuses an unknown scheme with a 422 that says why, and stores nothing', async () => {
    const count = async () => (await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n as number;
    const before = await count();
    for (const signature of ['rsa', 'HMAC-SHA256', '', 42, null]) {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ ...valid, signature });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toBe('body.signature: must be one of standard, hmac-sha256, hmac-sha512, ed25519');
      expect(res.body.error.details).toEqual([{ path: 'body.signature', message: 'must be one of standard, hmac-sha256, hmac-sha512, ed25519' }]);
    }
    expect(await count()).toBe(before);

    const hook = await createWebhook(stack, valid);
    const patched = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ signature: 'md5' });
    expect(patched.status).toBe(422);
    expect(patched.body.error.message).toBe('body.signature: must be one of standard, hmac-sha256, hmac-sha512, ed25519');
    expect((await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body.signature).toBe('standard');
  });
});

describe('what a receiver gets under each scheme', () => {
  it('standard: standardwebhooks verifies, and no other signature header is sent', async () => {
    const r = await receiver();
    const hook = await createWebhook(stack, { url: r.url, events: ['signature.standard'] });
    const req = await deliverOne(stack, r, 'signature.standard');
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new StandardWebhook(hook.secret).verify(req.body, req.headers as Record<string, string>)).toMatchObject({ type: 'signature.standard' });
    expect(req.headers['x-webhook-signature']).toBeUndefined();
    expect(req.headers['webhook-key-id']).toBeUndefined();
  });

  it('hmac-sha256: X-Webhook-Signature is sha256=<hex HMAC of the raw body> under the whsec_ string', async () => {
    const r = await receiver();
    const hook = await createSigned(stack, { url: r.url, events: ['signature.sha256'], signature: 'hmac-sha256' });
    const req = await deliverOne(stack, r, 'signature.sha256');
    expect(header(req, 'x-webhook-signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hmacVerifies('sha256', hook.secret, req)).toBe(true);
    expect(hmacVerifies('sha256', hook.secret, { ...req, body: req.body.replace('"n":', '"m":') })).toBe(false);
    expect(req.headers['webhook-signature']).toBeUndefined();
    expect(req.headers['webhook-key-id']).toBeUndefined();
  });

  it('hmac-sha512: X-Webhook-Signature is the plain hex HMAC-SHA512 of the raw body', async () => {
    const r = await receiver();
    const hook = await createSigned(stack, { url: r.url, events: ['signature.sha512'], signature: 'hmac-sha512' });
    const req = await deliverOne(stack, r, 'signature.sha512');
    expect(header(req, 'x-webhook-signature')).toMatch(/^[0-9a-f]{128}$/);
    expect(hmacVerifies('sha512', hook.secret, req)).toBe(true);
    expect(hmacVerifies('sha512', `${hook.secret}x`, req)).toBe(false);
    expect(req.headers['webhook-signature']).toBeUndefined();
  });

  it.each([
    ['hmac-sha256', /^sha256=[0-9a-f]{64},sha256=[0-9a-f]{64}$/],
    ['hmac-sha512', /^[0-9a-f]{128},[0-9a-f]{128}$/],
  ] as const)('%s during a secret rotation: one comma-separated value per secret, the new one first', async (scheme, shape) => {
    const r = await receiver();
    const type = `signature.rotation.${scheme}`;
    const hook = await createSigned(stack, { url: r.url, events: [type], signature: scheme });
    const rotated = (await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth)).body;
    const req = await deliverOne(stack, r, type);
    const value = String(header(req, 'x-webhook-signature'));
    expect(value).toMatch(shape);
    const algorithm = scheme === 'hmac-sha256' ? 'sha256' : 'sha512';
    const [first, second] = value.split(',');
    expect(hmacVerifies(algorithm, rotated.secret, { ...req, headers: { ...req.headers, 'x-webhook-signature': first } })).toBe(true);
    expect(hmacVerifies(algorithm, hook.secret, { ...req, headers: { ...req.headers, 'x-webhook-signature': second } })).toBe(true);
  });

  it('ed25519: v1a signature, verified with the key that the JWKS names by webhook-key-id, no shared secret', async () => {
    const r = await receiver();
    await createSigned(stack, { url: r.url, events: ['signature.ed25519'], signature: 'ed25519' });
    const req = await deliverOne(stack, r, 'signature.ed25519');
    expect(header(req, 'webhook-signature')).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(header(req, 'webhook-key-id')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(req.headers['x-webhook-signature']).toBeUndefined();

    const jwks = await fetchJwks(stack);
    expect(kidsOf(jwks)).toContain(header(req, 'webhook-key-id'));
    expect(await ed25519Verifies(jwks, req)).toBe(true);
    expect(await ed25519Verifies(jwks, { ...req, body: req.body.replace('"n":', '"m":') })).toBe(false);
    expect(await ed25519Verifies(jwks, { ...req, headers: { ...req.headers, 'webhook-timestamp': String(Number(req.headers['webhook-timestamp']) + 1) } })).toBe(false);
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('needs no API key and serves public OKP keys only', async () => {
    const res = await stack.http.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of res.body.keys) {
      expect(key).toStrictEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: expect.any(String), use: 'sig', alg: 'EdDSA' });
    }
  });

  it('stores the private keys encrypted', async () => {
    await fetchJwks(stack);
    const { rows } = await stack.api.pool.query('SELECT private_key_encrypted FROM signing_keys');
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) {
      expect(row.private_key_encrypted).toMatch(/^v1:/);
      expect(row.private_key_encrypted).not.toContain('PRIVATE KEY');
    }
  });
});

describe('POST /v1/signing-keys/rotate', () => {
  it('requires the admin key: a tenant key is not enough', async () => {
    const res = await stack.http.post('/v1/signing-keys/rotate');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect((await stack.http.post('/v1/signing-keys/rotate').set(stack.auth)).status).toBe(401);
  });

  it('makes a new key sign; the JWKS keeps the old one for the grace period, so older deliveries still verify', async () => {
    const r = await receiver();
    const type = 'signature.key-rotation';
    await createSigned(stack, { url: r.url, events: [type], signature: 'ed25519' });
    const before = await deliverOne(stack, r, type);
    const oldKid = String(header(before, 'webhook-key-id'));

    const started = Date.now();
    const res = await stack.http.post('/v1/signing-keys/rotate').set(admin);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['kid', 'previous_expires_at', 'previous_kid']);
    expect(res.body.previous_kid).toBe(oldKid);
    expect(res.body.kid).not.toBe(oldKid);
    const expiresAt = Date.parse(res.body.previous_expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(started + stack.config.secretRotationGraceMs - 5_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + stack.config.secretRotationGraceMs + 5_000);

    const jwks = await fetchJwks(stack);
    expect(kidsOf(jwks)).toEqual([res.body.kid, oldKid]);
    expect(await ed25519Verifies(jwks, before)).toBe(true);

    // Workers cache the active key for a few seconds; deliveries move to the new kid within that.
    const after = await waitFor(
      async () => {
        const req = await deliverOne(stack, r, type);
        return header(req, 'webhook-key-id') === res.body.kid ? req : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, message: 'a delivery signed with the new key' },
    );
    expect(await ed25519Verifies(await fetchJwks(stack), after)).toBe(true);
  });

  it('with a tiny grace period, the old key leaves the JWKS and only the new one signs', async () => {
    const r = await receiver();
    const type = 'signature.key-expiry';
    await createSigned(shortGrace, { url: r.url, events: [type], signature: 'ed25519' });
    const oldKid = kidsOf(await fetchJwks(shortGrace))[0];

    const res = await shortGrace.http.post('/v1/signing-keys/rotate').set(admin);
    expect(res.status).toBe(200);
    expect(res.body.previous_kid).toBe(oldKid);
    expect(Date.parse(res.body.previous_expires_at)).toBeLessThanOrEqual(Date.now() + 1_000);

    // The database clock decides, as it set the expiry.
    const jwks = await waitFor(
      async () => {
        const current = await fetchJwks(shortGrace);
        return kidsOf(current).length === 1 ? current : undefined;
      },
      { message: 'the old key to leave the JWKS' },
    );
    expect(kidsOf(jwks)).toEqual([res.body.kid]);

    const req = await waitFor(
      async () => {
        const delivered = await deliverOne(shortGrace, r, type);
        return header(delivered, 'webhook-key-id') === res.body.kid ? delivered : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, message: 'a delivery signed with the new key' },
    );
    expect(await ed25519Verifies(jwks, req)).toBe(true);
  });
});

describe('the signing-key store', () => {
  it('creates exactly one key when many processes ask for it at once, and rotations never leave two active', async () => {
    const pool = createPool(await createTestDatabase(), 10);
    try {
      await migrate(pool);
      const box = new SecretBox(stack.config.secretEncryptionKey);
      const repos = Array.from({ length: 8 }, () => new SigningKeysRepository(pool, box));
      const actives = await Promise.all(repos.map((repo) => repo.active()));
      expect(new Set(actives.map((k) => k.kid)).size).toBe(1);
      expect((await pool.query('SELECT count(*)::int AS n FROM signing_keys')).rows[0].n).toBe(1);

      const rotations = await Promise.all(repos.slice(0, 3).map((repo) => repo.rotate(60_000)));
      const { rows } = await pool.query<{ kid: string; retired: boolean }>(
        'SELECT kid, retired_at IS NOT NULL AS retired FROM signing_keys ORDER BY created_at, kid',
      );
      expect(rows).toHaveLength(4);
      expect(rows.filter((r) => !r.retired)).toHaveLength(1);
      // Each rotation retired the key made just before it: one chain from the first key to the active one.
      const activeKid = rows.find((r) => !r.retired)!.kid;
      const allKids = [actives[0]!.kid, ...rotations.map((r) => r.kid)];
      expect(rotations.map((r) => r.previousKid).sort()).toEqual(allKids.filter((k) => k !== activeKid).sort());
      expect((await repos[0]!.active()).kid).toBe(activeKid);
      expect((await repos[0]!.publicKeys()).map((k) => k.kid).sort()).toEqual(rows.map((r) => r.kid).sort());
    } finally {
      await pool.end();
    }
  });
});
