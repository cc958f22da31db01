import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';

/**
 * Issue 11, the webhook portal, through the API alone: the single-use link,
 * the session cookie and its flags, CSRF protection, what a portal session
 * may reach, and tenant isolation by direct calls with the cookie.
 */

const ADMIN_KEY = 'admin-key-for-portal-tests-0123456789';
/** The portal's own origin, `http://portal.test`: PUBLIC_URL, and the Host requests name. */
const HOST = 'portal.test';
const ORIGIN = `http://${HOST}`;

let stack: Stack;
let receiver: Receiver;
let other: { key: string };

beforeAll(async () => {
  stack = await startStack({ env: { ADMIN_API_KEY: ADMIN_KEY, AUTO_DISABLE_FAILURE_THRESHOLD: '-1', PUBLIC_URL: 'http://portal.test' } });
  receiver = await Receiver.start();
  const res = await stack.http.post('/v1/tenants').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'Other Co', client_id: 'portal-other' });
  expect(res.status).toBe(201);
  other = { key: res.body.api_key.key };
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

const get = (p: string) => stack.http.get(p).set('Host', HOST);

async function portalLink(auth: Record<string, string> = stack.auth, body?: object) {
  const req = stack.http.post('/v1/portal/sessions').set('Host', HOST).set(auth);
  const res = body ? await req.send(body) : await req;
  expect(res.status).toBe(201);
  const url = new URL(res.body.url);
  return { url: res.body.url as string, token: url.searchParams.get('token')!, expiresAt: res.body.expires_at as string };
}

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const value = res.headers['set-cookie'];
  return Array.isArray(value) ? value : value ? [String(value)] : [];
}

/** A signed-in portal: the cookie (as a browser would send it) and the session's CSRF token. */
async function signIn(auth: Record<string, string> = stack.auth, body?: object) {
  const link = await portalLink(auth, body);
  const opened = await get(`/portal/login?token=${link.token}`);
  expect(opened.status).toBe(303);
  const cookie = setCookies(opened)[0]!.split(';')[0]!;
  const session = await get('/v1/portal/session').set('Cookie', cookie);
  expect(session.status).toBe(200);
  return { cookie, csrf: session.body.csrf_token as string, session: session.body };
}

/** A change as the portal page sends it: cookie, CSRF token, and its own origin. */
function change(method: 'post' | 'patch' | 'delete', p: string, s: { cookie: string; csrf: string }, headers: Record<string, string> = {}) {
  let req = (stack.http as any)[method](p).set('Host', HOST).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).set('Origin', ORIGIN);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req;
}

const webhookCount = async () => Number((await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n);

describe('a portal link', () => {
  it('is made with an API key, on PUBLIC_URL whatever Host the request names, and expires in 10 minutes', async () => {
    const before = Date.now();
    const link = await portalLink();
    expect(link.url).toMatch(new RegExp(`^${ORIGIN}/portal/login\\?token=[A-Za-z0-9_-]{43}$`));
    const elsewhere = await stack.http.post('/v1/portal/sessions').set(stack.auth).set('Host', 'evil.example');
    expect(elsewhere.body.url).toMatch(new RegExp(`^${ORIGIN}/portal/login\\?token=`));
    const ttl = new Date(link.expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThan(610_000);
    expect((await stack.http.post('/v1/portal/sessions')).status).toBe(401);
  });

  it('stores only a hash of the token', async () => {
    const link = await portalLink();
    const { rows } = await stack.api.pool.query('SELECT * FROM portal_sessions WHERE link_hash = $1', [createHash('sha256').update(link.token).digest()]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(link.token);
    expect(rows[0].used_at).toBeNull();
  });

  it('opens once: the session cookie is HttpOnly, SameSite=Lax, for the whole site, with the session lifetime', async () => {
    const link = await portalLink();
    const opened = await get(`/portal/login?token=${link.token}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/portal');
    expect(opened.headers['cache-control']).toBe('no-store');
    expect(opened.headers['referrer-policy']).toBe('no-referrer');
    const [cookie, ...more] = setCookies(opened);
    expect(more).toEqual([]);
    const [pair, ...attributes] = cookie!.split('; ');
    expect(pair).toMatch(/^hookline_portal=[A-Za-z0-9_-]{43}$/);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=3600', 'Path=/', 'SameSite=Lax']);
    // The cookie is not the link's token, and the session secret is stored only as a hash.
    expect(pair!.split('=')[1]).not.toBe(link.token);
    const { rows } = await stack.api.pool.query('SELECT session_hash FROM portal_sessions WHERE link_hash = $1', [
      createHash('sha256').update(link.token).digest(),
    ]);
    expect(rows[0].session_hash).toEqual(createHash('sha256').update(pair!.split('=')[1]!).digest());

    const again = await get(`/portal/login?token=${link.token}`);
    expect(again.status).toBe(401);
    expect(again.headers['content-type']).toMatch(/^text\/html/);
    expect(again.text).toContain('Ask for a new link');
    expect(setCookies(again)).toEqual([]);
  });

  it('opens once even when two requests race with it', async () => {
    const link = await portalLink();
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(`/portal/login?token=${link.token}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 401, 401, 401, 401]);
  });

  it('gives the login page, never an error, when expired, unknown, malformed or missing', async () => {
    const expired = await portalLink();
    await stack.api.pool.query(`UPDATE portal_sessions SET link_expires_at = now() - interval '1 second' WHERE link_hash = $1`, [
      createHash('sha256').update(expired.token).digest(),
    ]);
    const unknown = 'A'.repeat(43);
    for (const query of [`?token=${expired.token}`, `?token=${unknown}`, '?token=%3Cscript%3E', `?token=${expired.token}&token=${unknown}`, '']) {
      const res = await get(`/portal/login${query}`);
      expect([query, res.status]).toEqual([query, 401]);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('Ask for a new link');
      expect(res.text).not.toMatch(/error|stack|exception/i);
    }
  });

  it("without PUBLIC_URL, is built on the listen address outside production, and refused in production: never on the request's Host", async () => {
    const dev = await startStack({ worker: false, env: { HOST: '0.0.0.0', PORT: '3999' } });
    const prod = await startStack({ worker: false, env: { NODE_ENV: 'production' } });
    try {
      const res = await dev.http.post('/v1/portal/sessions').set(dev.auth).set('Host', 'evil.example');
      expect(res.status).toBe(201);
      expect(res.body.url).toMatch(/^http:\/\/localhost:3999\/portal\/login\?token=/);
      const refused = await prod.http.post('/v1/portal/sessions').set(prod.auth).set('Host', 'evil.example');
      expect([refused.status, refused.body.error?.code]).toEqual([409, 'public_url_required']);
      expect(refused.body.error.message).toContain('PUBLIC_URL');
      expect((await prod.api.pool.query('SELECT count(*)::int AS n FROM portal_sessions')).rows[0].n).toBe(0);
    } finally {
      await Promise.all([dev.stop(), prod.stop()]);
    }
  });

  it('is built on PUBLIC_URL when set, and its cookie is Secure when that is https', async () => {
    const secure = await startStack({ worker: false, env: { PUBLIC_URL: 'https://hooks.example.com/', PORTAL_SESSION_TTL_MS: '120000' } });
    try {
      const res = await secure.http.post('/v1/portal/sessions').set(secure.auth).set('Host', HOST);
      expect(res.status).toBe(201);
      expect(res.body.url).toMatch(/^https:\/\/hooks\.example\.com\/portal\/login\?token=/);
      const opened = await secure.http.get(new URL(res.body.url).pathname + new URL(res.body.url).search);
      expect(setCookies(opened)[0]!.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=120', 'Path=/', 'SameSite=Lax', 'Secure']);
    } finally {
      await secure.stop();
    }
  });

  it('takes only read_only in its optional body', async () => {
    for (const body of [{ read_only: 'yes' }, { expires_in: 60 }, [1]]) {
      const res = await stack.http.post('/v1/portal/sessions').set(stack.auth).send(body);
      expect([body, res.status, res.body.error.code]).toEqual([body, 422, 'validation_failed']);
    }
  });
});

describe('a portal session', () => {
  it('reads the tenant’s resources through the same /v1 routes, with the cookie instead of a key', async () => {
    const hook = await createWebhook(stack, { url: receiver.url, name: 'Read by the portal', events: ['portal.read'] });
    const s = await signIn();
    expect(s.session).toEqual({
      tenant: { name: 'Default tenant', client_id: 'default' },
      expires_at: expect.any(String),
      read_only: false,
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      temporal_ui: null,
    });
    const list = await get('/v1/webhooks').set('Cookie', s.cookie);
    expect(list.status).toBe(200);
    expect(list.body.results.map((w: any) => w.id)).toContain(hook.id);
    expect((await get(`/v1/webhooks/${hook.id}`).set('Cookie', s.cookie)).body.name).toBe('Read by the portal');
    expect((await get('/v1/event-types').set('Cookie', s.cookie)).status).toBe(200);
    // The same rules: a malformed id is still a 400.
    expect((await get('/v1/webhooks/nope').set('Cookie', s.cookie)).body.error.code).toBe('invalid_id');
  });

  it('needs its CSRF token and its own origin for every change', async () => {
    const s = await signIn();
    const body = { name: 'CSRF', url: receiver.url, events: ['portal.csrf'] };
    const before = await webhookCount();
    const refused: Array<[string, Record<string, string>]> = [
      ['no token', { 'X-CSRF-Token': '' }],
      ['a wrong token', { 'X-CSRF-Token': 'x'.repeat(43) }],
      ['another origin', { Origin: 'http://evil.example' }],
      ['an origin on another port', { Origin: `${ORIGIN}:8080` }],
      ['the null origin', { Origin: 'null' }],
    ];
    for (const [why, headers] of refused) {
      const res = await change('post', '/v1/webhooks', s, headers).send(body);
      expect([why, res.status, res.body.error?.code]).toEqual([why, 403, 'csrf_failed']);
    }
    // Without Origin, Sec-Fetch-Site decides; without either, the change is refused.
    const bare = (fetchSite?: string) => {
      let req = stack.http.post('/v1/webhooks').set('Host', HOST).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
      if (fetchSite) req = req.set('Sec-Fetch-Site', fetchSite);
      return req.send(body);
    };
    expect((await bare()).status).toBe(403);
    expect((await bare('cross-site')).status).toBe(403);
    expect((await bare('same-site')).status).toBe(403);
    expect(await webhookCount()).toBe(before);

    expect((await bare('same-origin')).status).toBe(201);
    const created = await change('post', '/v1/webhooks', s).send(body);
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(await webhookCount()).toBe(before + 2);
  });

  it('leaves API key requests alone: no CSRF token or origin needed', async () => {
    const res = await stack.http.post('/v1/webhooks').set(stack.auth).set('Origin', 'http://evil.example').send({ name: 'Key', url: receiver.url, events: ['x'] });
    expect(res.status).toBe(201);
  });

  it('cannot create API keys or portal links, nor reach admin, account or publishing routes', async () => {
    const s = await signIn();
    const keysBefore = (await stack.api.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n;
    const linksBefore = (await stack.api.pool.query('SELECT count(*)::int AS n FROM portal_sessions')).rows[0].n;
    for (const [method, p, body] of [
      ['post', '/v1/api-keys', { name: 'stolen' }],
      ['post', '/v1/API-KEYS/', { name: 'case and slash' }],
      ['post', '/v1/portal/sessions', {}],
      ['post', '/v1/events', { type: 'x', data: {} }],
      ['post', '/v1/users', { login_name: 'u@example.com' }],
      ['patch', '/v1/settings', { strict_event_types: true }],
      ['post', '/v1/event-types', { name: 'portal.type' }],
    ] as const) {
      const res = await change(method, p, s).send(body);
      // Routes match case-sensitively: the upper-case spelling is no route at all.
      const refused = p === p.toLowerCase() ? [403, 'forbidden'] : [404, 'not_found'];
      expect([p, res.status, res.body.error?.code]).toEqual([p, ...refused]);
    }
    for (const p of ['/v1/api-keys', '/v1/accounts', '/v1/settings']) {
      const res = await get(p).set('Cookie', s.cookie);
      expect([p, res.status]).toEqual([p, 403]);
    }
    for (const p of ['/v1/tenants', '/v1/signing-keys/rotate']) {
      const res = await change('post', p, s).send({ name: 'x' });
      expect([p, res.status, res.body.error?.code]).toEqual([p, 401, 'unauthorized']);
    }
    expect((await stack.api.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(keysBefore);
    expect((await stack.api.pool.query('SELECT count(*)::int AS n FROM portal_sessions')).rows[0].n).toBe(linksBefore);
  });

  it('when read-only, reads but changes nothing', async () => {
    const hook = await createWebhook(stack, { url: receiver.url, events: ['portal.ro'] });
    const s = await signIn(stack.auth, { read_only: true });
    expect(s.session.read_only).toBe(true);
    expect((await get(`/v1/webhooks/${hook.id}`).set('Cookie', s.cookie)).status).toBe(200);
    const res = await change('post', `/v1/webhooks/${hook.id}/pause`, s);
    expect([res.status, res.body.error.code]).toEqual([403, 'read_only_session']);
    expect((await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body.status).toBe('active');
  });

  it('ends on sign-out, and an ended or expired session is a 401 on the API', async () => {
    const s = await signIn();
    const out = await change('delete', '/v1/portal/session', s);
    expect(out.status).toBe(204);
    expect(setCookies(out)[0]).toMatch(/^hookline_portal=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/);
    const after = await get('/v1/webhooks').set('Cookie', s.cookie);
    expect([after.status, after.body.error.code]).toEqual([401, 'unauthorized']);

    const t = await signIn();
    await stack.api.pool.query(`UPDATE portal_sessions SET session_expires_at = now() - interval '1 second' WHERE session_hash = $1`, [
      createHash('sha256').update(t.cookie.split('=')[1]!).digest(),
    ]);
    expect((await get('/v1/portal/session').set('Cookie', t.cookie)).status).toBe(401);
    // The page itself still loads: it sends the browser to the login page.
    expect((await get('/portal').set('Cookie', t.cookie)).status).toBe(200);
  });

  it('is not what an API key has', async () => {
    const res = await stack.http.get('/v1/portal/session').set(stack.auth);
    expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
  });
});

describe('revoking the key that asked for a portal link', () => {
  it('ends the sessions it opened and the links not yet opened, and leaves those of other keys', async () => {
    const minted = await stack.http.post('/v1/api-keys').set(stack.auth).send({ name: 'portal backend' });
    expect(minted.status).toBe(201);
    const keyAuth = { Authorization: `Bearer ${minted.body.key}` };
    const own = await signIn(keyAuth);
    const pending = await portalLink(keyAuth);
    const other = await signIn();
    expect((await get('/v1/webhooks').set('Cookie', own.cookie)).status).toBe(200);

    expect((await stack.http.delete(`/v1/api-keys/${minted.body.id}`).set(stack.auth)).status).toBe(204);
    const after = await get('/v1/webhooks').set('Cookie', own.cookie);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
    expect((await get('/v1/portal/session').set('Cookie', own.cookie)).status).toBe(401);
    expect((await get(`/portal/login?token=${pending.token}`)).status).toBe(401);
    expect((await get('/v1/webhooks').set('Cookie', other.cookie)).status).toBe(200);
  });
});

describe("another tenant's portal session", () => {
  it('gets 404 on every route that names the default tenant’s resources, changes nothing, and lists none of them', async () => {
    const hook = await createWebhook(stack, { url: receiver.url, events: ['portal.isolation'] });
    const event = await publishEvent(stack, { type: 'portal.isolation', data: {} });
    const delivery = event.deliveries[0]!.id;
    await waitForFinalDelivery(stack, delivery);
    const theirs = await signIn({ Authorization: `Bearer ${other.key}` });
    expect(theirs.session.tenant.client_id).toBe('portal-other');
    const before = (await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body;

    const reads = [`/v1/webhooks/${hook.id}`, `/v1/events/${event.id}`, `/v1/deliveries/${delivery}`, `/v1/deliveries/${delivery}/request`];
    for (const p of reads) {
      const res = await get(p).set('Cookie', theirs.cookie);
      expect([p, res.status, res.body.error?.code]).toEqual([p, 404, 'not_found']);
    }
    const changes: Array<['post' | 'patch' | 'delete', string, object?]> = [
      ['patch', `/v1/webhooks/${hook.id}`, { name: 'stolen' }],
      ['post', `/v1/webhooks/${hook.id}/pause`],
      ['post', `/v1/webhooks/${hook.id}/disable`],
      ['post', `/v1/webhooks/${hook.id}/test`],
      ['post', `/v1/webhooks/${hook.id}/secret/rotate`],
      ['post', `/v1/webhooks/${hook.id}/recover`, { since: '2020-01-01' }],
      ['post', `/v1/deliveries/${delivery}/retry`],
      ['post', `/v1/deliveries/${delivery}/cancel`],
      ['delete', `/v1/webhooks/${hook.id}`],
    ];
    for (const [method, p, body] of changes) {
      const res = await change(method, p, theirs).send(body ?? {});
      expect([method, p, res.status, res.body.error?.code]).toEqual([method, p, 404, 'not_found']);
    }
    expect((await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body).toEqual(before);

    for (const p of ['/v1/webhooks', '/v1/deliveries', `/v1/deliveries?webhook_id=${hook.id}`, '/v1/stats/webhooks', `/v1/stats/deliveries?webhook_id=${hook.id}`]) {
      const res = await get(p).set('Cookie', theirs.cookie);
      expect([p, res.status]).toEqual([p, 200]);
      expect(JSON.stringify(res.body)).not.toMatch(new RegExp(`${hook.id}|${delivery}`));
    }
    const stats = await get(`/v1/stats/deliveries?range=hour&webhook_id=${hook.id}`).set('Cookie', theirs.cookie);
    expect(stats.body.buckets.every((b: any) => b.succeeded === 0 && b.failed === 0)).toBe(true);
  });
});

describe('what the portal shows beyond the resources', () => {
  it('describes the request a delivery sent: the exact body and the headers the receiver got', async () => {
    const r = await Receiver.start();
    try {
      await createWebhook(stack, { url: r.url, events: ['portal.request'], headers: { 'X-Team': 'billing' } });
      const event = await publishEvent(stack, { type: 'portal.request', data: { n: 1 } });
      const done = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
      const [received] = await r.waitForRequests(1);
      const res = await stack.http.get(`/v1/deliveries/${done.id}/request`).set(stack.auth);
      expect(res.status).toBe(200);
      expect(res.body.method).toBe('POST');
      expect(res.body.url).toBe(r.url);
      expect(res.body.body).toBe(received!.body);
      expect(res.body.body).toBe(done.attempts[0].request_body);
      expect(res.body.headers.map((h: any) => h.name)).toEqual([
        'host',
        'connection',
        'X-Team',
        'content-type',
        'user-agent',
        'x-client-id',
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
        'content-length',
      ]);
      // The attempt's stored request: every value as the receiver got it.
      for (const header of res.body.headers) {
        expect([header.name, received!.headers[header.name.toLowerCase()]]).toEqual([header.name, header.value]);
      }
      expect(received!.headers['webhook-timestamp']).toBe(String(Math.floor(new Date(done.attempts[0].started_at).getTime() / 1000)));
    } finally {
      await r.stop();
    }
  });

  it('counts success rates per webhook and attempts per minute', async () => {
    const r = await Receiver.start(Receiver.sequence({ status: 200 }, { status: 400, body: 'no' }));
    try {
      const hook = await createWebhook(stack, { url: r.url, events: ['portal.stats'] });
      const first = await publishEvent(stack, { type: 'portal.stats', data: {} });
      await waitForFinalDelivery(stack, first.deliveries[0]!.id);
      const second = await publishEvent(stack, { type: 'portal.stats', data: {} });
      await waitForFinalDelivery(stack, second.deliveries[0]!.id);

      const rates = await stack.http.get(`/v1/stats/webhooks?webhook_id=${hook.id}`).set(stack.auth);
      expect(rates.status).toBe(200);
      expect(rates.body.range).toBe('day');
      expect(rates.body.results).toEqual([{ webhook_id: hook.id, succeeded: 1, failed: 1, pending: 0, cancelled: 0, success_rate: 0.5 }]);

      for (const [range, buckets, seconds] of [
        ['hour', 60, 60],
        ['day', 96, 900],
      ] as const) {
        const res = await stack.http.get(`/v1/stats/deliveries?range=${range}&webhook_id=${hook.id}`).set(stack.auth);
        expect(res.status).toBe(200);
        expect(res.body.buckets).toHaveLength(buckets);
        expect(res.body.bucket_seconds).toBe(seconds);
        expect(new Date(res.body.until).getTime() - new Date(res.body.since).getTime()).toBe(buckets * seconds * 1000);
        const total = res.body.buckets.reduce((sum: [number, number], b: any) => [sum[0] + b.succeeded, sum[1] + b.failed], [0, 0]);
        expect(total).toEqual([1, 1]);
        const busy = res.body.buckets.filter((b: any) => b.succeeded + b.failed > 0);
        for (const b of busy) expect(b.p50_ms).toEqual(expect.any(Number));
      }
      expect((await stack.http.get('/v1/stats/deliveries?range=week').set(stack.auth)).status).toBe(422);
    } finally {
      await r.stop();
    }
  });
});

describe('the portal page and its files', () => {
  it('allows embedding only where PORTAL_FRAME_ANCESTORS says', async () => {
    const embeddable = await startStack({ worker: false, env: { PORTAL_FRAME_ANCESTORS: "'self' https://app.example.com" } });
    try {
      const csp = String((await embeddable.http.get('/portal')).headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'self' https://app.example.com");
    } finally {
      await embeddable.stop();
    }
  });

  it("serves the page with a strict CSP that refuses embedding by default (frame-ancestors 'none'), and every file it names from here", async () => {
    const page = await get('/portal');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('frame-ancestors *');
    expect(csp).not.toContain('unsafe');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBeUndefined();
    expect(page.text).not.toMatch(/<script>|<style>|\sstyle=|\son[a-z]+=/i);
    const urls = [...page.text.matchAll(/\b(?:src|href)="([^"#]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) {
      expect(url).toMatch(/^\/portal\/assets\//);
      const file = await get(url);
      expect([url, file.status, file.headers['x-content-type-options']]).toEqual([url, 200, 'nosniff']);
    }
    expect((await get('/portal/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/portal/assets/portal.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves only its own files', async () => {
    for (const p of ['/portal/assets/index.html', '/portal/assets/..%2F..%2Fpackage.json', '/portal/assets/APP.JS', '/portal/assets/nope.js', '/portal/assets/.env']) {
      const res = await get(p);
      expect([p, res.status, res.body.error?.code]).toEqual([p, 404, 'not_found']);
    }
  });

  it('uses no inline script, no HTML parsing of data, and nothing from another host in its scripts', () => {
    const dir = path.join(__dirname, '..', '..', 'src', 'portal', 'assets');
    for (const name of ['app.js', 'api.js', 'dom.js', 'format.js', 'chart.js', 'page-webhooks.js', 'page-webhook.js', 'page-webhook-form.js', 'page-delivery.js', 'page-event-types.js', 'page-activity.js']) {
      const source = readFileSync(path.join(dir, name), 'utf8');
      expect([name, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/.test(source)]).toEqual([name, false]);
      // Modules come from this folder only; requests go to this origin only.
      for (const [, from] of source.matchAll(/\bfrom\s+'([^']+)'/g)) expect([name, from]).toEqual([name, expect.stringMatching(/^\.\/[a-z-]+\.js$/)]);
      expect([name, /fetch\(\s*['"`]https?:|import\(/.test(source)]).toEqual([name, false]);
    }
  });
});

describe('the /v1 prefix in another case', () => {
  it('meets the same keys and portal rules as /v1 (the router matched the route but skipped its middleware)', async () => {
    const keyBefore = (await stack.http.get('/.well-known/jwks.json')).body;
    const rotate = await stack.http.post('/V1/signing-keys/rotate');
    expect([rotate.status, rotate.body.error?.code]).toEqual([401, 'unauthorized']);
    expect((await stack.http.get('/.well-known/jwks.json')).body).toEqual(keyBefore);
    expect((await stack.http.get('/V1/webhooks')).status).toBe(401);
    expect((await stack.http.get('/V1/webhooks').set(stack.auth)).status).toBe(200);
    const s = await signIn();
    const res = await change('post', '/V1/api-keys/', s).send({ name: 'case' });
    expect([res.status, res.body.error?.code]).toEqual([403, 'forbidden']);
    const upper = await change('post', '/V1/API-KEYS/', s).send({ name: 'case' });
    expect([upper.status, upper.body.error?.code]).toEqual([404, 'not_found']);
  });
});
