import { lookup } from 'node:dns/promises';
import { createLogger } from '../../src/logger';
import { hostname } from 'node:os';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { ForwardProxy } from '../support/forward-proxy';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/** A name (not an IP literal, not `localhost`) this machine resolves to loopback only: a private target by name. */
async function loopbackName(): Promise<string> {
  for (const name of [hostname(), 'localhost']) {
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (addresses.length > 0 && addresses.every((a) => a.address.startsWith('127.'))) return name;
  }
  throw new Error('no name on this machine resolves to 127.0.0.0/8 only (see /etc/hosts)');
}

let receiver: Receiver;
let proxy: ForwardProxy;
/** Through the proxy, with loopback receivers allowed (the harness's ALLOW_PRIVATE_TARGETS). */
let stack: Stack;
/** Through the same proxy, with no private target allowed. */
let strict: Stack;
let name: string;
const lines: string[] = [];
const ADMIN_API_KEY = 'admin-key-for-egress-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_API_KEY}` };
const port = () => Number(new URL(receiver.url).port);

beforeAll(async () => {
  name = await loopbackName();
  receiver = await Receiver.start();
  // The proxy reaches targets from 127.0.0.3: a request seen from there came through it.
  // With credentials: the worker must send them, and never log or show them.
  proxy = await ForwardProxy.start({ connectPorts: [port()], bind: '127.0.0.3', basicAuth: { user: 'worker', password: 'shared-pass-5150' } });
  stack = await startStack({ env: { EGRESS_PROXY_URL: proxy.url, EGRESS_LOCAL_ADDRESS: '127.0.0.2', ADMIN_API_KEY }, log: createLogger('test', 'info', (line) => lines.push(line)) });
  strict = await startStack({ env: { EGRESS_PROXY_URL: proxy.url, ALLOW_PRIVATE_TARGETS: undefined } });
});
afterAll(async () => {
  await strict?.stop();
  await stack?.stop();
  await proxy?.remove();
  await receiver?.stop();
});

describe('deliveries through EGRESS_PROXY_URL', () => {
  it('arrive through the proxy, which was asked to CONNECT to the checked address, the name kept for Host', async () => {
    const hook = await createWebhook(stack, { url: `http://${name}:${port()}/hook`, events: ['proxied.one'] });
    const event = await publishEvent(stack, { type: 'proxied.one', data: { n: 1 } });
    const delivery = await waitForFinalDelivery(stack, event.deliveries.find((d) => d.webhook_id === hook.id)!.id);
    expect(delivery.status).toBe('succeeded');
    const [req] = await receiver.waitForRequests(1);
    expect(req!.remoteAddress).toBe('127.0.0.3');
    expect(req!.headers.host).toBe(`${name}:${port()}`);
    expect(JSON.parse(req!.body)).toMatchObject({ type: 'proxied.one' });
    expect(await proxy.connects()).toContain(`127.0.0.1:${port()}`);
    expect((await proxy.connects()).some((c) => c.startsWith(`${name}:`))).toBe(false);
    // The worker reached the proxy from EGRESS_LOCAL_ADDRESS.
    expect(await proxy.log()).toMatch(/Connect \(file descriptor \d+\): 127\.0\.0\.2\b/);
  });

  it('go through CONNECT for http targets too: no plain proxy request (GET/POST http://...) is ever made', async () => {
    expect((await proxy.connects()).length).toBeGreaterThan(0);
    expect(await proxy.log()).not.toMatch(/Request \(file descriptor \d+\): (GET|POST) /);
  });

  it('keep refusing private targets behind the proxy: a name resolving to loopback fails, with no CONNECT and nothing received', async () => {
    const hook = await strict.http.post('/v1/webhooks').set(strict.auth).send({ name: 'x', url: 'https://hooks.invalid/in', events: ['proxied.inside'] });
    expect(hook.status).toBe(201);
    // As if the name had rebound to loopback after creation.
    await strict.api.pool.query('UPDATE webhooks SET url = $2 WHERE id = $1', [hook.body.id, `http://${name}:${port()}/inside`]);
    const connectsBefore = (await proxy.connects()).length;
    const receivedBefore = receiver.requests.length;
    const event = await publishEvent(strict, { type: 'proxied.inside', data: {} });
    const delivery = await waitForFinalDelivery(strict, event.deliveries.find((d) => d.webhook_id === hook.body.id)!.id);
    expect(delivery).toMatchObject({ status: 'failed', last_error: expect.stringMatching(new RegExp(`^target refused: ${name} resolves to 127\\.\\d+\\.\\d+\\.\\d+, which is not a public address$`)) });
    expect(delivery.attempts).toEqual([expect.objectContaining({ status: 'failed', status_code: null })]);
    expect((await proxy.connects()).length).toBe(connectsBefore);
    expect(receiver.requests.length).toBe(receivedBefore);
  });

  it('are retried with proxy_unavailable while the proxy is down, and never sent direct', async () => {
    await proxy.stop();
    try {
      const hook = await createWebhook(stack, { url: receiver.url, events: ['proxied.down'] });
      const receivedBefore = receiver.requests.length;
      const event = await publishEvent(stack, { type: 'proxied.down', data: {} });
      const delivery = await waitForFinalDelivery(stack, event.deliveries.find((d) => d.webhook_id === hook.id)!.id);
      const reason = `connection failed: proxy_unavailable: ECONNREFUSED 127.0.0.1:${proxy.port}`;
      // RETRY_MAXIMUM_ATTEMPTS is 3 in tests: every one of them tried the proxy.
      expect(delivery).toMatchObject({ status: 'failed', last_error: reason });
      expect(delivery.attempts).toHaveLength(3);
      for (const attempt of delivery.attempts) expect(attempt).toMatchObject({ status: 'failed', error: reason, status_code: null });
      expect(receiver.requests.length).toBe(receivedBefore);
    } finally {
      await proxy.start();
    }
  });

  it('are retried with the proxy\'s answer when it refuses the CONNECT', async () => {
    // A receiver on a port the proxy does not CONNECT to: tinyproxy answers 403.
    const elsewhere = await Receiver.start();
    try {
      const hook = await createWebhook(stack, { url: elsewhere.url, events: ['proxied.refused'] });
      const event = await publishEvent(stack, { type: 'proxied.refused', data: {} });
      const delivery = await waitForFinalDelivery(stack, event.deliveries.find((d) => d.webhook_id === hook.id)!.id);
      expect(delivery.status).toBe('failed');
      expect(delivery.attempts).toHaveLength(3);
      expect(delivery.last_error).toMatch(/^connection failed: proxy_unavailable: proxy answered 403\b/);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.stop();
    }
  });

  it("go through the tenant's own proxy once the admin key sets one, and back through EGRESS_PROXY_URL once it is removed", async () => {
    const own = await ForwardProxy.start({ connectPorts: [port()], basicAuth: { user: 'tenant-a', password: 'proxy-pass-4711' } });
    try {
      const created = await stack.http.post('/v1/tenants').set(admin).send({ name: 'behind its own proxy' });
      expect(created.status).toBe(201);
      const tenantAuth = { Authorization: `Bearer ${created.body.api_key.key}` };
      const set = await stack.http.patch(`/v1/tenants/${created.body.tenant.id}`).set(admin).send({ egress_proxy_url: own.url });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ id: created.body.tenant.id, name: 'behind its own proxy', client_id: created.body.tenant.client_id, egress_proxy: { origin: `http://127.0.0.1:${own.port}` } });
      expect(JSON.stringify(set.body)).not.toContain('proxy-pass-4711');
      // Sealed at rest: the password is not in the row.
      const { rows } = await stack.api.pool.query('SELECT egress_proxy_sealed FROM tenants WHERE id = $1', [created.body.tenant.id]);
      expect(rows[0].egress_proxy_sealed).toMatch(/^v1:/);
      expect(rows[0].egress_proxy_sealed).not.toContain('proxy-pass');

      const hook = await stack.http.post('/v1/webhooks').set(tenantAuth).send({ name: 'x', url: receiver.url, events: ['proxied.own'] });
      expect(hook.status).toBe(201);
      const sharedBefore = (await proxy.connects()).length;
      const published = await stack.http.post('/v1/events').set(tenantAuth).send({ type: 'proxied.own', data: {} });
      expect(published.status).toBe(202);
      const deliveryId = published.body.deliveries[0].id;
      const delivery = await waitFor(
        async () => {
          const d = await stack.http.get(`/v1/deliveries/${deliveryId}`).set(tenantAuth);
          return d.body.status !== 'pending' ? d.body : undefined;
        },
        { message: 'delivery through the tenant proxy' },
      );
      expect(delivery.status).toBe('succeeded');
      // The credentials reached the proxy (it answers 401 without them); the shared proxy saw nothing.
      expect(await own.connects()).toEqual([`127.0.0.1:${port()}`]);
      expect((await proxy.connects()).length).toBe(sharedBefore);

      const removed = await stack.http.patch(`/v1/tenants/${created.body.tenant.id}`).set(admin).send({ egress_proxy_url: null });
      expect(removed.body.egress_proxy).toBeNull();
      const again = await stack.http.post('/v1/events').set(tenantAuth).send({ type: 'proxied.own', data: {} });
      await waitFor(async () => (await stack.http.get(`/v1/deliveries/${again.body.deliveries[0].id}`).set(tenantAuth)).body.status === 'succeeded', {
        message: 'delivery through the shared proxy',
      });
      expect((await proxy.connects()).length).toBe(sharedBefore + 1);
      expect(await own.connects()).toHaveLength(1);
    } finally {
      await own.remove();
    }
  });

  it('refuses a bad proxy URL without repeating it, an unknown tenant, and a tenant key', async () => {
    const tenantId = (await stack.api.pool.query('SELECT id FROM tenants LIMIT 1')).rows[0].id;
    for (const url of ['socks5://u:secret-9@proxy:1080', 'http://u:secret-9@proxy:3128/path', 'not a url secret-9']) {
      const res = await stack.http.patch(`/v1/tenants/${tenantId}`).set(admin).send({ egress_proxy_url: url });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(res.body)).not.toContain('secret-9');
    }
    const unknown = await stack.http.patch('/v1/tenants/00000000-0000-7000-8000-000000000000').set(admin).send({ egress_proxy_url: null });
    expect(unknown.status).toBe(404);
    const asTenant = await stack.http.patch(`/v1/tenants/${tenantId}`).set(stack.auth).send({ egress_proxy_url: null });
    expect(asTenant.status).toBe(401);
    const { rows } = await stack.api.pool.query('SELECT count(*)::int AS n FROM tenants WHERE egress_proxy_sealed IS NOT NULL');
    expect(rows[0].n).toBe(0);
  });

  it("logs the proxy's origin, never its credentials", () => {
    expect(proxy.url).toContain('shared-pass-5150');
    const logged = lines.join('');
    expect(logged).toContain(`"egressProxy":"http://127.0.0.1:${proxy.port}"`);
    expect(logged).toContain('"egressLocalAddress":"127.0.0.2"');
    for (const secret of ['shared-pass-5150', 'proxy-pass-4711', Buffer.from('worker:shared-pass-5150').toString('base64')]) expect(logged).not.toContain(secret);
  });
});
