import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { expressReceiver } from '../../clients/receiver/examples/express';
import { koaReceiver } from '../../clients/receiver/examples/koa';
import { nodeHttpReceiver } from '../../clients/receiver/examples/node-http';
import {
  createVerifier,
  isSyncHook,
  RemoteJwks,
  StaticJwks,
  WebhookVerificationError,
  type CustomProfile,
  type SyncHook,
  type VerifierSetup,
  type WebhookEnvelope,
} from '../../clients/receiver/src';
import { createHooklineClient, type HooklineClient, type Schema } from '../../clients/typescript/src';
import { startStack, type Stack } from '../support/harness';
import { headerOf, Receivers, type ReceivedRequest } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/**
 * The receiver kit (clients/receiver) against real deliveries from the running engine, under
 * every signature scheme and profile: each delivery is accepted, and refused with a tampered
 * body, the wrong secret or key, or a stale timestamp. Ed25519 goes through the JWKS served by
 * the API over HTTP, with a key rotation (an unknown kid fetches it again). The standard scheme
 * agrees with the official `standardwebhooks` package both ways, and the Express, Koa and
 * node:http examples each take a real delivery. The API calls go through the typed client.
 * NODE_ENV=development lets `asset` webhooks point at http://127.0.0.1 receivers.
 */
const ADMIN_API_KEY = 'admin-key-for-receiver-kit-tests';

let stack: Stack;
let api: Server;
let baseUrl: string;
let hookline: HooklineClient;
let jwks: RemoteJwks;
const receivers = new Receivers();
const servers: Server[] = [];

beforeAll(async () => {
  stack = await startStack({ env: { NODE_ENV: 'development', ADMIN_API_KEY } });
  api = createServer(stack.api.app.callback());
  baseUrl = await listen(api);
  hookline = createHooklineClient({ baseUrl, apiKey: stack.config.apiKey });
  jwks = new RemoteJwks(`${baseUrl}/.well-known/jwks.json`, { minRefreshIntervalMs: 0 });
});
afterAll(async () => {
  await receivers.stopAll();
  for (const s of [...servers, api]) {
    s?.closeAllConnections();
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
  await stack?.stop();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let counter = 0;

async function createWebhook(body: Record<string, unknown>) {
  const { data, error } = await hookline.POST('/v1/webhooks', { body: { name: 'kit', events: ['*'], ...body } as Schema<'CreateWebhookRequest'> });
  if (error) throw new Error(`webhook creation failed: ${JSON.stringify(error)}`);
  return data as { id: string; secret: string | null };
}

async function publish(type: string) {
  const { data, error } = await hookline.POST('/v1/events', { body: { type, data: { id: `ord_${++counter}`, note: 'Café "Zoë" €' } } });
  if (error) throw new Error(`publishing failed: ${JSON.stringify(error)}`);
  return data;
}

/** A webhook of `body` on a fresh receiver and event type, and one real delivery to it. */
async function deliveredTo(body: Record<string, unknown>) {
  const receiver = await receivers.start();
  const type = `kit.t${++counter}`;
  const webhook = await createWebhook({ url: receiver.url, events: [type], ...body });
  await publish(type);
  const [req] = await receiver.waitForRequests(1);
  return { req: req!, secret: webhook.secret, type, webhook, receiver };
}

const tamper = (body: string) => body.replace('"data":{', '"data":{"x":1,');
const otherSecret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
  return 'accepted';
}

/** A JWKS with one key under every kid asked for: the right kid, the wrong key. */
const impostorKeys = () => {
  const { publicKey } = generateKeyPairSync('ed25519');
  return { key: () => Promise.resolve(publicKey) };
};

const STRIPE_LIKE: CustomProfile = {
  id_header: 'X-Event-Id',
  timestamp_header: 'X-Event-Time',
  signature_header: 'X-Signature',
  algorithm: 'hmac-sha256',
  encoding: 'base64',
  template: 't={timestamp},v1={signature}',
  signed_content: '{id}.{timestamp}.{body}',
};
const CUSTOM_ED25519: CustomProfile = {
  id_header: 'X-Event-Id',
  timestamp_header: 'X-Event-Time',
  signature_header: 'X-Signature',
  algorithm: 'ed25519',
  encoding: 'hex',
  template: 'ed25519={signature};id={id}',
  signed_content: '{body}',
};

interface Case {
  name: string;
  webhook: Record<string, unknown>;
  /** The kit's setup for the webhook, given its secret; and one with the wrong secret or key. */
  setup: (secret: string) => VerifierSetup;
  wrong: VerifierSetup;
  idHeader: string;
}

const CASES: Case[] = [
  { name: 'standard (Standard Webhooks)', webhook: {}, setup: (secret) => ({ secret }), wrong: { secret: otherSecret }, idHeader: 'webhook-id' },
  {
    name: 'signature hmac-sha256',
    webhook: { signature: 'hmac-sha256' },
    setup: (secret) => ({ signature: 'hmac-sha256', secret }),
    wrong: { signature: 'hmac-sha256', secret: otherSecret },
    idHeader: 'webhook-id',
  },
  {
    name: 'signature hmac-sha512',
    webhook: { signature: 'hmac-sha512' },
    setup: (secret) => ({ signature: 'hmac-sha512', secret }),
    wrong: { signature: 'hmac-sha512', secret: otherSecret },
    idHeader: 'webhook-id',
  },
  {
    name: 'signature ed25519 (JWKS)',
    webhook: { signature: 'ed25519' },
    setup: () => ({ signature: 'ed25519', keys: jwks }),
    wrong: { signature: 'ed25519', keys: impostorKeys() },
    idHeader: 'webhook-id',
  },
  {
    name: 'profile assets-server',
    webhook: { profile: 'assets-server' },
    setup: (secret) => ({ profile: 'assets-server', secret }),
    wrong: { profile: 'assets-server', secret: otherSecret },
    idHeader: 'webhook-id',
  },
  {
    name: 'profile assetsup',
    webhook: { profile: 'assetsup' },
    setup: (secret) => ({ profile: 'assetsup', secret }),
    wrong: { profile: 'assetsup', secret: otherSecret },
    idHeader: 'webhook-id',
  },
  {
    name: 'profile argyle (client secret)',
    webhook: { profile: 'argyle', secret: 'argyle client secret 42!' },
    setup: (secret) => ({ profile: 'argyle', secret }),
    wrong: { profile: 'argyle', secret: 'argyle client secret 43!' },
    idHeader: 'webhook-id',
  },
  {
    name: 'profile asset (compact JWS, JWKS)',
    webhook: { profile: 'asset' },
    setup: () => ({ profile: 'asset', keys: jwks }),
    wrong: { profile: 'asset', keys: impostorKeys() },
    idHeader: 'asset-id',
  },
  {
    name: 'profile custom, HMAC (Stripe-like)',
    webhook: { profile: 'custom', custom_profile: { ...STRIPE_LIKE, retry_4xx: false } },
    setup: (secret) => ({ profile: 'custom', custom: STRIPE_LIKE, secret }),
    wrong: { profile: 'custom', custom: STRIPE_LIKE, secret: otherSecret },
    idHeader: 'x-event-id',
  },
  {
    name: 'profile custom, Ed25519',
    webhook: { profile: 'custom', custom_profile: { ...CUSTOM_ED25519, retry_4xx: false } },
    setup: () => ({ profile: 'custom', custom: CUSTOM_ED25519, keys: jwks }),
    wrong: { profile: 'custom', custom: CUSTOM_ED25519, keys: impostorKeys() },
    idHeader: 'x-event-id',
  },
];

describe('the receiver kit on real deliveries', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: accepts the delivery, refuses it tampered, with the wrong secret or key, or stale', async (_, c) => {
    const { req, secret, type } = await deliveredTo(c.webhook);
    const verifier = createVerifier(c.setup(secret ?? ''));
    const ok = await verifier.verify<WebhookEnvelope<{ id: string }>>(req.body, req.headers);
    expect(ok.id).toBe(headerOf(req, c.idHeader));
    expect(ok.payload.type).toBe(type);
    expect(ok.payload.data.id).toMatch(/^ord_/);
    expect(Math.abs(ok.timestamp - Date.now() / 1000)).toBeLessThan(60);
    // The bytes, as a Buffer, verify the same.
    await expect(verifier.verify(Buffer.from(req.body, 'utf8'), req.headers)).resolves.toMatchObject({ id: ok.id });

    expect(await failure(verifier.verify(tamper(req.body), req.headers))).toMatch(/^(bad_signature|body_mismatch)$/);
    expect(await failure(createVerifier(c.wrong).verify(req.body, req.headers))).toBe('bad_signature');
    const later = Date.now() + 10 * 60_000;
    expect(await failure(verifier.verify(req.body, req.headers, { now: later }))).toBe('timestamp_too_old');
    expect(await failure(verifier.verify(req.body, req.headers, { now: Date.now() - 10 * 60_000 }))).toBe('timestamp_too_new');
    // The tolerance is the receiver's to set.
    await expect(createVerifier(c.setup(secret ?? ''), { toleranceSeconds: 900 }).verify(req.body, req.headers, { now: later })).resolves.toBeDefined();
    const withoutSignature = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !/signature/.test(k)));
    expect(await failure(verifier.verify(req.body, withoutSignature))).toBe('missing_header');
  });

  it('verifies SyncAccount hooks, sent bare under their contract, and types them', async () => {
    const receiver = await receivers.start();
    const { secret } = await createWebhook({ url: receiver.url, events: ['SyncAccount'] });
    const user = await hookline.POST('/v1/users', { body: { login_name: 'kit@example.com' } });
    const account = await hookline.POST('/v1/accounts', { body: { user_id: user.data!.id, provider: 'demo', demo: { outcomes: ['success'] } } });
    const sync = await hookline.POST('/v1/accounts/{id}/sync', { params: { path: { id: account.data!.id } } });
    expect(sync.response.status).toBe(202);
    const [req] = await receiver.waitForRequests(1);
    const verified = await createVerifier({ secret: secret! }).verify<SyncHook>(req!.body, req!.headers);
    expect(isSyncHook(verified.payload)).toBe(true);
    expect(verified.payload).toEqual({ hook: 'SyncAccount', user: { id: user.data!.id, loginName: 'kit@example.com' }, account: { id: account.data!.id, provider: 'demo' } });
    expect(await failure(createVerifier({ secret: otherSecret }).verify(req!.body, req!.headers))).toBe('bad_signature');
  });

  it('accepts either value during a secret rotation, with the old secret or the new', async () => {
    const { req, secret, webhook, receiver, type } = await deliveredTo({ signature: 'hmac-sha256' });
    const rotated = await hookline.POST('/v1/webhooks/{id}/secret/rotate', { params: { path: { id: webhook.id } } });
    const fresh = rotated.data!.secret;
    await publish(type);
    const [, during] = await receiver.waitForRequests(2);
    expect(headerOf(during!, 'x-webhook-signature')!.split(',')).toHaveLength(2);
    for (const s of [secret!, fresh]) await expect(createVerifier({ signature: 'hmac-sha256', secret: s }).verify(during!.body, during!.headers)).resolves.toBeDefined();
    // The receiver can hold both secrets itself.
    await expect(createVerifier({ signature: 'hmac-sha256', secret: [otherSecret, fresh] }).verify(during!.body, during!.headers)).resolves.toBeDefined();
    expect(await failure(createVerifier({ signature: 'hmac-sha256', secret: fresh }).verify(req.body, req.headers))).toBe('bad_signature');
  });

  it('fetches the JWKS again when a kid is unknown: the engine rotated its key', async () => {
    const keys = new RemoteJwks(`${baseUrl}/.well-known/jwks.json`, { minRefreshIntervalMs: 0 });
    const verifier = createVerifier({ signature: 'ed25519', keys });
    const { req: before, type, receiver } = await deliveredTo({ signature: 'ed25519' });
    const first = await verifier.verify(before.body, before.headers);
    expect(keys.fetches).toBe(1);

    const rotate = await createHooklineClient({ baseUrl, apiKey: ADMIN_API_KEY }).POST('/v1/signing-keys/rotate');
    expect(rotate.response.status).toBe(200);
    // Workers keep the active key for 5 s: publish until a request is signed by another key.
    const after = await waitFor(
      async () => {
        const seen = receiver.requests.length;
        await publish(type);
        await receiver.waitForRequests(seen + 1);
        const last = receiver.requests[seen]!;
        return headerOf(last, 'webhook-key-id') !== first.kid ? last : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, message: 'a request signed by the rotated key' },
    );
    const rotated = await verifier.verify(after.body, after.headers);
    expect(rotated.kid).not.toBe(first.kid);
    expect(keys.fetches).toBe(2);
    // The retired key stays in the JWKS for the grace period: the earlier request still verifies, with no fetch.
    await expect(verifier.verify(before.body, before.headers)).resolves.toMatchObject({ kid: first.kid });
    expect(keys.fetches).toBe(2);
    // A kid the JWKS does not have is refused after one more look.
    expect(await failure(verifier.verify(after.body, { ...after.headers, 'webhook-key-id': 'no-such-kid' }))).toBe('unknown_key');
    expect(keys.fetches).toBe(3);
    expect(await failure(createVerifier({ signature: 'ed25519', keys: new StaticJwks({ keys: [] }) }).verify(after.body, after.headers))).toBe('unknown_key');
  });
});

describe('the kit and the official standardwebhooks package agree', () => {
  let delivered: { req: ReceivedRequest; secret: string };
  beforeAll(async () => {
    const { req, secret } = await deliveredTo({});
    delivered = { req, secret: secret! };
  });

  it('on a delivery from the engine: both accept it, both refuse it tampered or with another secret', async () => {
    const { req, secret } = delivered;
    const headers = req.headers as Record<string, string>;
    expect(new StandardWebhook(secret).verify(req.body, headers)).toEqual(JSON.parse(req.body));
    await expect(createVerifier({ secret }).verify(req.body, headers)).resolves.toBeDefined();
    expect(() => new StandardWebhook(secret).verify(tamper(req.body), headers)).toThrow();
    expect(await failure(createVerifier({ secret }).verify(tamper(req.body), headers))).toBe('bad_signature');
    expect(() => new StandardWebhook(otherSecret).verify(req.body, headers)).toThrow();
    expect(await failure(createVerifier({ secret: otherSecret }).verify(req.body, headers))).toBe('bad_signature');
  });

  it('on a message the official package signs: the kit accepts it, and refuses it tampered or stale as the package does', async () => {
    const { secret } = delivered;
    const body = JSON.stringify({ type: 'order.created', timestamp: new Date().toISOString(), webhook: { id: 'w', name: 'n' }, data: { id: 'ord_x' } });
    const id = 'msg_2f1b';
    const signedAt = new Date();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)), 'webhook-signature': new StandardWebhook(secret).sign(id, signedAt, body) };
    await expect(createVerifier({ secret }).verify(body, headers)).resolves.toMatchObject({ id, payload: JSON.parse(body) });
    expect(await failure(createVerifier({ secret }).verify(tamper(body), headers))).toBe('bad_signature');
    const old = new Date(Date.now() - 10 * 60_000);
    const stale = { ...headers, 'webhook-timestamp': String(Math.floor(old.getTime() / 1000)), 'webhook-signature': new StandardWebhook(secret).sign(id, old, body) };
    expect(() => new StandardWebhook(secret).verify(body, stale)).toThrow();
    expect(await failure(createVerifier({ secret }).verify(body, stale))).toBe('timestamp_too_old');
  });
});

describe('the examples', () => {
  it.each([
    ['node:http', nodeHttpReceiver],
    ['Express', (...args: Parameters<typeof nodeHttpReceiver>) => createServer(expressReceiver(...args))],
    ['Koa', (...args: Parameters<typeof nodeHttpReceiver>) => createServer(koaReceiver(...args).callback())],
  ] as const)('%s takes a real delivery and refuses a forged one', async (_, make) => {
    const secret = 'whsec_' + Buffer.alloc(32, ++counter).toString('base64');
    const received: Array<{ id: string; type: string }> = [];
    const server = make(createVerifier({ secret }), (event) => received.push({ id: event.id, type: event.payload.type }));
    servers.push(server);
    const url = `${await listen(server)}/hooks`;
    const type = `kit.example${counter}`;
    const webhook = await createWebhook({ url, events: [type], secret });
    const event = await publish(type);
    const delivery = await waitFor(
      async () => {
        const { data } = await hookline.GET('/v1/deliveries/{id}', { params: { path: { id: event.deliveries[0]!.id } } });
        return data && data.status !== 'pending' ? data : undefined;
      },
      { timeoutMs: 20_000, message: 'the delivery to the example to end' },
    );
    expect(delivery.status).toBe('succeeded');
    expect(received).toEqual([{ id: event.id, type }]);
    expect(webhook.id).toBe(delivery.webhook_id);

    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': 'x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
      body: '{"type":"order.created"}',
    });
    expect([forged.status, await forged.json()]).toEqual([401, { error: 'bad_signature' }]);
    expect(received).toHaveLength(1);
  });
});
