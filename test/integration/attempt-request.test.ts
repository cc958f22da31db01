import { createLogger } from '../../src/logger';
import { createWebhook, getDelivery, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers, type ReceivedRequest } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/**
 * What each attempt sent, exactly (README "What was sent"): the request headers as written on the
 * wire and the answer's headers, stored per attempt, so the request shown for attempt 3 is attempt
 * 3's and not one rebuilt from the webhook's settings of today.
 */
const lines: string[] = [];
let stack: Stack;
const receivers = new Receivers();
beforeAll(async () => {
  // Attempts over a second apart, so each has its own webhook-timestamp.
  stack = await startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '1100', RETRY_MAXIMUM_ATTEMPTS: '3' }, log: createLogger('test', 'info', (line) => lines.push(line)) });
});
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});

const TOKEN = 'Bearer partner-token-8d41c7';
const ACCOUNT = 'acct-code-51f0e2';

/** The request's headers as the receiver read them, as name/value pairs in order. */
const pairs = (req: ReceivedRequest) => {
  const out: Array<{ name: string; value: string }> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) out.push({ name: req.rawHeaders[i]!, value: req.rawHeaders[i + 1]! });
  return out;
};
const requestOf = (deliveryId: string, query = '') => stack.http.get(`/v1/deliveries/${deliveryId}/request${query}`).set(stack.auth);

describe('three attempts: 500, 500, 200', () => {
  let receiver: Receiver;
  let hook: { id: string; secret: string; [k: string]: unknown };
  let deliveryId: string;

  beforeAll(async () => {
    receiver = await receivers.start(Receiver.sequence({ status: 500, body: 'no' }, { status: 500, body: 'no' }, { status: 200, headers: { 'X-Served-By': 'third' }, body: 'ok' }));
    hook = await createWebhook(stack, {
      url: receiver.url,
      events: ['recorded.three'],
      headers: { 'X-Tenant': 'blue', Authorization: { value: TOKEN, secret: true }, 'X-Account-Code': { value: ACCOUNT, secret: true } },
    });
    const event = await publishEvent(stack, { type: 'recorded.three', data: { n: 3 } });
    deliveryId = event.deliveries[0]!.id;
    const done = await waitForFinalDelivery(stack, deliveryId);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toHaveLength(3);
  });

  it('stores attempt 3’s request headers exactly as the receiver got them, secret values masked', async () => {
    const got = pairs(receiver.requests[2]!);
    const res = await requestOf(deliveryId, '?attempt=3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ source: 'attempt', attempt: 3, request_sent: true, method: 'POST', url: receiver.url, body: receiver.requests[2]!.body, note: null });
    const masked = got.map(({ name, value }) => ({ name, value: name === 'Authorization' || name === 'X-Account-Code' ? '[secret]' : value }));
    expect(res.body.headers.map((h: { name: string; value: string }) => ({ name: h.name, value: h.value }))).toEqual(masked);
    // The receiver itself got the clear values, and the signature and timestamp are among those stored.
    expect(got).toEqual(expect.arrayContaining([{ name: 'Authorization', value: TOKEN }, { name: 'X-Account-Code', value: ACCOUNT }]));
    const stored = Object.fromEntries(res.body.headers.map((h: { name: string; value: string }) => [h.name, h.value]));
    expect(stored['webhook-signature']).toBe(receiver.requests[2]!.headers['webhook-signature']);
    expect(stored['webhook-timestamp']).toBe(receiver.requests[2]!.headers['webhook-timestamp']);
    expect(res.body.headers.find((h: { name: string }) => h.name === 'Authorization')).toMatchObject({ secret: true });
    expect(res.body.response).toMatchObject({ status_code: 200, headers_truncated: false });
    expect(res.body.response.headers).toEqual(expect.arrayContaining([{ name: 'x-served-by', value: 'third' }]));
  });

  it('shows the latest attempt without ?attempt, and attempt 1 with its own timestamp and signature', async () => {
    const latest = await requestOf(deliveryId);
    expect(latest.body.attempt).toBe(3);
    const first = await requestOf(deliveryId, '?attempt=1');
    const header = (body: { headers: Array<{ name: string; value: string }> }, name: string) => body.headers.find((h) => h.name === name)?.value;
    expect(header(first.body, 'webhook-timestamp')).toBe(receiver.requests[0]!.headers['webhook-timestamp']);
    expect(header(first.body, 'webhook-timestamp')).not.toBe(header(latest.body, 'webhook-timestamp'));
    expect(header(first.body, 'webhook-signature')).not.toBe(header(latest.body, 'webhook-signature'));
    expect(first.body.response).toMatchObject({ status_code: 500 });
  });

  it('keeps what was sent when the webhook’s headers, URL and secret change afterwards', async () => {
    const before = (await requestOf(deliveryId, '?attempt=3')).body;
    const patched = await stack.http
      .patch(`/v1/webhooks/${hook.id}`)
      .set(stack.auth)
      .send({ headers: { 'X-Tenant': 'green', 'X-Other': 'new' }, url: 'https://elsewhere.invalid/hook' });
    expect(patched.status).toBe(200);
    expect((await stack.http.post(`/v1/webhooks/${hook.id}/secret/rotate`).set(stack.auth)).status).toBe(200);
    expect((await requestOf(deliveryId, '?attempt=3')).body).toEqual(before);
  });

  it('lists each attempt’s response headers on the delivery', async () => {
    const d = await getDelivery(stack, deliveryId);
    expect(d.attempts.map((a: { request_sent: boolean }) => a.request_sent)).toEqual([true, true, true]);
    expect(d.attempts[2].response_headers).toEqual(expect.arrayContaining([{ name: 'x-served-by', value: 'third' }]));
    expect(d.attempts[2].response_headers_truncated).toBe(false);
  });

  it('refuses an attempt it does not have (404) and an attempt that is not a number (422)', async () => {
    const missing = await requestOf(deliveryId, '?attempt=4');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('attempt_not_found');
    for (const bad of ['0', '-1', 'abc', '1.5', '99999999999']) {
      const res = await requestOf(deliveryId, `?attempt=${bad}`);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('secret custom headers', () => {
  it('never shows a secret value: GET, a GET/PATCH round trip keeps it, a PATCH replaces it', async () => {
    const receiver = await receivers.start();
    const hook = await createWebhook(stack, { url: receiver.url, events: ['secret.headers'], headers: { Authorization: { value: TOKEN, secret: true }, 'X-Plain': 'p' } });
    expect(hook.headers).toEqual({ Authorization: { secret: true }, 'X-Plain': 'p' });
    const shown = await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth);
    expect(JSON.stringify(shown.body)).not.toContain(TOKEN);
    // The headers as GET shows them, sent back: nothing changes.
    expect((await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ headers: shown.body.headers })).status).toBe(200);
    const { rows } = await stack.api.pool.query('SELECT headers, secret_headers FROM webhooks WHERE id = $1', [hook.id]);
    expect(JSON.stringify(rows[0])).not.toContain(TOKEN);
    await publishEvent(stack, { type: 'secret.headers', data: {} });
    await receiver.waitForRequests(1);
    expect(receiver.requests[0]!.headers.authorization).toBe(TOKEN);

    const replaced = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ headers: { Authorization: { value: 'Bearer second-9f2e', secret: true } } });
    expect(replaced.body.headers).toEqual({ Authorization: { secret: true } });
    await publishEvent(stack, { type: 'secret.headers', data: {} });
    await receiver.waitForRequests(2);
    expect(receiver.requests[1]!.headers.authorization).toBe('Bearer second-9f2e');
    expect(receiver.requests[1]!.headers['x-plain']).toBeUndefined();
  });

  it('masks it in the preview and keeps it out of the stored attempts and the logs', async () => {
    const receiver = await receivers.start(() => ({ status: 503 }));
    const hook = await createWebhook(stack, { url: receiver.url, events: ['secret.preview'], headers: { 'X-Account-Code': { value: ACCOUNT, secret: true } } });
    await stack.http.post(`/v1/webhooks/${hook.id}/pause`).set(stack.auth);
    const event = await publishEvent(stack, { type: 'secret.preview', data: {} });
    const preview = await requestOf(event.deliveries[0]!.id);
    expect(preview.body.source).toBe('preview');
    expect(preview.body.attempt).toBeNull();
    expect(preview.body.headers).toEqual(expect.arrayContaining([{ name: 'X-Account-Code', value: '[secret]', secret: true, note: expect.any(String) }]));
    expect(preview.body.headers.find((h: { name: string }) => h.name === 'webhook-signature').value).toBeNull();
    await stack.http.post(`/v1/webhooks/${hook.id}/resume`).set(stack.auth);
    await receiver.waitForRequests(1);
    expect(receiver.requests[0]!.headers['x-account-code']).toBe(ACCOUNT);
    await waitFor(async () => (await getDelivery(stack, event.deliveries[0]!.id)).attempts.length > 0, { message: 'the attempt to be stored' });
    const { rows } = await stack.api.pool.query('SELECT count(*)::int AS n FROM attempts WHERE request_headers::text LIKE $1', [`%${ACCOUNT}%`]);
    expect(rows[0].n).toBe(0);
    const { rows: all } = await stack.api.pool.query('SELECT count(*)::int AS n FROM attempts WHERE request_headers::text LIKE $1', ['%[secret]%']);
    expect(all[0].n).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(ACCOUNT);
    expect(lines.join('')).not.toContain('partner-token-8d41c7');
  });

  it('names the per-attempt headers of the webhook’s profile in a preview, under assetsup and asset too', async () => {
    for (const [profile, name, note] of [
      ['assetsup', 'x-assetsup-signature', 'profile assetsup'],
      ['asset', 'asset-signature', 'profile asset'],
    ] as const) {
      const type = `preview.${profile}`;
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: profile, url: 'https://hooks.invalid/p', events: [type], profile });
      expect(res.status).toBe(201);
      await stack.http.post(`/v1/webhooks/${res.body.id}/pause`).set(stack.auth);
      const event = await publishEvent(stack, { type, data: {} });
      const preview = (await requestOf(event.deliveries[0]!.id)).body;
      expect(preview.source).toBe('preview');
      expect(preview.headers.find((h: { name: string }) => h.name === name)).toEqual({ name, value: null, note: expect.stringContaining(note), secret: false });
    }
  });

  it('refuses a secret without a value where it has none to keep, and bad shapes, storing nothing', async () => {
    const created = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'x', url: 'https://hooks.invalid/x', events: ['*'], headers: { Authorization: { secret: true } } });
    expect(created.status).toBe(422);
    expect(created.body.error.details).toEqual([{ path: 'body.headers.Authorization', message: expect.stringMatching(/no secret value to keep/) }]);
    for (const value of [{ value: 'x', secret: false }, { value: 5, secret: true }, { value: 'x' }, { value: 'a\nb', secret: true }, { value: 'x', secret: true, extra: 1 }]) {
      const res = await stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'x', url: 'https://hooks.invalid/x', events: ['*'], headers: { 'X-A': value } });
      expect(res.status).toBe(422);
    }
    const hook = await createWebhook(stack, { url: 'https://hooks.invalid/x', events: ['none'], headers: { 'X-Plain': 'p' } });
    const keep = await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ headers: { 'X-Plain': { secret: true } } });
    expect(keep.status).toBe(422);
    expect((await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body.headers).toEqual({ 'X-Plain': 'p' });
  });
});

describe('what is stored for each kind of attempt', () => {
  it('bounds response headers at 8 KB, keeping whole headers in order and marking the cut', async () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 12; i++) big[`x-big-${String(i).padStart(2, '0')}`] = String(i % 10).repeat(1000);
    const receiver = await receivers.start(() => ({ status: 200, headers: big, body: 'ok' }));
    await createWebhook(stack, { url: receiver.url, events: ['big.headers'] });
    const event = await publishEvent(stack, { type: 'big.headers', data: {} });
    const done = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    const headers: Array<{ name: string; value: string }> = done.attempts[0].response_headers;
    expect(done.attempts[0].response_headers_truncated).toBe(true);
    const size = headers.reduce((n, h) => n + Buffer.byteLength(h.name) + Buffer.byteLength(h.value) + 4, 0);
    expect(size).toBeLessThanOrEqual(8192);
    const kept = headers.filter((h) => h.name.startsWith('x-big-'));
    expect(kept.length).toBeGreaterThanOrEqual(6);
    expect(kept.length).toBeLessThan(12);
    kept.forEach((h, i) => expect(h).toEqual({ name: `x-big-${String(i).padStart(2, '0')}`, value: String(i % 10).repeat(1000) }));
    const shown = await requestOf(done.id);
    expect(shown.body.response.headers_truncated).toBe(true);
  });

  it('keeps the request of a timed-out attempt, with no answer', async () => {
    const receiver = await receivers.start(() => ({ status: 200, delayMs: 3000 }));
    const hook = await createWebhook(stack, { url: receiver.url, events: ['slow.one'] });
    expect((await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ timeout_ms: 1000, max_attempts: 1 })).status).toBe(200);
    const event = await publishEvent(stack, { type: 'slow.one', data: {} });
    const done = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(done.attempts[0]).toMatchObject({ request_sent: true, response_headers: null, status_code: null });
    const shown = (await requestOf(done.id, '?attempt=1')).body;
    expect(shown.response).toBeNull();
    expect(shown.headers.map((h: { name: string; value: string }) => ({ name: h.name, value: h.value }))).toEqual(pairs(receiver.requests[0]!));
  });

  it('records that nothing went out for an attempt refused before sending', async () => {
    const hook = await createWebhook(stack, { url: 'https://hooks.invalid/x', events: ['refused.one'] });
    // As if the stored URL now pointed into a private network.
    await stack.api.pool.query('UPDATE webhooks SET url = $2 WHERE id = $1', [hook.id, 'http://10.0.0.1/hook']);
    const event = await publishEvent(stack, { type: 'refused.one', data: {} });
    const done = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(done.attempts[0]).toMatchObject({ request_sent: false, response_headers: null });
    const shown = (await requestOf(done.id, '?attempt=1')).body;
    expect(shown).toMatchObject({ source: 'attempt', request_sent: false, headers: [], response: null, url: 'http://10.0.0.1/hook', note: expect.stringMatching(/^Refused before sending: no request went out/) });
  });

  it('says so for an attempt recorded before requests were stored', async () => {
    const receiver = await receivers.start();
    await createWebhook(stack, { url: receiver.url, events: ['old.one'] });
    const event = await publishEvent(stack, { type: 'old.one', data: {} });
    const done = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    // An attempt row as the engine stored them before this change.
    await stack.api.pool.query('UPDATE attempts SET request_sent = NULL, request_url = NULL, request_headers = NULL, response_headers = NULL WHERE delivery_id = $1', [done.id]);
    const shown = (await requestOf(done.id, '?attempt=1')).body;
    expect(shown).toMatchObject({ source: 'not_recorded', attempt: 1, request_sent: null, headers: [], url: null, body: receiver.requests[0]!.body, note: expect.stringMatching(/before the engine stored/) });
    expect((await getDelivery(stack, done.id)).attempts[0]).toMatchObject({ request_sent: null, response_headers: null });
  });

  it('erases the stored signature with the payload, keeping the other headers', async () => {
    const receiver = await receivers.start();
    await createWebhook(stack, { url: receiver.url, events: ['erased.one'] });
    const event = await publishEvent(stack, { type: 'erased.one', data: { card: '4242' } });
    const done = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect((await stack.http.delete(`/v1/events/${event.id}/payload`).set(stack.auth)).status).toBe(204);
    const shown = (await requestOf(done.id, '?attempt=1')).body;
    const byName = Object.fromEntries(shown.headers.map((h: { name: string; value: string }) => [h.name, h.value]));
    expect(byName['webhook-signature']).toBe('[erased]');
    expect(byName['webhook-timestamp']).toBe(receiver.requests[0]!.headers['webhook-timestamp']);
    expect(shown.body).toBeNull();
    expect(shown.headers.map((h: { name: string }) => h.name)).toEqual(pairs(receiver.requests[0]!).map((h) => h.name));
  });
});
