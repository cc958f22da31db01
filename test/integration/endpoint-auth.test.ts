import { createLogger } from '../../src/logger';
import { publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { headerOf, Receiver, sameText, type ReceivedRequest } from '../support/receiver';

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
const CREDENTIALS = ['pw-basic-7781', 'tok-bearer-7782', 'pw-wrong-7783', 'tok-new-7784'];
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
