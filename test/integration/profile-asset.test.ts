import { execFile } from 'node:child_process';
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createLogger } from '../../src/logger';
import { publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { createTestDatabase, startStack, type Stack } from '../support/harness';
import { Receiver, Receivers, type ReceivedRequest, type Responder, headerOf as header } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/**
 * The `asset` profile against receivers that verify as Asset tells its customers to: "Every
 * webhook request comes with two headers asset-id and asset-signature. The asset-id header
 * uniquely identifies the webhook request, and asset-signature is the signature of the request.
 * You can use the public key at .../.well-known/jwks.json to validate the signature." Verified
 * from the JWKS alone, fetched over HTTP from the running API: in Python with PyJWT
 * (test/support/verify_asset_signature.py, run by Debian's /usr/bin/python3) and in Node with jose.
 * Retries: "If there is non-200 response or the request times out, Asset will retry the request
 * up to four more times", on a shortened schedule (100 ms, then x1.5). Endpoint URLs are "HTTPS
 * only" outside development, so this file's main stack runs with NODE_ENV=development to reach
 * its http://127.0.0.1 receivers, and a second stack with NODE_ENV=test shows the refusals.
 */
const PYTHON = '/usr/bin/python3';
const VERIFIER = join(__dirname, '../support/verify_asset_signature.py');

let stack: Stack;
let api: Server;
let jwksUrl: string;
let scratch: string;
const attemptLines: Array<Record<string, unknown>> = [];
const receivers = new Receivers();
const receiver = (responder?: Responder) => receivers.start(responder);

beforeAll(async () => {
  stack = await startStack({
    // Auto-disable (5 failures in 10 s) would cut the shortened schedule short; it has tests of its own.
    env: { NODE_ENV: 'development', RETRY_INITIAL_INTERVAL_MS: '100', RETRY_BACKOFF_COEFFICIENT: '1.5', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' },
    log: createLogger('test', 'info', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.msg === 'attempt') attemptLines.push(parsed);
    }),
  });
  // The verifiers fetch the JWKS as receivers do: over HTTP, from a listening API.
  api = createServer(stack.api.app.callback());
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/.well-known/jwks.json`;
  scratch = await mkdtemp(join(tmpdir(), 'hookline-asset-'));
});
afterAll(async () => {
  await receivers.stopAll();
  api?.closeAllConnections();
  await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
  await stack?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});


async function create(body: Record<string, unknown>, on: Stack = stack) {
  const res = await on.http.post('/v1/webhooks').set(on.auth).send({ name: 'Asset', profile: 'asset', events: ['asset.none'], ...body });
  if (res.status !== 201) throw new Error(`webhook creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; profile: string; signature: string | null; secret: string | null };
}

let typeCounter = 0;
/** A fresh event type per test, so each webhook gets only its own events. */
const freshType = () => `asset.t${++typeCounter}`;

async function publishTo(type: string, on: Stack = stack) {
  const event = await publishEvent(on, { type, data: { id: `biz_${typeCounter}`, name: 'Café "Zoë" €', amount: 12.5 } });
  expect(event.deliveries).toHaveLength(1);
  return { eventId: event.id as string, deliveryId: event.deliveries[0]!.id as string };
}

/** Runs the Python verifier on a captured request: its exit status and what it printed. */
function pythonVerifies(req: { headers: ReceivedRequest['headers']; body: string }, name: string): Promise<{ ok: boolean; out: string }> {
  const file = join(scratch, `${name}.json`);
  return writeFile(file, JSON.stringify({ headers: req.headers, body_base64: Buffer.from(req.body, 'utf8').toString('base64') })).then(
    () =>
      new Promise((resolve, reject) => {
        execFile(PYTHON, [VERIFIER, jwksUrl, file], { timeout: 20_000 }, (err, stdout, stderr) => {
          if (err && typeof err.code !== 'number') return reject(err);
          resolve({ ok: !err, out: `${stdout}${stderr}`.trim() });
        });
      }),
  );
}

/** Asset's receiver in Node: jose, with the engine's JWKS as the only source of keys. */
async function joseVerifies(req: ReceivedRequest): Promise<boolean> {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  try {
    const { payload } = await jwtVerify(header(req, 'asset-signature')!, jwks, { algorithms: ['EdDSA'] });
    const digest = createHash('sha256').update(req.body, 'utf8').digest('hex');
    return (
      typeof payload.sha256 === 'string' &&
      payload.sha256.length === digest.length &&
      timingSafeEqual(Buffer.from(payload.sha256), Buffer.from(digest)) &&
      payload['asset-id'] === header(req, 'asset-id')
    );
  } catch {
    return false;
  }
}

describe('asset: the headers', () => {
  it('sends asset-id (the event id) and asset-signature, which PyJWT verifies from the JWKS alone; a tampered body fails', async () => {
    const r = await receiver();
    const type = freshType();
    const hook = await create({ url: r.url, events: [type] });
    expect(hook).toMatchObject({ profile: 'asset', signature: null });
    const { eventId, deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.profile).toBe('asset');
    expect(delivery.attempts.map((a: { profile: string }) => a.profile)).toEqual(['asset']);
    const logged = await waitFor(() => attemptLines.find((l) => l.deliveryId === deliveryId), { message: 'the attempt log line' });
    expect(logged).toMatchObject({ profile: 'asset', signedWith: 'asset-signature', outcome: 'delivered', statusCode: 200 });

    const req = r.requests[0]!;
    expect(header(req, 'asset-id')).toBe(eventId);
    const token = header(req, 'asset-signature')!;
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const keys = (await stack.http.get('/.well-known/jwks.json')).body.keys as Array<{ kid: string; kty: string; crv: string }>;
    const { alg, kid } = decodeProtectedHeader(token);
    expect(alg).toBe('EdDSA');
    expect(keys.find((k) => k.kid === kid)).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    // Nothing of the other profiles' formats.
    expect(header(req, 'webhook-signature')).toBeUndefined();
    expect(header(req, 'x-webhook-signature')).toBeUndefined();

    const verified = await pythonVerifies(req, 'genuine');
    expect(verified).toEqual({ ok: true, out: `verified asset-id=${eventId}` });
    const tampered = await pythonVerifies({ ...req, body: req.body.replace('12.5', '12.6') }, 'tampered-body');
    expect(tampered.ok).toBe(false);
    expect(tampered.out).toBe('not verified: ValueError: the body does not match the signed SHA-256');
    const forged = await pythonVerifies({ ...req, headers: { ...req.headers, 'asset-signature': `${token.slice(0, -4)}AAAA` } }, 'forged');
    expect(forged.ok).toBe(false);
    expect(forged.out).toMatch(/^not verified: InvalidSignatureError/);
  });

  it('jose verifies it in Node from the JWKS alone (createRemoteJWKSet, jwtVerify); a tampered body fails', async () => {
    const r = await receiver();
    const type = freshType();
    await create({ url: r.url, events: [type] });
    const { deliveryId } = await publishTo(type);
    expect((await waitForFinalDelivery(stack, deliveryId)).status).toBe('succeeded');
    const req = r.requests[0]!;
    expect(await joseVerifies(req)).toBe(true);
    expect(await joseVerifies({ ...req, body: `${req.body} ` })).toBe(false);
    expect(await joseVerifies({ ...req, headers: { ...req.headers, 'asset-id': 'another' } })).toBe(false);
  });

  it('GET /v1/deliveries/:id/request lists asset-id with its value and asset-signature', async () => {
    const r = await receiver();
    const type = freshType();
    await create({ url: r.url, events: [type] });
    const { eventId, deliveryId } = await publishTo(type);
    await waitForFinalDelivery(stack, deliveryId);
    const described = await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth);
    expect(described.status).toBe(200);
    const headers = described.body.headers as Array<{ name: string; value: string | null; note: string | null }>;
    expect(headers.find((h) => h.name === 'asset-id')).toMatchObject({ value: eventId });
    // The attempt's stored request: the JWS as sent.
    expect(headers.find((h) => h.name === 'asset-signature')).toMatchObject({ value: r.requests[0]!.headers['asset-signature'], note: null });
    expect(r.requests[0]!.headers['asset-signature']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(headers.map((h) => h.name)).not.toContain('webhook-signature');
    expect(described.body.body).toBe(r.requests[0]!.body);
  });

  it('refuses asset-id and asset-signature as custom headers', async () => {
    for (const name of ['asset-id', 'Asset-Signature']) {
      const res = await stack.http
        .post('/v1/webhooks')
        .set(stack.auth)
        .send({ name: 'A', url: 'https://example.com/hooks', events: ['x'], profile: 'asset', headers: { [name]: 'x' } });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].message).toContain('is set by the engine');
    }
  });
});

describe('asset: retries', () => {
  it('retries a 404 up to four more times: exactly 1 + 4 attempts, then the delivery fails', async () => {
    const r = await receiver(() => ({ status: 404 }));
    const type = freshType();
    await create({ url: r.url, events: [type] });
    const { deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([404, 404, 404, 404, 404]);
    expect(r.requests).toHaveLength(5);
  });

  it('counts only a 200 as delivered: a 201 and a 204 are retried, and the 200 after them succeeds', async () => {
    const r = await receiver(Receiver.sequence({ status: 201 }, { status: 204 }, { status: 200 }));
    const type = freshType();
    await create({ url: r.url, events: [type] });
    const { deliveryId } = await publishTo(type);
    const delivery = await waitForFinalDelivery(stack, deliveryId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((a: { status_code: number; status: string; error: string | null }) => [a.status_code, a.status, a.error])).toEqual([
      [201, 'failed', 'receiver answered 201; only a 200 counts as delivered'],
      [204, 'failed', 'receiver answered 204; only a 200 counts as delivered'],
      [200, 'succeeded', null],
    ]);
  });

  it('a receiver that always answers 201 fails after 5 attempts; a timeout is retried; max_attempts overrides', async () => {
    const created = await receiver(() => ({ status: 201 }));
    const createdType = freshType();
    await create({ url: created.url, events: [createdType] });
    const one = await publishTo(createdType);
    const failed = await waitForFinalDelivery(stack, one.deliveryId);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toHaveLength(5);

    const slow = await receiver(Receiver.sequence({ status: 200, delayMs: 1_500 }, { status: 200 }));
    const slowType = freshType();
    await create({ url: slow.url, events: [slowType], timeout_ms: 1_000 });
    const two = await publishTo(slowType);
    const timedOut = await waitForFinalDelivery(stack, two.deliveryId);
    expect(timedOut.status).toBe('succeeded');
    expect(timedOut.attempts.map((a: { error: string | null }) => a.error)).toEqual(['no response within 1000 ms', null]);

    const down = await receiver(() => ({ status: 500 }));
    const downType = freshType();
    await create({ url: down.url, events: [downType], max_attempts: 2 });
    const three = await publishTo(downType);
    expect((await waitForFinalDelivery(stack, three.deliveryId)).attempts).toHaveLength(2);
  });
});

describe('asset: HTTPS only outside development', () => {
  it('in development takes http: URLs (the receivers above); outside it refuses them on POST and PATCH, and at delivery', async () => {
    // One database: a development API registers an http: webhook; then the engine runs it with NODE_ENV=test.
    const databaseUrl = await createTestDatabase();
    const dev = await startStack({ databaseUrl, worker: false, env: { NODE_ENV: 'development' } });
    const r = await receiver();
    const type = freshType();
    let kept: { id: string };
    try {
      kept = await create({ url: r.url, events: [type] }, dev);
    } finally {
      await dev.stop();
    }

    const test = await startStack({ databaseUrl, env: { NODE_ENV: 'test', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' } });
    try {
      const refused = 'must be an https URL under profile asset (http is allowed only in development)';
      const posted = await test.http
        .post('/v1/webhooks')
        .set(test.auth)
        .send({ name: 'A', url: 'http://127.0.0.1:9/hook', events: ['x'], profile: 'asset' });
      expect(posted.status).toBe(422);
      expect(posted.body.error.details).toEqual([{ path: 'body.url', message: refused }]);

      const secure = await create({ url: 'https://example.com/hooks' }, test);
      const patchedUrl = await test.http.patch(`/v1/webhooks/${secure.id}`).set(test.auth).send({ url: 'http://example.com/hooks' });
      expect(patchedUrl.status).toBe(422);
      expect(patchedUrl.body.error.details).toEqual([{ path: 'body.url', message: refused }]);

      // Any other profile still takes http: here (NODE_ENV=test does not refuse it), but not the move to asset.
      const plain = await test.http.post('/v1/webhooks').set(test.auth).send({ name: 'P', url: 'http://example.com/hooks', events: ['x'] });
      expect(plain.status).toBe(201);
      const moved = await test.http.patch(`/v1/webhooks/${plain.body.id}`).set(test.auth).send({ profile: 'asset' });
      expect(moved.status).toBe(422);
      expect(moved.body.error.details).toEqual([{ path: 'body.profile', message: `the webhook's url ${refused}: change the url too` }]);
      const both = await test.http.patch(`/v1/webhooks/${plain.body.id}`).set(test.auth).send({ profile: 'asset', url: 'https://example.com/hooks' });
      expect(both.status).toBe(200);
      expect(both.body).toMatchObject({ profile: 'asset', url: 'https://example.com/hooks' });

      // The webhook registered in development: its delivery is refused, final, and nothing is sent.
      const { deliveryId } = await publishTo(type, test);
      const delivery = await waitForFinalDelivery(test, deliveryId);
      expect(delivery.status).toBe('failed');
      expect(delivery.attempts.map((a: { status_code: number | null; error: string }) => [a.status_code, a.error])).toEqual([
        [null, `target refused: url ${refused}`],
      ]);
      expect(r.requests).toHaveLength(0);
      expect((await test.http.get(`/v1/webhooks/${kept.id}`).set(test.auth)).body.url).toBe(r.url);
    } finally {
      await test.stop();
    }
  });
});
