import { createWebhook } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';

let stack: Stack;
beforeAll(async () => {
  // No dispatcher: these tests look at what is stored when an event is accepted.
  stack = await startStack({ worker: false, env: { DISPATCHER_ENABLED: 'false' } });
});
afterAll(() => stack?.stop());

const publish = (body: unknown) => stack.http.post('/v1/events').set(stack.auth).send(body as object);
const count = async (table: 'events' | 'deliveries') =>
  (await stack.api.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

describe('accepting an event', () => {
  it('answers 202 with the event and one pending delivery per subscriber, all in the outbox', async () => {
    const a = await createWebhook(stack, { url: 'https://a.example/hook', events: ['user.created'] });
    const b = await createWebhook(stack, { url: 'https://b.example/hook', events: ['*'] });
    await createWebhook(stack, { url: 'https://c.example/hook', events: ['user.deleted'] });

    const res = await publish({ type: 'user.created', data: { id: 'u_1', email: 'a@b.c' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ type: 'user.created', data: { id: 'u_1', email: 'a@b.c' }, idempotency_key: null });
    expect(res.body.deliveries.map((d: any) => d.webhook_id).sort()).toEqual([a.id, b.id].sort());
    expect(res.body.deliveries.every((d: any) => d.status === 'pending')).toBe(true);

    const { rows } = await stack.api.pool.query('SELECT workflow_id, dispatched_at FROM deliveries WHERE event_id = $1', [res.body.id]);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.dispatched_at === null)).toBe(true);
    expect(rows.map((r) => r.workflow_id).sort()).toEqual([a.id, b.id].map((w) => `delivery-${res.body.id}-${w}`).sort());

    const fetched = await stack.http.get(`/v1/events/${res.body.id}`).set(stack.auth);
    expect(fetched.status).toBe(200);
    expect(fetched.body.deliveries).toHaveLength(2);
    // The answer is what was stored, in the same order.
    expect(fetched.body.deliveries).toEqual(res.body.deliveries);
  });

  it('gives deliveries time-ordered UUIDv7 ids made by the database at insert time', async () => {
    await createWebhook(stack, { url: 'https://v7.example/hook', events: ['v7.check'] });
    const before = Date.now();
    const res = await publish({ type: 'v7.check', data: {} });
    const after = Date.now();
    expect(res.status).toBe(202);
    const [d] = res.body.deliveries;
    expect(d.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(d.id.replace(/-/g, '').slice(0, 12), 16);
    // The database clock and this process's clock are the same machine's.
    expect(ms).toBeGreaterThanOrEqual(before - 1000);
    expect(ms).toBeLessThanOrEqual(after + 1000);
    const again = await publish({ type: 'v7.check', data: {} });
    expect(parseInt(again.body.deliveries[0].id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(ms);
  });

  it('lists deliveries by webhook and by status', async () => {
    const hook = await createWebhook(stack, { url: 'https://d.example/hook', events: ['listing.test'] });
    for (let i = 0; i < 3; i++) await publish({ type: 'listing.test', data: { i } });
    const page = await stack.http.get('/v1/deliveries').query({ webhook_id: hook.id, limit: 2 }).set(stack.auth);
    expect(page.status).toBe(200);
    expect(page.body.results).toHaveLength(2);
    expect(page.body.results.every((d: any) => d.webhook_id === hook.id && d.event_type === 'listing.test')).toBe(true);
    const rest = await stack.http.get('/v1/deliveries').query({ webhook_id: hook.id, cursor: page.body.next_cursor }).set(stack.auth);
    expect(rest.body.results).toHaveLength(1);
    const none = await stack.http.get('/v1/deliveries').query({ webhook_id: hook.id, status: 'succeeded' }).set(stack.auth);
    expect(none.body.results).toEqual([]);
    const bad = await stack.http.get('/v1/deliveries').query({ status: 'lost' }).set(stack.auth);
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/query\.status: must be one of pending, succeeded, failed, cancelled/);
  });
});

describe('idempotency', () => {
  it('returns the first event for a repeated key and stores nothing new', async () => {
    await createWebhook(stack, { url: 'https://e.example/hook', events: ['pay.done'] });
    const body = { type: 'pay.done', data: { amount: 10, currency: 'EUR' }, idempotency_key: 'pay-123' };
    const first = await publish(body);
    const [events, deliveries] = [await count('events'), await count('deliveries')];

    const again = await publish({ ...body, data: { currency: 'EUR', amount: 10 } });
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.deliveries).toEqual(first.body.deliveries);
    expect([await count('events'), await count('deliveries')]).toEqual([events, deliveries]);
  });

  it('refuses a repeated key with a different event', async () => {
    await publish({ type: 'pay.done', data: { amount: 10 }, idempotency_key: 'pay-456' });
    const events = await count('events');
    const res = await publish({ type: 'pay.done', data: { amount: 11 }, idempotency_key: 'pay-456' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'idempotency_key_reused', message: 'idempotency_key "pay-456" was already used for a different event' });
    expect(await count('events')).toBe(events);
  });

  it('stores one event when the same key arrives concurrently', async () => {
    await createWebhook(stack, { url: 'https://f.example/hook', events: ['race.test'] });
    const body = { type: 'race.test', data: { n: 1 }, idempotency_key: 'race-1' };
    const results = await Promise.all(Array.from({ length: 8 }, () => publish(body)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const stored = await stack.api.pool.query(
      `SELECT count(DISTINCT e.id)::int AS events, count(d.id)::int AS deliveries
       FROM events e LEFT JOIN deliveries d ON d.event_id = e.id WHERE e.idempotency_key = 'race-1'`,
    );
    expect(stored.rows[0]).toEqual({ events: 1, deliveries: results[0]!.body.deliveries.length });
  });
});

describe('refusing bad events, storing nothing', () => {
  it.each([
    ['no type', { data: {} }, /body\.type/],
    ['a type with spaces', { type: 'a b', data: {} }, /body\.type: must be 1-128 letters/],
    ['"*" as a type', { type: '*', data: {} }, /body\.type/],
    ['data that is not an object', { type: 'a.b', data: [1, 2] }, /body\.data: must be a JSON object/],
    ['data missing', { type: 'a.b' }, /body\.data/],
    ['an unknown field', { type: 'a.b', data: {}, priority: 'high' }, /unknown field: priority/],
    ['an empty idempotency key', { type: 'a.b', data: {}, idempotency_key: '' }, /body\.idempotency_key/],
  ])('answers %s with 422', async (_label, body, message) => {
    const before = [await count('events'), await count('deliveries')];
    const res = await publish(body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(message);
    expect([await count('events'), await count('deliveries')]).toEqual(before);
  });

  it('answers an oversized event with 413', async () => {
    const res = await publish({ type: 'a.b', data: { blob: 'x'.repeat(256 * 1024) } });
    expect(res.status).toBe(413);
  });

  it('answers non-UUID and unknown ids on events and deliveries', async () => {
    expect((await stack.http.get('/v1/events/xyz').set(stack.auth)).status).toBe(400);
    expect((await stack.http.get('/v1/deliveries/xyz').set(stack.auth)).status).toBe(400);
    expect((await stack.http.get('/v1/events/00000000-0000-4000-8000-000000000000').set(stack.auth)).status).toBe(404);
    expect((await stack.http.get('/v1/deliveries/00000000-0000-4000-8000-000000000000').set(stack.auth)).status).toBe(404);
  });
});
