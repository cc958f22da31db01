import type { LookupAddress } from 'node:dns';
import { createHttpSender } from '../../activities/http-sender';
import { TargetPolicy } from '../../src/security/target-policy';
import { ForwardProxy } from '../support/forward-proxy';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createDispatchers } from '../../activities/egress-dispatchers';
import { createOAuth2Tokens, TokenUnavailableError } from '../../activities/oauth2-tokens';
import { Receiver } from '../support/receiver';
import { makeTestPki } from '../support/test-ca';

/** A DNS that answers from a table and counts its questions: the test decides what each name resolves to. */
function tableDns(answers: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    asked.push(host);
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, asked };
}

let receiver: Receiver;
let proxy: ForwardProxy;
const port = () => Number(new URL(receiver.url).port);
beforeAll(async () => {
  receiver = await Receiver.start();
  // Targets are reached from 127.0.0.3: what the receiver sees is the proxy's address, not the worker's.
  proxy = await ForwardProxy.start({ connectPorts: [port()], bind: '127.0.0.3' });
});
afterAll(async () => {
  await proxy?.remove();
  await receiver?.stop();
});

const send = (sender: ReturnType<typeof createHttpSender>, url: string) => sender({ url, headers: [['x-test', '1']], body: '{}', timeoutMs: 5_000 });

describe('through a forward proxy', () => {
  it('CONNECTs to the checked address, keeps the name for Host, and binds to EGRESS_LOCAL_ADDRESS', async () => {
    const dns = tableDns({ 'receiver.test': ['127.0.0.1'] });
    const policy = new TargetPolicy({ allowPrivate: ['127.0.0.1/32'], httpsOnly: false, resolve: dns.resolve });
    const sender = createHttpSender(policy, { proxyUrl: proxy.url, localAddress: '127.0.0.2' });
    const before = receiver.requests.length;
    const result = await send(sender, `http://receiver.test:${port()}/hook`);
    expect(result).toMatchObject({ kind: 'response', statusCode: 200 });
    const [req] = (await receiver.waitForRequests(before + 1)).slice(before);
    expect(req!.headers.host).toBe(`receiver.test:${port()}`);
    expect(req!.remoteAddress).toBe('127.0.0.3');
    // The proxy was asked for the address the policy checked, never for the name.
    expect(await proxy.connects()).toContain(`127.0.0.1:${port()}`);
    expect((await proxy.connects()).some((c) => c.startsWith('receiver.test'))).toBe(false);
    // The worker's side of the connection to the proxy came from the configured local address.
    expect(await proxy.log()).toMatch(/Connect \(file descriptor \d+\): 127\.0\.0\.2\b/);
    expect(dns.asked).toContain('receiver.test');
  });

  it('refuses a name that resolves to a private address before any CONNECT', async () => {
    const dns = tableDns({ 'inside.test': ['10.0.0.7'], 'loop.test': ['127.0.0.1'] });
    const policy = new TargetPolicy({ allowPrivate: [], httpsOnly: false, resolve: dns.resolve });
    const sender = createHttpSender(policy, { proxyUrl: proxy.url });
    const connectsBefore = (await proxy.connects()).length;
    const before = receiver.requests.length;
    for (const [name, address] of [['inside.test', '10.0.0.7'], ['loop.test', '127.0.0.1']]) {
      const result = await send(sender, `http://${name}:${port()}/hook`);
      expect(result).toMatchObject({ kind: 'blocked', reason: `${name} resolves to ${address}, which is not a public address`, requestHeaders: null });
    }
    expect((await proxy.connects()).length).toBe(connectsBefore);
    expect(receiver.requests.length).toBe(before);
  });

  it('checks the answer given at connect time: a name that rebinds to a private address after a public answer is refused', async () => {
    let calls = 0;
    const resolve = async (): Promise<LookupAddress[]> => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    const policy = new TargetPolicy({ allowPrivate: [], httpsOnly: false, resolve });
    // The creation-time check sees the public answer...
    await expect(policy.checkUrl(`http://rebind.test:${port()}/hook`)).resolves.toBeUndefined();
    const connectsBefore = (await proxy.connects()).length;
    // ...the connection resolves again, gets the private one, and stops there.
    const result = await send(createHttpSender(policy, { proxyUrl: proxy.url }), `http://rebind.test:${port()}/hook`);
    expect(result).toMatchObject({ kind: 'blocked', reason: 'rebind.test resolves to 127.0.0.1, which is not a public address' });
    expect((await proxy.connects()).length).toBe(connectsBefore);
  });

  it('says proxy_unavailable with the proxy\'s answer when it refuses the CONNECT', async () => {
    const other = await Receiver.start();
    try {
      const policy = new TargetPolicy({ allowPrivate: ['127.0.0.0/8'], httpsOnly: false });
      // The proxy allows CONNECT to the first receiver's port only.
      const result = await send(createHttpSender(policy, { proxyUrl: proxy.url }), other.url);
      expect(result).toMatchObject({ kind: 'connection_error', message: expect.stringMatching(/^proxy_unavailable: proxy answered 403\b/), requestHeaders: null });
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.stop();
    }
  });

  it('says proxy_unavailable with the socket error when the proxy is down, and never connects direct', async () => {
    const down = await ForwardProxy.start({ connectPorts: [port()] });
    await down.remove();
    const policy = new TargetPolicy({ allowPrivate: ['127.0.0.0/8'], httpsOnly: false });
    const before = receiver.requests.length;
    const result = await send(createHttpSender(policy, { proxyUrl: down.url }), receiver.url);
    expect(result).toMatchObject({ kind: 'connection_error', message: `proxy_unavailable: ECONNREFUSED 127.0.0.1:${down.port}`, requestHeaders: null });
    expect(receiver.requests.length).toBe(before);
  });

  it('sends Proxy-Authorization from the URL\'s credentials', async () => {
    const guarded = await ForwardProxy.start({ connectPorts: [port()], basicAuth: { user: 'hook', password: 'line-pass' } });
    try {
      const policy = new TargetPolicy({ allowPrivate: ['127.0.0.0/8'], httpsOnly: false });
      expect(await send(createHttpSender(policy, { proxyUrl: guarded.url }), receiver.url)).toMatchObject({ kind: 'response', statusCode: 200 });
      const wrong = guarded.url.replace('line-pass', 'wrong');
      const refused = await send(createHttpSender(policy, { proxyUrl: wrong }), receiver.url);
      expect(refused).toMatchObject({ kind: 'connection_error', message: expect.stringMatching(/^proxy_unavailable: proxy answered 40[17]\b/) });
      // The password is in no error.
      expect(JSON.stringify(refused)).not.toContain('wrong');
    } finally {
      await guarded.remove();
    }
  });
});

describe('without a proxy', () => {
  it('binds outgoing connections to EGRESS_LOCAL_ADDRESS', async () => {
    const policy = new TargetPolicy({ allowPrivate: ['127.0.0.0/8'], httpsOnly: false });
    const before = receiver.requests.length;
    expect(await send(createHttpSender(policy, { localAddress: '127.0.0.2' }), receiver.url)).toMatchObject({ kind: 'response', statusCode: 200 });
    const [req] = (await receiver.waitForRequests(before + 1)).slice(before);
    expect(req!.remoteAddress).toBe('127.0.0.2');
  });
});

describe('https targets and OAuth2 token endpoints through the proxy', () => {
  const pki = makeTestPki();
  const seen: Array<{ servername: string | false; cn: unknown }> = [];
  const https = createHttpsServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.clientCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const socket = req.socket as TLSSocket;
    seen.push({ servername: (socket as TLSSocket & { servername: string | false }).servername, cn: socket.getPeerCertificate().subject?.CN });
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  let tokenRequests = 0;
  const tokenEndpoint = createHttpServer((req, res) => {
    tokenRequests++;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"proxied-token","token_type":"bearer","expires_in":3600}'));
  });
  let tunnel: ForwardProxy;
  const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;
  beforeAll(async () => {
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => tokenEndpoint.listen(0, '127.0.0.1', r));
    tunnel = await ForwardProxy.start({ connectPorts: [portOf(https), portOf(tokenEndpoint)] });
  });
  afterAll(async () => {
    await tunnel?.remove();
    https.closeAllConnections();
    tokenEndpoint.closeAllConnections();
    await new Promise((r) => https.close(r));
    await new Promise((r) => tokenEndpoint.close(r));
  });

  it('tunnels TLS end to end: CONNECT to the checked address, SNI and the certificate check by name, the client certificate presented', async () => {
    const dns = tableDns({ 'receiver.test': ['127.0.0.1'] });
    const policy = new TargetPolicy({ allowPrivate: ['127.0.0.1/32'], httpsOnly: true, resolve: dns.resolve });
    const sender = createHttpSender(policy, { proxyUrl: tunnel.url });
    const result = await sender({
      url: `https://receiver.test:${portOf(https)}/hook`,
      headers: [],
      body: '{}',
      timeoutMs: 5_000,
      tls: { ca: pki.serverCa, cert: pki.client.cert, key: pki.client.key },
    });
    expect(result).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(seen).toEqual([{ servername: 'receiver.test', cn: 'hookline-client' }]);
    expect(await tunnel.connects()).toContain(`127.0.0.1:${portOf(https)}`);
  });

  it('fetches OAuth2 tokens through the proxy, and refuses a token endpoint that resolves to a private address before any CONNECT', async () => {
    const dns = tableDns({ 'tokens.test': ['127.0.0.1'], 'inside.test': ['10.1.2.3'] });
    const open = new TargetPolicy({ allowPrivate: ['127.0.0.1/32'], httpsOnly: false, resolve: dns.resolve });
    const tokens = createOAuth2Tokens({ policy: open, dispatchers: createDispatchers(open, { proxyUrl: tunnel.url }) });
    const auth = { type: 'oauth2_client_credentials' as const, token_url: `http://tokens.test:${portOf(tokenEndpoint)}/token`, client_id: 'c', client_secret: 's' };
    await expect(tokens.token(auth, {})).resolves.toBe('proxied-token');
    expect(tokenRequests).toBe(1);
    expect(await tunnel.connects()).toContain(`127.0.0.1:${portOf(tokenEndpoint)}`);

    const connectsBefore = (await tunnel.connects()).length;
    const inside = { ...auth, token_url: `http://inside.test:${portOf(tokenEndpoint)}/token` };
    const refused = await tokens.token(inside, {}).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TokenUnavailableError);
    expect(refused).toMatchObject({ blocked: true, message: expect.stringContaining('inside.test resolves to 10.1.2.3, which is not a public address') });
    expect((await tunnel.connects()).length).toBe(connectsBefore);
    expect(tokenRequests).toBe(1);
  });
});
