import { createLogger } from '../../src/logger';
import { publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { makeTestPki, type TestPki } from '../support/test-ca';
import type { AddressInfo } from 'node:net';
import { headerOf, Receiver, sameText, type ReceivedRequest } from '../support/receiver';
import { waitFor } from '../support/wait-for';

const lines: string[] = [];
let stack: Stack;
/** Answers 200 to the expected Authorization only, 401 otherwise, as a protected receiver does. */
let receiver: Receiver;
let expected = '';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

beforeAll(async () => {
  stack = await startStack({ log: createLogger('test', 'info', (line) => lines.push(line)) });
  receiver = await Receiver.start((_n, req: ReceivedRequest) => {
    const given = headerOf(req, 'authorization') ?? '';
    return sameText(given, expected) ? { status: 200, body: 'ok' } : { status: 401, headers: { 'www-authenticate': 'Basic realm="hooks"' }, body: 'who are you' };
  });
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

/** Every credential the tests set: none may appear in an API answer, a stored row's clear columns, or a log line. */
const CREDENTIALS = ['pw-basic-7781', 'tok-bearer-7782', 'pw-wrong-7783', 'tok-new-7784', 'client-secret-9912', 'wrong-secret-9913', '-oauth-9911'];
const answers: string[] = [];
const api = async <T extends { status: number; body: any }>(res: T): Promise<T> => {
  answers.push(JSON.stringify(res.body));
  return res;
};

async function deliver(hookId: string, type: string) {
  const event = await publishEvent(stack, { type, data: { n: 1 } });
  const delivery = await waitForFinalDelivery(stack, event.deliveries.find((d) => d.webhook_id === hookId)!.id);
  answers.push(JSON.stringify(delivery));
  const request = await api(await stack.http.get(`/v1/deliveries/${delivery.id}/request`).set(stack.auth));
  return { delivery, request: request.body as { headers: Array<{ name: string; value: string; secret: boolean }> } };
}

describe('basic', () => {
  it('sends Authorization: Basic, shows only type and user, and stores the header masked', async () => {
    expected = basic('hook-user', 'pw-basic-7781');
    const created = await api(
      await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'basic', url: receiver.url, events: ['auth.basic'], auth: { type: 'basic', user: 'hook-user', password: 'pw-basic-7781' } }),
    );
    expect(created.status).toBe(201);
    expect(created.body.auth).toEqual({ type: 'basic', configured: true, user: 'hook-user' });
    const got = await api(await stack.http.get(`/v1/webhooks/${created.body.id}`).set(stack.auth));
    expect(got.body.auth).toEqual({ type: 'basic', configured: true, user: 'hook-user' });
    const before = receiver.requests.length;
    const { delivery, request } = await deliver(created.body.id, 'auth.basic');
    expect(delivery.status).toBe('succeeded');
    expect(headerOf(receiver.requests[before]!, 'authorization')).toBe(expected);
    expect(request.headers.filter((h) => h.name === 'authorization')).toEqual([expect.objectContaining({ value: '[secret]', secret: true })]);
    // Sealed at rest: the clear columns hold the type and user only.
    const { rows } = await stack.api.pool.query('SELECT auth_sealed, auth_shown, (SELECT json_agg(a) FROM attempts a WHERE a.delivery_id = $2) AS attempts FROM webhooks WHERE id = $1', [created.body.id, delivery.id]);
    expect(rows[0].auth_sealed).toMatch(/^v1:/);
    expect(rows[0].auth_shown).toEqual({ type: 'basic', configured: true, user: 'hook-user' });
    for (const value of [rows[0].auth_sealed, JSON.stringify(rows[0].attempts)]) expect(value).not.toContain('pw-basic-7781');
    expect(JSON.stringify(rows[0].attempts)).not.toContain(Buffer.from('hook-user:pw-basic-7781').toString('base64'));
  });

  it('records the receiver\'s 401 for wrong credentials, and the delivery fails without a retry (the 4xx rule)', async () => {
    expected = basic('hook-user', 'pw-basic-7781');
    const created = await api(
      await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'wrong', url: receiver.url, events: ['auth.wrong'], auth: { type: 'basic', user: 'hook-user', password: 'pw-wrong-7783' } }),
    );
    const { delivery } = await deliver(created.body.id, 'auth.wrong');
    expect(delivery).toMatchObject({ status: 'failed', last_error: 'receiver answered 401' });
    expect(delivery.attempts).toEqual([expect.objectContaining({ status: 'failed', status_code: 401, response_body: 'who are you' })]);
  });

  it('refuses a user with ":", a control character or a missing password with a 422, storing nothing', async () => {
    for (const auth of [
      { type: 'basic', user: 'a:b', password: 'x' },
      { type: 'basic', user: 'ab', password: 'x\r\nX-Evil: 1' },
      { type: 'basic', user: 'ab' },
      { type: 'bearer', token: 'has space' },
      { type: 'digest', user: 'a', password: 'b' },
    ]) {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'refused-auth', url: receiver.url, events: ['x'], auth });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const { rows } = await stack.api.pool.query("SELECT count(*)::int AS n FROM webhooks WHERE name = 'refused-auth'");
    expect(rows[0].n).toBe(0);
  });
});

describe('the request preview', () => {
  it('names the Authorization header from auth, masked, in place of a custom one', async () => {
    const created = await api(
      await stack.http
        .post('/v1/webhooks')
        .set(stack.auth)
        .send({ name: 'preview', url: receiver.url, events: ['auth.preview'], headers: { Authorization: 'Bearer custom-preview' }, auth: { type: 'bearer', token: 'tok-bearer-7782' } }),
    );
    expect((await stack.http.post(`/v1/webhooks/${created.body.id}/pause`).set(stack.auth)).status).toBe(200);
    const event = await publishEvent(stack, { type: 'auth.preview', data: {} });
    const deliveryId = event.deliveries.find((d) => d.webhook_id === created.body.id)!.id;
    const preview = await api(await stack.http.get(`/v1/deliveries/${deliveryId}/request`).set(stack.auth));
    expect(preview.body.source).toBe('preview');
    expect(preview.body.headers.filter((h: { name: string }) => h.name.toLowerCase() === 'authorization')).toEqual([
      { name: 'authorization', value: '[secret]', note: expect.stringContaining('bearer'), secret: true },
    ]);
    await stack.http.delete(`/v1/webhooks/${created.body.id}`).set(stack.auth);
  });
});

describe('bearer', () => {
  it('sends Authorization: Bearer, replaces a custom Authorization header, changes with PATCH, and goes with auth: null', async () => {
    expected = 'Bearer tok-bearer-7782';
    const created = await api(
      await stack.http
        .post('/v1/webhooks')
        .set(stack.auth)
        .send({ name: 'bearer', url: receiver.url, events: ['auth.bearer'], headers: { Authorization: 'Bearer custom-one' }, auth: { type: 'bearer', token: 'tok-bearer-7782' } }),
    );
    expect(created.body.auth).toEqual({ type: 'bearer', configured: true });
    let before = receiver.requests.length;
    const first = await deliver(created.body.id, 'auth.bearer');
    expect(first.delivery.status).toBe('succeeded');
    expect(receiver.requests[before]!.rawHeaders.filter((_, i, all) => i % 2 === 0 && all[i]!.toLowerCase() === 'authorization')).toHaveLength(1);
    expect(headerOf(receiver.requests[before]!, 'authorization')).toBe('Bearer tok-bearer-7782');

    // A new token, by PATCH.
    const patched = await api(await stack.http.patch(`/v1/webhooks/${created.body.id}`).set(stack.auth).send({ auth: { type: 'bearer', token: 'tok-new-7784' } }));
    expect(patched.status).toBe(200);
    expect(patched.body.auth).toEqual({ type: 'bearer', configured: true });
    expected = 'Bearer tok-new-7784';
    before = receiver.requests.length;
    expect((await deliver(created.body.id, 'auth.bearer')).delivery.status).toBe('succeeded');
    expect(headerOf(receiver.requests[before]!, 'authorization')).toBe('Bearer tok-new-7784');

    // Removed: the custom header is sent again.
    const removed = await api(await stack.http.patch(`/v1/webhooks/${created.body.id}`).set(stack.auth).send({ auth: null }));
    expect(removed.body.auth).toBeNull();
    expected = 'Bearer custom-one';
    before = receiver.requests.length;
    expect((await deliver(created.body.id, 'auth.bearer')).delivery.status).toBe('succeeded');
    expect(headerOf(receiver.requests[before]!, 'authorization')).toBe('Bearer custom-one');
    const { rows } = await stack.api.pool.query('SELECT auth_sealed, auth_shown FROM webhooks WHERE id = $1', [created.body.id]);
    expect(rows[0]).toEqual({ auth_sealed: null, auth_shown: null });
  });
});

/** An OAuth2 token endpoint (client credentials, client authenticated with HTTP Basic) that the test controls. */
class TokenEndpoint {
  readonly requests: Array<{ authorization: string; body: string }> = [];
  /** Tokens the resource receiver accepts. */
  readonly valid = new Set<string>();
  expiresIn = 3600;
  private server?: Server;
  constructor(private readonly client: { id: string; secret: string }) {}
  get url() {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/oauth/token`;
  }
  async start() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const authorization = req.headers.authorization ?? '';
        this.requests.push({ authorization, body });
        const expected = `Basic ${Buffer.from(`${this.client.id}:${this.client.secret}`).toString('base64')}`;
        const form = new URLSearchParams(body);
        if (!sameText(authorization, expected) || form.get('grant_type') !== 'client_credentials') {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
          return;
        }
        const token = `tok-${this.requests.length}-oauth-9911`;
        this.valid.add(token);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: this.expiresIn }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
  }
  async stop() {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

describe('oauth2_client_credentials', () => {
  const tokens = new TokenEndpoint({ id: 'hookline-client', secret: 'client-secret-9912' });
  let resource: Receiver;
  beforeAll(async () => {
    await tokens.start();
    resource = await Receiver.start((_n, req) => {
      const token = (headerOf(req, 'authorization') ?? '').replace(/^Bearer /, '');
      return tokens.valid.has(token) ? { status: 200, body: 'ok' } : { status: 401, body: 'invalid token' };
    });
  });
  afterAll(async () => {
    await resource?.stop();
    await tokens.stop();
  });
  const bearerOf = (req: ReceivedRequest) => headerOf(req, 'authorization');

  it('fetches a token, reuses it while fresh, fetches a new one on a 401 within the attempt, and before expiry', async () => {
    const auth = { type: 'oauth2_client_credentials', token_url: tokens.url, client_id: 'hookline-client', client_secret: 'client-secret-9912', scope: 'hooks.write' };
    const created = await api(await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'oauth', url: resource.url, events: ['auth.oauth'], auth }));
    expect(created.status).toBe(201);
    expect(created.body.auth).toEqual({ type: 'oauth2_client_credentials', configured: true, token_url: tokens.url, client_id: 'hookline-client', scope: 'hooks.write' });

    // 1: a token is fetched, with the client's credentials and the scope.
    const one = await deliver(created.body.id, 'auth.oauth');
    expect(one.delivery.status).toBe('succeeded');
    expect(tokens.requests).toHaveLength(1);
    expect(new URLSearchParams(tokens.requests[0]!.body).get('scope')).toBe('hooks.write');
    expect(bearerOf(resource.requests[0]!)).toBe('Bearer tok-1-oauth-9911');
    expect(one.request.headers.filter((h) => h.name === 'authorization')).toEqual([expect.objectContaining({ value: '[secret]', secret: true })]);

    // 2: the cached token.
    expect((await deliver(created.body.id, 'auth.oauth')).delivery.status).toBe('succeeded');
    expect(tokens.requests).toHaveLength(1);
    expect(bearerOf(resource.requests[1]!)).toBe('Bearer tok-1-oauth-9911');

    // 3: the receiver no longer takes it: 401, one new token, the same attempt succeeds.
    tokens.valid.delete('tok-1-oauth-9911');
    tokens.expiresIn = 1;
    const three = await deliver(created.body.id, 'auth.oauth');
    expect(three.delivery.status).toBe('succeeded');
    expect(three.delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'succeeded', status_code: 200 })]);
    expect(tokens.requests).toHaveLength(2);
    expect(resource.requests.slice(2).map(bearerOf)).toEqual(['Bearer tok-1-oauth-9911', 'Bearer tok-2-oauth-9911']);

    // 4: that token lives 1 s and is used for half of it; past that, a new one before sending.
    const fetchedAt = Date.now();
    await waitFor(() => Date.now() > fetchedAt + 700, { message: 'the token to be near its expiry' });
    const four = await deliver(created.body.id, 'auth.oauth');
    expect(four.delivery.status).toBe('succeeded');
    expect(tokens.requests).toHaveLength(3);
    expect(resource.requests.slice(4).map(bearerOf)).toEqual(['Bearer tok-3-oauth-9911']);
  });

  it('fails and retries the attempt when the token endpoint refuses the client, sending nothing to the receiver', async () => {
    const before = resource.requests.length;
    const auth = { type: 'oauth2_client_credentials', token_url: tokens.url, client_id: 'hookline-client', client_secret: 'wrong-secret-9913' };
    const created = await api(await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'oauth-wrong', url: resource.url, events: ['auth.oauth.wrong'], auth }));
    const { delivery } = await deliver(created.body.id, 'auth.oauth.wrong');
    expect(delivery).toMatchObject({ status: 'failed', last_error: 'connection failed: oauth2_token_unavailable: token endpoint answered 401' });
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.attempts[0]).toMatchObject({ request_sent: false, status_code: null });
    expect(resource.requests.length).toBe(before);
  });

  it('holds the token URL to the SSRF policy and HTTP(S) rules at creation', async () => {
    for (const token_url of ['http://169.254.169.254/latest/meta-data/token', 'http://10.0.0.1/token', 'ftp://tokens.example/token']) {
      const res = await stack.http
        .post('/v1/webhooks')
        .set(stack.auth)
        .send({ name: 'oauth-ssrf', url: resource.url, events: ['x'], auth: { type: 'oauth2_client_credentials', token_url, client_id: 'c', client_secret: 's' } });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].path).toBe('body.auth.token_url');
    }
  });
});

describe('mtls', () => {
  let pki: TestPki;
  let server: ReturnType<typeof createHttpsServer>;
  const seen: Array<{ cn: string | undefined; authorized: boolean }> = [];
  let url = '';
  beforeAll(async () => {
    pki = makeTestPki();
    // The private key's body: it must appear in no answer and no log line.
    CREDENTIALS.push(pki.client.key.split('\n')[1]!);
    // A receiver that demands a client certificate signed by its client CA.
    server = createHttpsServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.clientCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      seen.push({ cn: typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined, authorized: socket.authorized });
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('presents the client certificate, trusting only the pinned CA for the receiver', async () => {
    const auth = { type: 'mtls', cert_pem: pki.client.cert, key_pem: pki.client.key, ca_pem: pki.serverCa };
    const created = await api(await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'mtls', url, events: ['auth.mtls'], auth }));
    expect(created.status).toBe(201);
    expect(created.body.auth).toEqual({ type: 'mtls', configured: true, ca_pinned: true });
    const { delivery, request } = await deliver(created.body.id, 'auth.mtls');
    expect(delivery.status).toBe('succeeded');
    expect(seen).toEqual([{ cn: 'hookline-client', authorized: true }]);
    expect(request.headers.some((h) => h.name === 'authorization')).toBe(false);
    const { rows } = await stack.api.pool.query('SELECT auth_sealed, auth_shown::text AS shown FROM webhooks WHERE id = $1', [created.body.id]);
    expect(rows[0].auth_sealed).toMatch(/^v1:/);
    expect(rows[0].shown).not.toContain('PRIVATE KEY');
  });

  it('fails the handshake with a certificate the receiver does not trust, or without the pinned CA; nothing is received', async () => {
    const before = seen.length;
    for (const [type, auth] of [
      ['auth.mtls.stranger', { type: 'mtls', cert_pem: pki.stranger.cert, key_pem: pki.stranger.key, ca_pem: pki.serverCa }],
      ['auth.mtls.unpinned', { type: 'mtls', cert_pem: pki.client.cert, key_pem: pki.client.key }],
    ] as const) {
      const created = await api(await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: type, url, events: [type], auth }));
      expect(created.status).toBe(201);
      const { delivery } = await deliver(created.body.id, type);
      expect(delivery.status).toBe('failed');
      expect(delivery.attempts).toHaveLength(3);
      expect(delivery.last_error).toMatch(/^connection failed: /);
    }
    expect(seen.length).toBe(before);
  });

  it('refuses material that is not PEM, or a key that is not the certificate\'s, with a 422 naming the field', async () => {
    for (const [auth, path] of [
      [{ type: 'mtls', cert_pem: 'not a certificate', key_pem: pki.client.key }, 'body.auth.cert_pem'],
      [{ type: 'mtls', cert_pem: pki.client.cert, key_pem: pki.stranger.key }, 'body.auth.key_pem'],
      [{ type: 'mtls', cert_pem: pki.client.cert, key_pem: 'garbage' }, 'body.auth.key_pem'],
      [{ type: 'mtls', cert_pem: pki.client.cert, key_pem: pki.client.key, ca_pem: 'no CA here' }, 'body.auth.ca_pem'],
    ] as const) {
      const res = await api(await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'mtls-refused', url, events: ['x'], auth }));
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path })]);
    }
  });
});

describe('every credential type', () => {
it('is absent from every API answer and log line', async () => {
  // The tests above ran first: their answers are all here.
  expect(answers.length).toBeGreaterThan(10);
  const list = await api(await stack.http.get('/v1/webhooks?limit=200').set(stack.auth));
  expect(list.status).toBe(200);
  const everything = answers.join('\n');
  const logged = lines.join('');
  expect(lines.length).toBeGreaterThan(0);
  for (const secret of CREDENTIALS) {
    expect(everything).not.toContain(secret);
    expect(logged).not.toContain(secret);
  }
  for (const encoded of [basic('hook-user', 'pw-basic-7781'), basic('hook-user', 'pw-wrong-7783')]) {
    expect(everything).not.toContain(encoded.slice(6));
    expect(logged).not.toContain(encoded.slice(6));
  }
});
});
