import { validate } from '@readme/openapi-parser';
import { createWebhook } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { OPERATIONAL_EVENT_TYPES } from '../../src/domain/operational-events';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, env: { DISPATCHER_ENABLED: 'false' } });
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown) => stack.http.post(path).set(stack.auth).send(body as object);
const publish = (type: string, data: unknown) => post('/v1/events', { type, data });
const countEvents = async () => (await stack.api.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n as number;

const paymentSchema = {
  type: 'object',
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'number', minimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    customer: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
  },
  additionalProperties: false,
};

describe('event types with schemas', () => {
  beforeAll(async () => {
    const res = await post('/v1/event-types', { name: 'payment.succeeded', description: 'A payment went through', schema: paymentSchema });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'payment.succeeded', builtin: false, deprecated: false, archived_at: null, schema: paymentSchema });
  });

  it('accepts an event whose data matches', async () => {
    expect((await publish('payment.succeeded', { amount: 12.5, currency: 'EUR', customer: { email: 'a@b.co' } })).status).toBe(202);
  });

  it('refuses one that does not with 422, naming each failing path and why, storing nothing', async () => {
    const before = await countEvents();
    const res = await publish('payment.succeeded', { amount: -1, customer: { email: 'nope' }, colour: 'red' });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'body.data/currency', message: 'is required' },
        { path: 'body.data/amount', message: 'must be >= 0' },
        { path: 'body.data/customer/email', message: 'must match format "email"' },
        { path: 'body.data', message: 'must NOT have additional properties' },
      ]),
    );
    expect(await countEvents()).toBe(before);
  });

  it('refuses a schema that is not a valid JSON Schema', async () => {
    const res = await post('/v1/event-types', { name: 'broken.schema', description: '', schema: { type: 'objekt' } });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].path).toBe('body.schema');
    expect((await stack.http.get('/v1/event-types/broken.schema').set(stack.auth)).status).toBe(404);
  });

  it('changes a schema, archives a type, and keeps built-ins read-only', async () => {
    await post('/v1/event-types', { name: 'order.placed', description: 'v1', schema: { type: 'object', required: ['id'] } }).expect(201);
    expect((await publish('order.placed', {})).status).toBe(422);
    const patched = await stack.http.patch('/v1/event-types/order.placed').set(stack.auth).send({ schema: null, deprecated: true });
    expect(patched.body).toMatchObject({ schema: null, deprecated: true });
    expect((await publish('order.placed', {})).status).toBe(202);
    expect((await stack.http.delete('/v1/event-types/order.placed').set(stack.auth)).status).toBe(204);
    expect((await stack.http.get('/v1/event-types/order.placed').set(stack.auth)).body.archived_at).not.toBeNull();
    const listed = (await stack.http.get('/v1/event-types').set(stack.auth)).body.results.map((t: any) => t.name);
    expect(listed.slice(0, 3)).toEqual(['webhook.test', 'SyncAccount', 'SyncError']);
    expect(listed).not.toContain('order.placed');

    for (const res of [
      await post('/v1/event-types', { name: 'SyncError', description: 'mine' }),
      await stack.http.patch('/v1/event-types/webhook.test').set(stack.auth).send({ description: 'x' }),
      await stack.http.delete('/v1/event-types/SyncAccount').set(stack.auth),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('builtin_event_type');
    }
  });

  it('checks the engine’s own types against their contracts’ exact schemas', async () => {
    const bad = await publish('SyncAccount', { hook: 'SyncAccount', user: { id: 'u' }, account: { id: 'a', provider: 'demo' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([{ path: 'body.data/user/loginName', message: 'is required' }]);
    const wrongError = await publish('SyncError', { hook: 'SyncError', user: { id: 'u', loginName: 'l' }, account: { id: 'a', provider: 'demo' }, error: 'Oops' });
    expect(wrongError.status).toBe(422);
  });
});

describe('strict mode', () => {
  afterAll(() => stack.http.patch('/v1/settings').set(stack.auth).send({ strict_event_types: false }));

  it('refuses unknown and archived types while on, and accepts them again when off', async () => {
    expect((await stack.http.get('/v1/settings').set(stack.auth)).body).toEqual({ strict_event_types: false, default_profile: 'standard', retention_days: null });
    expect((await publish('never.declared', {})).status).toBe(202);
    expect((await stack.http.patch('/v1/settings').set(stack.auth).send({ strict_event_types: true })).body).toEqual({
      strict_event_types: true,
      default_profile: 'standard',
      retention_days: null,
    });
    const refused = await publish('never.declared', {});
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toBe('body.type: unknown event type "never.declared"; this tenant accepts catalogue types only');
    expect((await publish('order.placed', {})).status).toBe(422); // archived above
    expect((await publish('payment.succeeded', { amount: 1, currency: 'USD' })).status).toBe(202);
    expect((await publish('webhook.test', { webhook_id: '00000000-0000-4000-8000-000000000000', message: 'hi' })).status).toBe(202);
  });
});

describe('prefix wildcards', () => {
  it('`accounts.*` takes every type under accounts., and nothing else', async () => {
    const hook = await createWebhook(stack, { url: 'https://hooks.invalid/in', events: ['accounts.*'] });
    const target = async (type: string) => (await publish(type, {})).body.deliveries.some((d: any) => d.webhook_id === hook.id);
    expect(await target('accounts.updated')).toBe(true);
    expect(await target('accounts.connected.v2')).toBe(true);
    expect(await target('accounts')).toBe(false);
    expect(await target('accountsx.updated')).toBe(false);
    expect(await target('billing.accounts.updated')).toBe(false);
    const bad = await post('/v1/webhooks', { name: 'x', url: 'https://hooks.invalid/in', events: ['accounts*'] });
    expect(bad.status).toBe(422);
  });
});

describe('the OpenAPI webhooks section', () => {
  it('lists every built-in type and the tenant’s own, with body schemas and signature headers, and validates', async () => {
    await post('/v1/event-types', { name: 'invoice.paid', description: 'An invoice was paid', schema: { type: 'object', required: ['invoice_id'] } }).expect(201);
    const doc = (await stack.http.get('/openapi.json').set(stack.auth)).body;
    expect(Object.keys(doc.webhooks)).toEqual(expect.arrayContaining(['webhook.test', 'SyncAccount', 'SyncError', 'payment.succeeded', 'invoice.paid']));
    const entry = doc.webhooks['invoice.paid'].post;
    expect(entry.requestBody.content['application/json'].schema.properties.data).toMatchObject({ type: 'object', required: ['invoice_id'] });
    expect(entry.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-client-id']));
    expect(doc.webhooks.SyncAccount.post.requestBody.content['application/json'].schema.properties.hook).toEqual({ const: 'SyncAccount' });
    expect(await validate(structuredClone(doc) as never)).toEqual({ valid: true, warnings: [], specification: 'OpenAPI' });

    const anonymous = (await stack.http.get('/openapi.json')).body;
    expect(Object.keys(anonymous.webhooks)).toEqual(['webhook.test', 'SyncAccount', 'SyncError', ...OPERATIONAL_EVENT_TYPES]);
  });
});
