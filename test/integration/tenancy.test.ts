import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { appRoutes } from '../support/app-routes';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

const ADMIN_KEY = 'admin-key-for-tests-0123456789';
let stack: Stack;
let receiver: Receiver;
let other: { tenant: { id: string; client_id: string }; key: string };

beforeAll(async () => {
  stack = await startStack({ env: { ADMIN_API_KEY: ADMIN_KEY } });
  receiver = await Receiver.start();
  const res = await stack.http.post('/v1/tenants').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'Other Co', client_id: 'other-co' });
  expect(res.status).toBe(201);
  other = { tenant: res.body.tenant, key: res.body.api_key.key };
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

const asOther = () => ({ Authorization: `Bearer ${other.key}` });

describe('tenants and keys', () => {
  it('only the admin key creates tenants', async () => {
    const body = { name: 'Nope' };
    expect((await stack.http.post('/v1/tenants').send(body)).status).toBe(401);
    expect((await stack.http.post('/v1/tenants').set(stack.auth).send(body)).status).toBe(401);
    expect((await stack.http.post('/v1/tenants').set(asOther()).send(body)).status).toBe(401);
    const dup = await stack.http.post('/v1/tenants').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'Again', client_id: 'other-co' });
    expect(dup.status).toBe(409);
    expect(other.tenant.client_id).toBe('other-co');
    expect(other.key).toMatch(/^hk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
  });

  it('shows a key once, lists it by prefix, stores only its hash, and revokes it', async () => {
    const created = await stack.http.post('/v1/api-keys').set(asOther()).send({ name: 'ci' });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key.startsWith(`hk_${created.body.prefix}_`)).toBe(true);

    const listed = await stack.http.get('/v1/api-keys').set(asOther());
    expect(listed.body.results.map((k: any) => k.prefix)).toContain(created.body.prefix);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const { rows } = await stack.api.pool.query('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    expect(rows[0].key_hash.toString('hex')).not.toContain(Buffer.from(key).toString('hex'));

    expect((await stack.http.get('/v1/webhooks').set('Authorization', `Bearer ${key}`)).status).toBe(200);
    expect((await stack.http.delete(`/v1/api-keys/${created.body.id}`).set(asOther())).status).toBe(204);
    await waitFor(async () => (await stack.http.get('/v1/webhooks').set('Authorization', `Bearer ${key}`)).status === 401, {
      timeoutMs: 15_000,
      message: 'the revoked key to be refused',
    });
  });

  it("sends each tenant's own x-client-id", async () => {
    await createWebhook(stack, { url: receiver.url, events: ['client.id'] });
    const theirs = await stack.http.post('/v1/webhooks').set(asOther()).send({ name: 'o', url: receiver.url, events: ['client.id'] });
    expect(theirs.status).toBe(201);
    const mine = await publishEvent(stack, { type: 'client.id', data: { who: 'default' } });
    const their = await stack.http.post('/v1/events').set(asOther()).send({ type: 'client.id', data: { who: 'other' } });
    expect(mine.deliveries).toHaveLength(1);
    expect(their.body.deliveries).toHaveLength(1);
    await waitForFinalDelivery(stack, mine.deliveries[0]!.id);
    await receiver.waitForRequests(2);
    const byWho = Object.fromEntries(receiver.requests.map((r) => [JSON.parse(r.body).data.who, r.headers['x-client-id']]));
    expect(byWho).toEqual({ default: 'default', other: 'other-co' });
  });
});

describe("another tenant's resources", () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const hook = await createWebhook(stack, { url: receiver.url, events: ['isolation'] });
    const event = await publishEvent(stack, { type: 'isolation', data: {} });
    const user = await stack.http.post('/v1/users').set(stack.auth).send({ login_name: 'isolated@example.com' });
    const account = await stack.http.post('/v1/accounts').set(stack.auth).send({ user_id: user.body.id, provider: 'demo' });
    const key = await stack.http.post('/v1/api-keys').set(stack.auth).send({});
    await stack.http.post('/v1/event-types').set(stack.auth).send({ name: 'isolated.type', description: 'mine' }).expect(201);
    await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    Object.assign(ids, {
      webhook: hook.id,
      event: event.id,
      delivery: event.deliveries[0]!.id,
      user: user.body.id,
      account: account.body.id,
      apiKey: key.body.id,
    });
  });

  /** Every route that names a resource, with the resource of the default tenant. */
  const routes = (): Array<[string, string, object?]> => [
    ['get', `/v1/webhooks/${ids.webhook}`],
    ['patch', `/v1/webhooks/${ids.webhook}`, { name: 'stolen' }],
    ['delete', `/v1/webhooks/${ids.webhook}`],
    ['post', `/v1/webhooks/${ids.webhook}/test`],
    ['post', `/v1/webhooks/${ids.webhook}/pause`],
    ['post', `/v1/webhooks/${ids.webhook}/resume`],
    ['post', `/v1/webhooks/${ids.webhook}/disable`],
    ['post', `/v1/webhooks/${ids.webhook}/enable`],
    ['post', `/v1/webhooks/${ids.webhook}/recover`, { since: '2020-01-01' }],
    ['post', `/v1/webhooks/${ids.webhook}/secret/rotate`],
    ['get', `/v1/events/${ids.event}`],
    ['delete', `/v1/events/${ids.event}/payload`],
    ['get', `/v1/deliveries/${ids.delivery}`],
    ['post', `/v1/deliveries/${ids.delivery}/retry`],
    ['post', `/v1/deliveries/${ids.delivery}/retry-now`],
    ['post', `/v1/deliveries/${ids.delivery}/cancel`],
    ['get', `/v1/deliveries/${ids.delivery}/request`],
    ['get', `/v1/users/${ids.user}`],
    ['get', `/v1/accounts/${ids.account}`],
    ['delete', `/v1/accounts/${ids.account}`],
    ['post', `/v1/accounts/${ids.account}/sync`],
    ['post', `/v1/accounts/${ids.account}/reconnect`],
    ['delete', `/v1/api-keys/${ids.apiKey}`],
    ['get', '/v1/event-types/isolated.type'],
    ['patch', '/v1/event-types/isolated.type', { description: 'stolen' }],
    ['delete', '/v1/event-types/isolated.type'],
  ];

  it('answers 404 on every route that names one, as if it did not exist, and changes nothing', async () => {
    const before = await stack.http.get(`/v1/webhooks/${ids.webhook}`).set(stack.auth);
    for (const [method, path, body] of routes()) {
      const res = await (stack.http as any)[method](path).set(asOther()).send(body ?? {});
      expect([path, method, res.status, res.body.error?.code]).toEqual([path, method, 404, 'not_found']);
    }
    const after = await stack.http.get(`/v1/webhooks/${ids.webhook}`).set(stack.auth);
    expect(after.body).toEqual(before.body);
    expect((await stack.http.get(`/v1/accounts/${ids.account}`).set(stack.auth)).status).toBe(200);
    expect((await stack.http.get('/v1/api-keys').set(stack.auth)).body.results.map((k: any) => k.id)).toContain(ids.apiKey);
  });

  /** Admin routes that name a tenant: no tenant's key reaches them, another's or its own. */
  const adminRoutes = (): Array<[string, string, object?]> => [['patch', `/v1/tenants/${other.tenant.id}`, { egress_proxy_url: 'http://proxy.internal:3128' }]];

  it('answers 401 to tenant keys on admin routes that name a tenant, and changes nothing', async () => {
    for (const [method, path, body] of adminRoutes()) {
      for (const auth of [asOther(), stack.auth]) {
        const res = await (stack.http as any)[method](path).set(auth).send(body ?? {});
        expect([path, method, res.status, res.body.error?.code]).toEqual([path, method, 401, 'unauthorized']);
      }
    }
    const { rows } = await stack.api.pool.query('SELECT count(*)::int AS n FROM tenants WHERE egress_proxy_sealed IS NOT NULL');
    expect(rows[0].n).toBe(0);
  });

  it('covers every route with an :id in the API', () => {
    const registered = appRoutes(stack.api.app).filter((route) => route.includes(' /v1/') && (route.includes(':id') || route.includes(':name')));
    const walked = [...routes(), ...adminRoutes()].map(([m, p]) => `${m.toUpperCase()} ${p.replace(/[0-9a-f-]{36}/, ':id').replace('isolated.type', ':name')}`);
    expect(registered.filter((r) => !walked.includes(r))).toEqual([]);
  });

  it('never lists them, nor fans out to them', async () => {
    for (const path of ['/v1/webhooks', '/v1/deliveries', '/v1/accounts', '/v1/api-keys', '/v1/event-types']) {
      const res = await stack.http.get(path).set(asOther());
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(new RegExp([...Object.values(ids), 'isolated\\.type'].join('|')));
    }
    const res = await stack.http.post('/v1/events').set(asOther()).send({ type: 'isolation', data: {} });
    expect(res.body.deliveries).toEqual([]);
    const account = await stack.http.post('/v1/accounts').set(asOther()).send({ user_id: ids.user, provider: 'demo' });
    expect(account.status).toBe(422);
    const filtered = await stack.http.get('/v1/deliveries').query({ webhook_id: ids.webhook }).set(asOther());
    expect(filtered.body.results).toEqual([]);
  });
});
