import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OPERATIONAL_EVENT_TYPES } from '../../src/domain/operational-events';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receivers, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

const ADMIN_KEY = 'admin-key-for-tests-0123456789';
let stack: Stack;
const receivers = new Receivers();
/** Subscribed to every operational event by prefix: sees all of them. */
let monitor: Receiver;
let monitorHook: { id: string };
/** Subscribed to `*`: must see none of them. */
let star: Receiver;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

interface Received {
  id: string;
  type: string;
  data: Record<string, any>;
}
const bodies = (r: Receiver): Received[] => r.requests.map((q) => JSON.parse(q.body));
const operational = (r: Receiver) => bodies(r).filter((b) => (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(b.type));
/** Operational events at `r` of `type` about webhook `webhookId`, each checked against its catalogue schema. */
function about(r: Receiver, type: string, webhookId: string): Received[] {
  // Retries of one event repeat its id: each event once.
  const seen = new Map<string, Received>();
  for (const b of operational(r)) if (b.type === type && b.data.webhook?.id === webhookId) seen.set(b.id, b);
  const found = [...seen.values()];
  for (const b of found) {
    const validate = validators.get(b.type)!;
    if (!validate(b.data)) throw new Error(`${b.type} does not match its schema: ${ajv.errorsText(validate.errors)}`);
  }
  return found;
}
const waitForEvent = (r: Receiver, type: string, webhookId: string) =>
  waitFor(() => about(r, type, webhookId)[0], { message: `${type} about webhook ${webhookId}`, timeoutMs: 15_000 });
/** The event's delivery to that webhook (the `*` webhook takes every one too). */
const to = (event: { deliveries: Array<{ id: string; webhook_id: string }> }, webhookId: string) => event.deliveries.find((d) => d.webhook_id === webhookId)!.id;
const act = (id: string, action: string) => stack.http.post(`/v1/webhooks/${id}/${action}`).set(stack.auth);

beforeAll(async () => {
  stack = await startStack({
    env: {
      ADMIN_API_KEY: ADMIN_KEY,
      RETRY_INITIAL_INTERVAL_MS: '100',
      RETRY_MAXIMUM_ATTEMPTS: '2',
      AUTO_DISABLE_FAILURE_THRESHOLD: '4',
      AUTO_DISABLE_WINDOW_MS: '20000',
    },
  });
  monitor = await receivers.start(() => ({ status: 200 }));
  star = await receivers.start(() => ({ status: 200 }));
  monitorHook = await createWebhook(stack, { url: monitor.url, events: ['webhook.*', 'delivery.*'], name: 'monitor' });
  await createWebhook(stack, { url: star.url, events: ['*'], name: 'star' });
  const types = await stack.http.get('/v1/event-types').set(stack.auth);
  for (const t of types.body.results) if (t.schema) validators.set(t.name, ajv.compile(t.schema));
}, 30_000);
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});

describe('the catalogue', () => {
  it('lists every operational type as built-in, with its schema', async () => {
    const res = await stack.http.get('/v1/event-types').set(stack.auth);
    expect(res.status).toBe(200);
    const list: Array<{ name: string; builtin: boolean; schema: unknown }> = res.body.results;
    for (const name of OPERATIONAL_EVENT_TYPES) {
      expect(list.find((t) => t.name === name)).toMatchObject({ builtin: true, schema: expect.objectContaining({ type: 'object' }) });
    }
  });

  it('refuses tenants publishing or redefining them', async () => {
    for (const type of OPERATIONAL_EVENT_TYPES) {
      const res = await stack.http.post('/v1/events').set(stack.auth).send({ type, data: {} });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('operational_event_type');
    }
    const define = await stack.http.post('/v1/event-types').set(stack.auth).send({ name: 'delivery.exhausted', description: 'mine' });
    expect(define.status).toBe(409);
    const change = await stack.http.patch('/v1/event-types/webhook.disabled').set(stack.auth).send({ description: 'mine' });
    expect(change.status).toBe(409);
  });
});

it('webhook.created, webhook.updated and webhook.deleted, with no secret and no header value', async () => {
  const hook = await createWebhook(stack, { url: 'https://example.com/x', events: ['a'], name: 'crud', headers: { 'x-token': 'sekrit-value' } });
  const created = await waitForEvent(monitor, 'webhook.created', hook.id);
  expect(created.data.webhook).toMatchObject({ id: hook.id, name: 'crud', url: 'https://example.com/x', status: 'active', events: ['a'] });
  expect((await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ name: 'renamed' })).status).toBe(200);
  const updated = await waitForEvent(monitor, 'webhook.updated', hook.id);
  expect(updated.data).toMatchObject({ changed: ['name'], webhook: { name: 'renamed' } });
  expect((await stack.http.delete(`/v1/webhooks/${hook.id}`).set(stack.auth)).status).toBe(204);
  const deleted = await waitForEvent(monitor, 'webhook.deleted', hook.id);
  expect(Date.parse(deleted.data.deleted_at)).toBeGreaterThan(Date.now() - 60_000);
  for (const q of monitor.requests) {
    expect(q.body).not.toContain('sekrit-value');
    expect(q.body).not.toContain(hook.secret);
  }
});

it('disable and enable emit once each, with kind manual; pause and resume emit nothing', async () => {
  const hook = await createWebhook(stack, { url: 'https://example.com/y', events: ['b'] });
  for (const action of ['pause', 'resume', 'disable', 'disable', 'enable']) expect((await act(hook.id, action)).status).toBe(200);
  const disabled = await waitForEvent(monitor, 'webhook.disabled', hook.id);
  await waitForEvent(monitor, 'webhook.enabled', hook.id);
  expect(disabled.data).toMatchObject({ kind: 'manual', reason: 'disabled through the API', webhook: { status: 'disabled' } });
  // A sentinel after them: the monitor has received everything that came before it.
  await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ name: 'sentinel' });
  await waitForEvent(monitor, 'webhook.updated', hook.id);
  expect(about(monitor, 'webhook.disabled', hook.id)).toHaveLength(1);
  expect(about(monitor, 'webhook.enabled', hook.id)).toHaveLength(1);
});

it('delivery.exhausted carries the last code and error; delivery.recovered follows the first success after failures, once', async () => {
  let failing = true;
  const r = await receivers.start(() => (failing ? { status: 503 } : { status: 200 }));
  const hook = await createWebhook(stack, { url: r.url, events: ['flaky'] });
  const first = await publishEvent(stack, { type: 'flaky', data: { n: 1 } });
  expect((await waitForFinalDelivery(stack, to(first, hook.id))).status).toBe('failed');
  const exhausted = await waitForEvent(monitor, 'delivery.exhausted', hook.id);
  expect(exhausted.data.delivery).toMatchObject({
    id: to(first, hook.id),
    event_id: first.id,
    event_type: 'flaky',
    attempts: 2,
    last_status_code: 503,
    last_error: expect.stringContaining('503'),
  });
  failing = false;
  const second = await publishEvent(stack, { type: 'flaky', data: { n: 2 } });
  expect((await waitForFinalDelivery(stack, to(second, hook.id))).status).toBe('succeeded');
  const recovered = await waitForEvent(monitor, 'delivery.recovered', hook.id);
  expect(recovered.data).toMatchObject({ failed_deliveries: 1, delivery: { id: to(second, hook.id), status_code: 200, attempts: 1 } });
  const third = await publishEvent(stack, { type: 'flaky', data: { n: 3 } });
  expect((await waitForFinalDelivery(stack, to(third, hook.id))).status).toBe('succeeded');
  await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ name: 'sentinel' });
  await waitForEvent(monitor, 'webhook.updated', hook.id);
  expect(about(monitor, 'delivery.recovered', hook.id)).toHaveLength(1);
  expect(about(monitor, 'delivery.exhausted', hook.id)).toHaveLength(1);
});

it('a 410 disables with kind gone, auto-disable with kind automatic', async () => {
  const gone = await receivers.start(() => ({ status: 410 }));
  const goneHook = await createWebhook(stack, { url: gone.url, events: ['gone'] });
  await publishEvent(stack, { type: 'gone', data: {} });
  expect((await waitForEvent(monitor, 'webhook.disabled', goneHook.id)).data).toMatchObject({ kind: 'gone', reason: 'the receiver answered 410 Gone' });
  expect((await waitForEvent(monitor, 'delivery.exhausted', goneHook.id)).data.delivery).toMatchObject({ last_status_code: 410, attempts: 1 });

  const dead = await receivers.start(() => ({ status: 500 }));
  const deadHook = await createWebhook(stack, { url: dead.url, events: ['dead'] });
  const deadEvents = [await publishEvent(stack, { type: 'dead', data: { n: 1 } }), await publishEvent(stack, { type: 'dead', data: { n: 2 } })];
  expect((await waitForEvent(monitor, 'webhook.disabled', deadHook.id)).data).toMatchObject({
    kind: 'automatic',
    reason: '4 failed attempts within 20 s',
    webhook: { status: 'disabled' },
  });
  for (const e of deadEvents) await waitForFinalDelivery(stack, to(e, deadHook.id));
});

it('never triggers itself: an operational webhook at a dead receiver causes no further operational event', async () => {
  // A webhook subscribed only to operational events, whose receiver answers 410 (so it is also disabled).
  const deadOps = await receivers.start(() => ({ status: 410 }));
  const opsHook = await createWebhook(stack, { url: deadOps.url, events: ['delivery.exhausted'] });
  const failing = await receivers.start(() => ({ status: 400 }));
  const hook = await createWebhook(stack, { url: failing.url, events: ['boom'] });
  const event = await publishEvent(stack, { type: 'boom', data: {} });
  expect((await waitForFinalDelivery(stack, to(event, hook.id))).status).toBe('failed');
  await waitForEvent(monitor, 'delivery.exhausted', hook.id);
  // The dead operational webhook got that exhausted event once, refused it, and was disabled.
  await waitFor(() => deadOps.requests.length >= 1, { message: 'the operational webhook to be tried' });
  await waitFor(async () => (await stack.http.get(`/v1/webhooks/${opsHook.id}`).set(stack.auth)).body.status === 'disabled', {
    message: 'the operational webhook to be disabled',
  });
  const { rows } = await stack.api.pool.query<{ id: string; status: string }>(
    `SELECT d.id, d.status FROM deliveries d WHERE d.webhook_id = $1`,
    [opsHook.id],
  );
  expect(rows).toHaveLength(1);
  await waitForFinalDelivery(stack, rows[0]!.id);
  await stack.http.patch(`/v1/webhooks/${hook.id}`).set(stack.auth).send({ name: 'sentinel' });
  await waitForEvent(monitor, 'webhook.updated', hook.id);
  // Exactly the expected: one exhausted about the tenant's delivery; nothing about the operational webhook's failure.
  expect(about(monitor, 'delivery.exhausted', hook.id)).toHaveLength(1);
  expect(about(monitor, 'delivery.exhausted', opsHook.id)).toHaveLength(0);
  expect(about(monitor, 'webhook.disabled', opsHook.id)).toHaveLength(0);
  expect(deadOps.requests).toHaveLength(1);
  const stored = await stack.api.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM events WHERE type IN ('delivery.exhausted', 'webhook.disabled') AND data->'webhook'->>'id' = $1`,
    [opsHook.id],
  );
  expect(stored.rows[0]!.n).toBe(0);
});

it("a tenant's operational events go only to that tenant's webhooks", async () => {
  const res = await stack.http.post('/v1/tenants').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'Other Co', client_id: 'other-co' });
  expect(res.status).toBe(201);
  const otherAuth = { Authorization: `Bearer ${res.body.api_key.key}` };
  // Without an operational subscriber, a change stores no event at all: nothing changes for such a tenant.
  const plain = await stack.http.post('/v1/webhooks').set(otherAuth).send({ name: 'plain', url: 'https://example.com/p', events: ['*'] });
  expect(plain.status).toBe(201);
  expect((await stack.http.delete(`/v1/webhooks/${plain.body.id}`).set(otherAuth)).status).toBe(204);
  const none = await stack.api.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [res.body.tenant.id]);
  expect(none.rows[0]!.n).toBe(0);
  const otherMonitor = await receivers.start(() => ({ status: 200 }));
  const made = await stack.http
    .post('/v1/webhooks')
    .set(otherAuth)
    .send({ name: 'other monitor', url: otherMonitor.url, events: ['webhook.*'] });
  expect(made.status).toBe(201);
  const otherHook = await stack.http.post('/v1/webhooks').set(otherAuth).send({ name: 'other', url: 'https://example.com/o', events: ['c'] });
  expect(otherHook.status).toBe(201);
  await waitForEvent(otherMonitor, 'webhook.created', otherHook.body.id);
  const mine = await createWebhook(stack, { url: 'https://example.com/m', events: ['c'] });
  await waitForEvent(monitor, 'webhook.created', mine.id);
  await stack.http.patch(`/v1/webhooks/${otherHook.body.id}`).set(otherAuth).send({ name: 'sentinel' });
  await waitForEvent(otherMonitor, 'webhook.updated', otherHook.body.id);
  expect(about(monitor, 'webhook.created', otherHook.body.id)).toHaveLength(0);
  expect(about(otherMonitor, 'webhook.created', mine.id)).toHaveLength(0);
  expect(operational(otherMonitor).every((b) => [made.body.id, otherHook.body.id].includes(b.data.webhook.id))).toBe(true);
});

it('`*` subscribers receive no operational event', async () => {
  // Every test above has run: the star webhook got the tenant's own events only.
  expect(star.requests.length).toBeGreaterThan(0);
  expect(operational(star)).toEqual([]);
  expect(monitorHook.id).toBeDefined();
});
