import { startStack, type Stack } from '../support/harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, env: { DISPATCHER_ENABLED: 'false' } });
});
afterAll(() => stack?.stop());

const valid = { name: 'Orders', url: 'https://example.com/hooks', events: ['orders.created'] };
const create = (body: unknown) => stack.http.post('/v1/webhooks').set(stack.auth).send(body as object);
const countWebhooks = async () => (await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n as number;

describe('creating a webhook', () => {
  it('returns 201 with the webhook and a whsec_ secret, and stores the secret encrypted', async () => {
    const res = await create({ ...valid, headers: { Authorization: 'Bearer abc', 'X-Team': 'billing' } });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/webhooks/${res.body.id}`);
    expect(res.body).toMatchObject({
      name: 'Orders',
      url: 'https://example.com/hooks',
      events: ['orders.created'],
      headers: { Authorization: 'Bearer abc', 'X-Team': 'billing' },
      status: 'active',
      failure_count: 0,
      last_triggered_at: null,
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const { rows } = await stack.api.pool.query('SELECT secret_encrypted FROM webhooks WHERE id = $1', [res.body.id]);
    expect(rows[0].secret_encrypted).toMatch(/^v1:/);
    expect(rows[0].secret_encrypted).not.toContain(res.body.secret.slice('whsec_'.length));
  });

  it('never shows the secret again: not in GET, list or PATCH', async () => {
    const { body } = await create(valid);
    const got = await stack.http.get(`/v1/webhooks/${body.id}`).set(stack.auth);
    const listed = await stack.http.get('/v1/webhooks?limit=200').set(stack.auth);
    const patched = await stack.http.patch(`/v1/webhooks/${body.id}`).set(stack.auth).send({ name: 'Renamed' });
    for (const res of [got, listed, patched]) {
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain('secret');
    }
  });

  it('deduplicates the event list and accepts "*"', async () => {
    const res = await create({ ...valid, events: ['*', 'a.b', 'a.b'] });
    expect(res.status).toBe(201);
    expect(res.body.events).toEqual(['*', 'a.b']);
  });
});

describe('refusing bad input, storing nothing', () => {
  const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string, RegExp]> = [
    ['malformed JSON', () => stack.http.post('/v1/webhooks').set(stack.auth).set('Content-Type', 'application/json').send('{"name": '), 400, 'invalid_json', /not valid JSON/],
    ['an unknown field', () => create({ ...valid, colour: 'blue' }), 422, 'validation_failed', /body: unknown field: colour/],
    ['a wrong type', () => create({ ...valid, events: 'orders.created' }), 422, 'validation_failed', /body\.events/],
    ['a missing field', () => create({ name: 'x', events: ['*'] }), 422, 'validation_failed', /body\.url/],
    ['a URL that is not http(s)', () => create({ ...valid, url: 'ftp://example.com/x' }), 422, 'validation_failed', /body\.url: must be an absolute http\(s\) URL/],
    ['a URL that is not a URL', () => create({ ...valid, url: 'not a url' }), 422, 'validation_failed', /body\.url/],
    ['credentials in the URL', () => create({ ...valid, url: 'https://user:pw@example.com/' }), 422, 'validation_failed', /credentials/],
    ['an empty event list', () => create({ ...valid, events: [] }), 422, 'validation_failed', /at least one event type/],
    ['a bad event name', () => create({ ...valid, events: ['has space'] }), 422, 'validation_failed', /body\.events\.0/],
    ['a reserved header', () => create({ ...valid, headers: { 'Webhook-Signature': 'x' } }), 422, 'validation_failed', /cannot be overridden/],
    ['a header value with a line break', () => create({ ...valid, headers: { 'X-A': 'a\r\nX-B: b' } }), 422, 'validation_failed', /control characters/],
    ['a non-JSON content type', () => stack.http.post('/v1/webhooks').set(stack.auth).set('Content-Type', 'text/plain').send('hello'), 415, 'unsupported_media_type', /application\/json/],
    ['an oversized body', () => create({ ...valid, name: 'x'.repeat(300 * 1024) }), 413, 'payload_too_large', /exceeds the limit/],
    ['a JSON array body', () => create([valid]), 422, 'validation_failed', /body/],
    ['an unknown ordering', () => create({ ...valid, ordering: 'lifo' }), 422, 'validation_failed', /body\.ordering: must be one of none, fifo/],
  ];

  it.each(cases)('answers %s with a reason', async (_label, send, status, code, message) => {
    const before = await countWebhooks();
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(message);
    expect(await countWebhooks()).toBe(before);
  });

  it('answers a non-UUID id with 400 and an unknown one with 404', async () => {
    const bad = await stack.http.get('/v1/webhooks/123').set(stack.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: 'invalid_id', message: 'id must be a UUID, got "123"' });
    const missing = await stack.http.get('/v1/webhooks/00000000-0000-4000-8000-000000000000').set(stack.auth);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('requires the API key', async () => {
    const none = await stack.http.get('/v1/webhooks');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await stack.http.get('/v1/webhooks').set('Authorization', 'Bearer nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('Invalid API key');
  });

  it('answers an unknown route with a JSON 404 and a wrong method with 405', async () => {
    const route = await stack.http.get('/nope');
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('not_found');
    const method = await stack.http.put('/v1/webhooks').set(stack.auth).send({});
    expect(method.status).toBe(405);
    expect(method.body.error.code).toBe('method_not_allowed');
  });
});

describe('updating and deleting', () => {
  it('PATCH changes only the given fields and moves updated_at', async () => {
    const { body: created } = await create(valid);
    const res = await stack.http
      .patch(`/v1/webhooks/${created.id}`)
      .set(stack.auth)
      .send({ url: 'https://example.org/new', events: ['*'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Orders', url: 'https://example.org/new', events: ['*'] });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));
  });

  it('PATCH refuses an empty change, an unknown field and a bad URL', async () => {
    const { body: created } = await create(valid);
    for (const change of [{}, { secret: 'x' }, { url: 'javascript:alert(1)' }]) {
      const res = await stack.http.patch(`/v1/webhooks/${created.id}`).set(stack.auth).send(change);
      expect(res.status).toBe(422);
    }
    const after = await stack.http.get(`/v1/webhooks/${created.id}`).set(stack.auth);
    expect(after.body.url).toBe(valid.url);
  });

  it('keeps ordering: none by default, fifo when set at creation, changed back by PATCH', async () => {
    const { body: plain } = await create(valid);
    expect(plain.ordering).toBe('none');
    const { body: ordered } = await create({ ...valid, ordering: 'fifo' });
    expect(ordered.ordering).toBe('fifo');
    const changed = await stack.http.patch(`/v1/webhooks/${ordered.id}`).set(stack.auth).send({ ordering: 'none' });
    expect(changed.body.ordering).toBe('none');
    expect((await stack.http.get(`/v1/webhooks/${ordered.id}`).set(stack.auth)).body.ordering).toBe('none');
  });

  it('DELETE answers 204, then the webhook is gone', async () => {
    const { body: created } = await create(valid);
    const del = await stack.http.delete(`/v1/webhooks/${created.id}`).set(stack.auth);
    expect(del.status).toBe(204);
    expect((await stack.http.get(`/v1/webhooks/${created.id}`).set(stack.auth)).status).toBe(404);
    expect((await stack.http.delete(`/v1/webhooks/${created.id}`).set(stack.auth)).status).toBe(404);
  });
});

describe('listing', () => {
  let ids: string[];
  let stamps: string[];
  beforeAll(async () => {
    await stack.api.pool.query('UPDATE webhooks SET deleted_at = now() WHERE deleted_at IS NULL');
    ids = [];
    stamps = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await create({ ...valid, name: `w${i}` });
      ids.push(body.id);
      stamps.push(body.created_at);
    }
  });

  it('defaults to 10 newest first and pages with next_cursor', async () => {
    const first = await stack.http.get('/v1/webhooks?limit=2').set(stack.auth);
    expect(first.status).toBe(200);
    expect(first.body.results.map((w: any) => w.id)).toEqual([ids[4], ids[3]]);
    const second = await stack.http.get(`/v1/webhooks?limit=2&cursor=${first.body.next_cursor}`).set(stack.auth);
    expect(second.body.results.map((w: any) => w.id)).toEqual([ids[2], ids[1]]);
    const third = await stack.http.get(`/v1/webhooks?limit=2&cursor=${second.body.next_cursor}`).set(stack.auth);
    expect(third.body.results.map((w: any) => w.id)).toEqual([ids[0]]);
    expect(third.body.next_cursor).toBeNull();
    const all = await stack.http.get('/v1/webhooks').set(stack.auth);
    expect(all.body.results).toHaveLength(5);
  });

  it('orders by created_at and by id', async () => {
    const asc = await stack.http.get('/v1/webhooks?ordering=created_at').set(stack.auth);
    expect(asc.body.results.map((w: any) => w.id)).toEqual(ids);
    const byId = await stack.http.get('/v1/webhooks?ordering=id&limit=3').set(stack.auth);
    expect(byId.body.results.map((w: any) => w.id)).toEqual([...ids].sort().slice(0, 3));
    const next = await stack.http.get(`/v1/webhooks?ordering=id&limit=3&cursor=${byId.body.next_cursor}`).set(stack.auth);
    expect(next.body.results.map((w: any) => w.id)).toEqual([...ids].sort().slice(3));
  });

  it('filters by creation date range', async () => {
    const res = await stack.http
      .get('/v1/webhooks')
      .query({ from_created_at_date: stamps[1], to_created_at_date: stamps[3], ordering: 'created_at' })
      .set(stack.auth);
    expect(res.status).toBe(200);
    expect(res.body.results.map((w: any) => w.id)).toEqual(ids.slice(1, 4));
  });

  it.each([
    ['limit=201', /at most 200/],
    ['limit=0', /at least 1/],
    ['limit=ten', /number/],
    ['ordering=name', /must be one of id, created_at, -created_at/],
    ['from_created_at_date=yesterday', /ISO 8601/],
    ['page=2', /unknown field: page/],
  ])('refuses %s with a 4xx and a reason', async (query, message) => {
    const res = await stack.http.get(`/v1/webhooks?${query}`).set(stack.auth);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(message);
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await stack.http.get('/v1/webhooks?cursor=abc').set(stack.auth);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_cursor');
  });
});
