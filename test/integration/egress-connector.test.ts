import type { LookupAddress } from 'node:dns';
import { createHttpSender } from '../../activities/http-sender';
import { TargetPolicy } from '../../src/security/target-policy';
import { ForwardProxy } from '../support/forward-proxy';
import { Receiver } from '../support/receiver';

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
