import { randomUUID } from 'node:crypto';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receivers, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';
import { ensureTemporalCli } from '../../src/devtools/temporal-cli';
import { startDevServer } from '../../src/devtools/dev-server';
import { retentionScheduleId } from '../../src/domain/workflow-ids';
import { ensureRetentionSchedule } from '../../src/temporal/retention-schedule';
import { PAYLOAD_ERASED_ERROR } from '../../src/domain/retention';
import type { RetentionResult } from '../../workflows/retention-workflow';

const ADMIN_KEY = 'retention-admin-key-0123456789';
let stack: Stack;
let defaultTenant: string;
const receivers = new Receivers();

beforeAll(async () => {
  // A long first backoff, so a failed first attempt leaves its delivery waiting (pending) for the whole file.
  stack = await startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '120000', ADMIN_API_KEY: ADMIN_KEY } });
  defaultTenant = (await q<{ id: string }>(`SELECT id FROM tenants WHERE client_id = 'default'`))[0]!.id;
});
afterAll(async () => {
  await stack?.stop();
  await receivers.stopAll();
});

async function q<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await stack.api.pool.query(sql, params)).rows as T[];
}
const exists = async (table: string, id: string) => (await q(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).length === 1;

/** Runs one purge as the Schedule would, on this stack's worker, and returns what it did. */
async function purge(opts: { batchSize?: number; defaultRetentionDays?: number } = {}): Promise<RetentionResult> {
  return stack.temporal.workflow.execute('retentionWorkflow', {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `retention-test-${randomUUID()}`,
    args: [{ defaultRetentionDays: opts.defaultRetentionDays ?? 30, batchSize: opts.batchSize ?? 1000 }],
  });
}

async function newTenant(retentionDays: number | null): Promise<string> {
  const id = randomUUID();
  await q(`INSERT INTO tenants (id, name, client_id, retention_days) VALUES ($1, 'other', $2, $3)`, [id, `t-${id}`, retentionDays]);
  return id;
}

async function newWebhook(tenantId: string, opts: { deletedDaysAgo?: number } = {}): Promise<string> {
  const id = randomUUID();
  await q(
    `INSERT INTO webhooks (id, tenant_id, name, url, events, secret_encrypted, deleted_at)
     VALUES ($1, $2, 'seeded', 'https://seeded.example/hook', '{seeded.never}', 'x', CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(days => $3::int) END)`,
    [id, tenantId, opts.deletedDaysAgo ?? null],
  );
  return id;
}

/** An event with one delivery of `status` finished `ageDays` ago, and `attempts` attempts; all of that age. */
async function seedDelivery(
  tenantId: string,
  webhookId: string,
  ageDays: number,
  opts: { status?: string; attempts?: number } = {},
): Promise<{ eventId: string; deliveryId: string }> {
  const eventId = randomUUID();
  const deliveryId = randomUUID();
  const status = opts.status ?? 'succeeded';
  await q(
    `INSERT INTO events (id, tenant_id, type, data, request_hash, created_at) VALUES ($1, $2, 'seeded', '{"a":1}', 'h', now() - make_interval(days => $3))`,
    [eventId, tenantId, ageDays],
  );
  await q(
    `INSERT INTO deliveries (id, tenant_id, event_id, webhook_id, workflow_id, status, attempt_count, dispatched_at, completed_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() - make_interval(days => $8), CASE WHEN $6 = 'pending' THEN NULL ELSE now() - make_interval(days => $8) END,
             now() - make_interval(days => $8))`,
    [deliveryId, tenantId, eventId, webhookId, `seeded-${deliveryId}`, status, opts.attempts ?? 1, ageDays],
  );
  await q(
    `INSERT INTO attempts (id, delivery_id, attempt, status, status_code, duration_ms, response_body, started_at)
     SELECT gen_random_uuid(), $1, g, 'failed', 500, 5, 'echo', now() - make_interval(days => $2) FROM generate_series(1, $3) g`,
    [deliveryId, ageDays, opts.attempts ?? 1],
  );
  return { eventId, deliveryId };
}

/** Makes a real delivery look `days` old: its event, its times, its attempts. */
async function backdate(eventId: string, days: number): Promise<void> {
  await q(`UPDATE events SET created_at = created_at - make_interval(days => $2) WHERE id = $1`, [eventId, days]);
  await q(
    `UPDATE deliveries SET created_at = created_at - make_interval(days => $2), completed_at = completed_at - make_interval(days => $2) WHERE event_id = $1`,
    [eventId, days],
  );
  await q(
    `UPDATE attempts SET started_at = started_at - make_interval(days => $2) WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id = $1)`,
    [eventId, days],
  );
}

const action = (webhookId: string, verb: 'pause' | 'resume') => stack.http.post(`/v1/webhooks/${webhookId}/${verb}`).set(stack.auth);

describe('the retention schedule', () => {
  it('exists in Temporal once a worker has started: hourly, starting the retention workflow on this task queue', async () => {
    const handle = stack.temporal.schedule.getHandle(retentionScheduleId(stack.config.temporal.taskQueue));
    // The worker creates it beside its start-up, without waiting for it.
    const description = await waitFor(() => handle.describe(), { message: 'the retention schedule' });
    expect(description.spec.intervals?.[0]?.every).toBe(3_600_000);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue: stack.config.temporal.taskQueue });
    expect(description.action.type === 'startWorkflow' && description.action.args).toEqual([{ defaultRetentionDays: 30, batchSize: 1000 }]);
  });

  it('is brought in line with the configuration by the next worker start', async () => {
    const config = { temporal: stack.config.temporal, retention: { days: 45, intervalMs: 7_200_000 } };
    const id = await ensureRetentionSchedule(stack.temporal, config);
    try {
      const description = await stack.temporal.schedule.getHandle(id).describe();
      expect(description.spec.intervals?.[0]?.every).toBe(7_200_000);
      expect(description.action.type === 'startWorkflow' && description.action.args).toEqual([{ defaultRetentionDays: 45, batchSize: 1000 }]);
    } finally {
      await ensureRetentionSchedule(stack.temporal, stack.config);
    }
  });
});

describe('the purge', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    // 200 for most, 500 (retried after a long backoff) for events marked so.
    receiver = await receivers.start((_n, req) => (req.body.includes('"fail":true') ? { status: 500, body: 'no' } : { status: 200, body: req.body }));
  });

  it('removes finished deliveries, their attempts and events past the cutoff, and never a pending delivery or what it needs', async () => {
    const hook = await createWebhook(stack, { url: receiver.url, events: ['purge.ok', 'purge.fail', 'purge.held'] });
    const held = await createWebhook(stack, { url: receiver.url, events: ['purge.held'] });

    // Finished: succeeded (200), and one failed for good is seeded below. In backoff: a 500 waiting 120 s.
    const ok = await publishEvent(stack, { type: 'purge.ok', data: { n: 1 } });
    const okDelivery = ok.deliveries[0]!.id;
    await waitForFinalDelivery(stack, okDelivery);
    const failing = await publishEvent(stack, { type: 'purge.fail', data: { fail: true } });
    const backoffDelivery = failing.deliveries[0]!.id;
    await waitFor(async () => (await q(`SELECT 1 FROM attempts WHERE delivery_id = $1`, [backoffDelivery])).length === 1, {
      message: 'the first attempt of the failing delivery',
    });
    // Held by a pause: the webhook is paused before the event.
    expect((await action(held.id, 'pause')).status).toBe(200);
    const heldEvent = await publishEvent(stack, { type: 'purge.held', data: { n: 2 } });
    const heldDelivery = heldEvent.deliveries.find((d) => d.webhook_id === held.id)!.id;
    const heldSibling = heldEvent.deliveries.find((d) => d.webhook_id === hook.id)!.id;
    await waitForFinalDelivery(stack, heldSibling);
    // A recent finished delivery stays too.
    const recent = await publishEvent(stack, { type: 'purge.ok', data: { n: 3 } });
    await waitForFinalDelivery(stack, recent.deliveries[0]!.id);

    for (const e of [ok, failing, heldEvent]) await backdate(e.id, 40);
    const seededFailed = await seedDelivery(defaultTenant, hook.id, 40, { status: 'failed', attempts: 3 });
    const seededCancelled = await seedDelivery(defaultTenant, hook.id, 40, { status: 'cancelled', attempts: 0 });
    // A pending delivery whatever its age, sequence or throttle: never touched.
    const seededPending = await seedDelivery(defaultTenant, hook.id, 400, { status: 'pending', attempts: 2 });
    await q(`UPDATE deliveries SET sequence = 7, throttled_until = now() + interval '1 hour' WHERE id = $1`, [seededPending.deliveryId]);

    const result = await purge();
    expect(result.purged.attempts).toBeGreaterThanOrEqual(4);
    expect(result.purged.deliveries).toBeGreaterThanOrEqual(4);

    for (const gone of [okDelivery, seededFailed.deliveryId, seededCancelled.deliveryId, heldSibling]) {
      expect(await exists('deliveries', gone)).toBe(false);
      expect(await q(`SELECT 1 FROM attempts WHERE delivery_id = $1`, [gone])).toHaveLength(0);
    }
    for (const gone of [ok.id, seededFailed.eventId, seededCancelled.eventId]) expect(await exists('events', gone)).toBe(false);

    // Pending (in backoff, held by the pause, seeded), their attempts and their events stay.
    for (const kept of [backoffDelivery, heldDelivery, seededPending.deliveryId]) {
      expect(await q(`SELECT status FROM deliveries WHERE id = $1`, [kept])).toEqual([{ status: 'pending' }]);
    }
    expect(await q(`SELECT 1 FROM attempts WHERE delivery_id = $1`, [backoffDelivery])).toHaveLength(1);
    expect(await q(`SELECT 1 FROM attempts WHERE delivery_id = $1`, [seededPending.deliveryId])).toHaveLength(2);
    for (const kept of [failing.id, heldEvent.id, seededPending.eventId, recent.id]) expect(await exists('events', kept)).toBe(true);
    expect(await exists('deliveries', recent.deliveries[0]!.id)).toBe(true);

    // The held delivery still goes out once the webhook resumes.
    expect((await action(held.id, 'resume')).status).toBe(200);
    expect((await waitForFinalDelivery(stack, heldDelivery)).status).toBe('succeeded');
    // Counted in the worker's metrics.
    const metrics = await stack.worker!.metrics.registry.getSingleMetricAsString('hookline_retention_purged_rows_total');
    expect(metrics).toMatch(/kind="attempts"} \d+/);
    expect(await stack.worker!.metrics.registry.getSingleMetricAsString('hookline_retention_last_run_timestamp_seconds')).toMatch(
      /seconds \d{10}/,
    );
  });

  it('applies a tenant’s own retention_days to that tenant only', async () => {
    const patched = await stack.http.patch('/v1/settings').set(stack.auth).send({ retention_days: 5 });
    expect(patched.status).toBe(200);
    expect(patched.body.retention_days).toBe(5);
    expect((await stack.http.get('/v1/settings').set(stack.auth)).body.retention_days).toBe(5);

    const other = await newTenant(null);
    const otherHook = await newWebhook(other);
    const mine = await seedDelivery(defaultTenant, await newWebhook(defaultTenant), 10);
    const theirs = await seedDelivery(other, otherHook, 10);
    const theirsOld = await seedDelivery(other, otherHook, 31);
    await purge();
    expect(await exists('deliveries', mine.deliveryId)).toBe(false);
    expect(await exists('events', mine.eventId)).toBe(false);
    expect(await exists('deliveries', theirs.deliveryId)).toBe(true);
    expect(await exists('events', theirs.eventId)).toBe(true);
    expect(await exists('deliveries', theirsOld.deliveryId)).toBe(false);

    // null goes back to RETENTION_DAYS; out of range is a 422.
    expect((await stack.http.patch('/v1/settings').set(stack.auth).send({ retention_days: null })).body.retention_days).toBeNull();
    for (const bad of [0, 3651, 2.5, '30']) {
      const res = await stack.http.patch('/v1/settings').set(stack.auth).send({ retention_days: bad });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('removes ended portal links and sessions, and soft-deleted webhooks with no delivery left', async () => {
    const link = async (endedDaysAgo: number) => {
      const id = randomUUID();
      await q(
        `INSERT INTO portal_sessions (id, tenant_id, link_hash, link_expires_at) VALUES ($1, $2, decode(md5($4), 'hex'), now() - make_interval(days => $3))`,
        [id, defaultTenant, endedDaysAgo, id],
      );
      return id;
    };
    const ended = await link(2);
    const live = await link(-1);
    const emptied = await newWebhook(defaultTenant, { deletedDaysAgo: 1 });
    const stillUsed = await newWebhook(defaultTenant, { deletedDaysAgo: 1 });
    const { deliveryId } = await seedDelivery(defaultTenant, stillUsed, 1);
    const active = await newWebhook(defaultTenant);

    const result = await purge();
    expect(result.purged.portal_sessions).toBeGreaterThanOrEqual(1);
    expect(await exists('portal_sessions', ended)).toBe(false);
    expect(await exists('portal_sessions', live)).toBe(true);
    expect(await exists('webhooks', emptied)).toBe(false);
    expect(await exists('webhooks', stillUsed)).toBe(true);
    expect(await exists('deliveries', deliveryId)).toBe(true);
    expect(await exists('webhooks', active)).toBe(true);
  });

  it('deletes in bounded batches: 1,250 deliveries with an attempt each (2,500 rows) go in at least 3 transactions', async () => {
    const tenant = await newTenant(null);
    const webhook = await newWebhook(tenant);
    await q(
      `WITH e AS (
         INSERT INTO events (id, tenant_id, type, data, request_hash, created_at)
         SELECT gen_random_uuid(), $1, 'bulk', '{}', 'h', now() - interval '60 days' FROM generate_series(1, 1250) RETURNING id),
       d AS (
         INSERT INTO deliveries (id, tenant_id, event_id, webhook_id, workflow_id, status, attempt_count, completed_at, created_at)
         SELECT gen_random_uuid(), $1, e.id, $2, 'bulk-' || e.id, 'succeeded', 1, now() - interval '60 days', now() - interval '60 days' FROM e RETURNING id)
       INSERT INTO attempts (id, delivery_id, attempt, status, duration_ms, started_at)
       SELECT gen_random_uuid(), d.id, 1, 'succeeded', 5, now() - interval '60 days' FROM d`,
      [tenant, webhook],
    );
    const result = await purge({ batchSize: 1000 });
    expect(result.purged.attempts).toBeGreaterThanOrEqual(1250);
    expect(result.purged.deliveries).toBeGreaterThanOrEqual(1250);
    expect(result.batches.deliveries).toBeGreaterThanOrEqual(3);
    expect(await q(`SELECT 1 FROM deliveries WHERE tenant_id = $1`, [tenant])).toHaveLength(0);
    expect(await q(`SELECT 1 FROM events WHERE tenant_id = $1`, [tenant])).toHaveLength(0);
  });
});

describe('DELETE /v1/events/:id/payload', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await receivers.start((_n, req) => ({ status: 200, body: `echo ${req.body}` }));
  });
  const erase = (id: string, auth = stack.auth) => stack.http.delete(`/v1/events/${id}/payload`).set(auth);

  it('erases the payload from the event, its deliveries and their attempts, and keeps the metadata; twice is 204 too', async () => {
    const hook = await createWebhook(stack, { url: receiver.url, events: ['erase.me'] });
    const event = await publishEvent(stack, { type: 'erase.me', data: { email: 'jane@example.com' }, idempotency_key: 'erase-me-1' });
    const deliveryId = event.deliveries[0]!.id;
    await waitForFinalDelivery(stack, deliveryId);
    expect((await q(`SELECT response_body FROM attempts WHERE delivery_id = $1`, [deliveryId]))[0]!.response_body).toContain('jane@example.com');

    expect((await erase(event.id)).status).toBe(204);
    const got = await stack.http.get(`/v1/events/${event.id}`).set(stack.auth);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: event.id, type: 'erase.me', data: null });
    expect(got.body.payload_erased_at).toEqual(expect.any(String));
    expect(got.body.deliveries).toEqual([expect.objectContaining({ id: deliveryId, webhook_id: hook.id, status: 'succeeded' })]);

    const stored = JSON.stringify([
      await q(`SELECT * FROM events WHERE id = $1`, [event.id]),
      await q(`SELECT * FROM deliveries WHERE event_id = $1`, [event.id]),
      await q(`SELECT * FROM attempts WHERE delivery_id = $1`, [deliveryId]),
    ]);
    expect(stored).not.toContain('jane@example.com');
    const [attempt] = await q<{ status: string; status_code: number; duration_ms: number }>(
      `SELECT status, status_code, duration_ms FROM attempts WHERE delivery_id = $1`,
      [deliveryId],
    );
    expect(attempt).toMatchObject({ status: 'succeeded', status_code: 200 });
    const delivery = await stack.http.get(`/v1/deliveries/${deliveryId}`).set(stack.auth);
    expect(delivery.body.attempts[0]).toMatchObject({ status: 'succeeded', status_code: 200, response_body: null, request_body: null });

    // Idempotent: 204 again, and the first erasure's time stays.
    expect((await erase(event.id)).status).toBe(204);
    expect((await stack.http.get(`/v1/events/${event.id}`).set(stack.auth)).body.payload_erased_at).toBe(got.body.payload_erased_at);
    // There is nothing left to send again.
    const retry = await stack.http.post(`/v1/deliveries/${deliveryId}/retry`).set(stack.auth);
    expect(retry.status).toBe(409);
    // Repeating its idempotency key still finds it, erased, and sends nothing.
    const replayed = await stack.http
      .post('/v1/events')
      .set(stack.auth)
      .send({ type: 'erase.me', data: { email: 'jane@example.com' }, idempotency_key: 'erase-me-1' });
    expect(replayed.status).toBe(202);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toMatchObject({ id: event.id, data: null, payload_erased_at: got.body.payload_erased_at });
  });

  it('leaves an erased event’s failed deliveries out of a recover, which sends the others again', async () => {
    let refusing = true;
    const flaky = await receivers.start(() => (refusing ? { status: 400, body: 'no' } : { status: 200, body: 'ok' }));
    const hook = await createWebhook(stack, { url: flaky.url, events: ['erase.recover'] });
    const since = new Date(Date.now() - 1_000).toISOString();
    const erased = await publishEvent(stack, { type: 'erase.recover', data: { secret: 'erased-before-recover' } });
    const kept = await publishEvent(stack, { type: 'erase.recover', data: { keep: true } });
    for (const e of [erased, kept]) expect((await waitForFinalDelivery(stack, e.deliveries[0]!.id)).status).toBe('failed');
    expect((await erase(erased.id)).status).toBe(204);

    refusing = false;
    const recovered = await stack.http.post(`/v1/webhooks/${hook.id}/recover`).set(stack.auth).send({ since });
    expect(recovered.status).toBe(202);
    expect(recovered.body).toEqual({ recovered: 1, delivery_ids: [kept.deliveries[0]!.id] });
    expect((await waitForFinalDelivery(stack, kept.deliveries[0]!.id)).status).toBe('succeeded');
    expect(await q(`SELECT status, redeliveries FROM deliveries WHERE id = $1`, [erased.deliveries[0]!.id])).toEqual([{ status: 'failed', redeliveries: 0 }]);
    expect(flaky.requests.filter((r) => r.body.includes('"keep":true'))).toHaveLength(2);
    expect(flaky.requests.filter((r) => r.body.includes('erased-before-recover'))).toHaveLength(1);
  });

  it('ends the event’s pending deliveries as cancelled, and they are never sent', async () => {
    const hook = await createWebhook(stack, { url: receiver.url, events: ['erase.pending'] });
    expect((await action(hook.id, 'pause')).status).toBe(200);
    const event = await publishEvent(stack, { type: 'erase.pending', data: { secret: 'never-sent' } });
    const deliveryId = event.deliveries[0]!.id;

    expect((await erase(event.id)).status).toBe(204);
    expect(await q(`SELECT status, last_error FROM deliveries WHERE id = $1`, [deliveryId])).toEqual([
      { status: 'cancelled', last_error: PAYLOAD_ERASED_ERROR },
    ]);
    // Nothing is sent after the webhook resumes: a later event goes out, the erased one never.
    expect((await action(hook.id, 'resume')).status).toBe(200);
    const later = await publishEvent(stack, { type: 'erase.pending', data: { after: true } });
    expect((await waitForFinalDelivery(stack, later.deliveries[0]!.id)).status).toBe('succeeded');
    expect(await q(`SELECT status FROM deliveries WHERE id = $1`, [deliveryId])).toEqual([{ status: 'cancelled' }]);
    expect(receiver.requests.filter((r) => r.body.includes('never-sent'))).toHaveLength(0);
  });

  it('tells a delivery waiting in its backoff, whose workflow then ends without another attempt', async () => {
    const failing = await receivers.start(() => ({ status: 500, body: 'down' }));
    await createWebhook(stack, { url: failing.url, events: ['erase.backoff'] });
    const event = await publishEvent(stack, { type: 'erase.backoff', data: { n: 1 } });
    const { id: deliveryId, workflow_id: workflowId } = event.deliveries[0]!;
    await failing.waitForRequests(1);
    await waitFor(async () => (await q(`SELECT 1 FROM attempts WHERE delivery_id = $1`, [deliveryId])).length === 1, {
      message: 'the first attempt to be stored',
    });

    expect((await erase(event.id)).status).toBe(204);
    // The first retry is 120 s away: the workflow ends long before, told by the recheck signal.
    await waitFor(async () => (await stack.temporal.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED', {
      timeoutMs: 15_000,
      message: 'the delivery workflow to end',
    });
    expect(failing.requests).toHaveLength(1);
    expect(await q(`SELECT status, last_error FROM deliveries WHERE id = $1`, [deliveryId])).toEqual([
      { status: 'cancelled', last_error: PAYLOAD_ERASED_ERROR },
    ]);
  });

  it('answers 404 for another tenant’s event and 400 for an id that is not a UUID', async () => {
    const event = await publishEvent(stack, { type: 'erase.other', data: { x: 1 } });
    const created = await stack.http
      .post('/v1/tenants')
      .set({ Authorization: `Bearer ${ADMIN_KEY}` })
      .send({ name: 'Other', client_id: `other-${randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(201);
    const res = await erase(event.id, { Authorization: `Bearer ${created.body.api_key.key}` });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await q<{ data: unknown }>(`SELECT data FROM events WHERE id = $1`, [event.id]))[0]!.data).toEqual({ x: 1 });

    const bad = await erase('not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_id');
  });
});

describe('Temporal’s namespace retention', () => {
  it('follows RETENTION_DAYS on the dev server npm start runs', async () => {
    const executable = await ensureTemporalCli({ log: () => undefined });
    const server = await startDevServer({ executable, retentionDays: 7 });
    try {
      const ns = await server.env.connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(7 * 86_400);
    } finally {
      await server.stop();
    }
  });
});
