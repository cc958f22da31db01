import { Webhook as StandardWebhook } from 'standardwebhooks';
import { DeliveryStatusAttribute, EventTypeAttribute, WebhookIdAttribute } from '../../workflows/search-attributes';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver, Receivers, type Responder } from '../support/receiver';
import { waitFor } from '../support/wait-for';

let stack: Stack;
const receivers = new Receivers();
const receiver = (responder?: Responder) => receivers.start(responder);

beforeAll(async () => {
  // Schedule shortened for speed: 3 attempts, 300 ms then 600 ms apart; receivers get 1 s to answer.
  stack = await startStack({ env: { RETRY_INITIAL_INTERVAL_MS: '300', RETRY_MAXIMUM_ATTEMPTS: '3', DELIVERY_TIMEOUT_MS: '1000' } });
});
// Each test starts with no webhooks, so a "*" subscriber of one test never hears another's events.
afterEach(async () => {
  await stack.api.pool.query('UPDATE webhooks SET deleted_at = now() WHERE deleted_at IS NULL');
});
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});

describe('a receiver that answers 2xx', () => {
  it('gets one signed POST that standardwebhooks verifies, with the custom and engine headers', async () => {
    const r = await receiver();
    const hook = await createWebhook(stack, { url: r.url, events: ['orders.created'], headers: { 'X-Team': 'billing', Authorization: 'Bearer t0k' } });
    const event = await publishEvent(stack, { type: 'orders.created', data: { order: 42, items: ['a', 'b'] } });

    const [req] = await r.waitForRequests(1);
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(delivery.status).toBe('succeeded');

    expect(req!.method).toBe('POST');
    const verified = new StandardWebhook(hook.secret).verify(req!.body, req!.headers as Record<string, string>);
    expect(verified).toEqual({
      type: 'orders.created',
      timestamp: expect.any(String),
      webhook: { id: hook.id, name: 'test hook' },
      data: { order: 42, items: ['a', 'b'] },
    });
    expect(req!.headers['webhook-id']).toBe(event.id);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['user-agent']).toMatch(/^Hookline-Webhooks\//);
    expect(req!.headers['x-client-id']).toBe('default');
    expect(req!.headers['x-team']).toBe('billing');
    expect(req!.headers.authorization).toBe('Bearer t0k');
    expect(() => new StandardWebhook(hook.secret).verify(req!.body.replace('42', '43'), req!.headers as Record<string, string>)).toThrow();
  });

  it('records the attempt and updates the webhook', async () => {
    const r = await receiver(() => ({ status: 201, body: 'created!' }));
    const hook = await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'thing.happened', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);

    expect(delivery).toMatchObject({
      status: 'succeeded',
      attempt_count: 1,
      last_status_code: 201,
      last_error: null,
      webhook_id: hook.id,
      event_id: event.id,
      profile: 'standard',
    });
    expect(delivery.attempts).toEqual([
      {
        attempt: 1,
        status: 'succeeded',
        status_code: 201,
        duration_ms: expect.any(Number),
        response_body: 'created!',
        error: null,
        started_at: expect.any(String),
        profile: 'standard',
        request_body: expect.any(String),
        request_sent: true,
        response_headers: expect.arrayContaining([{ name: 'transfer-encoding', value: 'chunked' }]),
        response_headers_truncated: false,
      },
    ]);
    const webhook = (await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body;
    expect(webhook.last_triggered_at).not.toBeNull();
    expect(webhook.failure_count).toBe(0);
  });
});

describe('retries', () => {
  it('retries 5xx with the same webhook-id and signature base until a 2xx', async () => {
    const r = await receiver(Receiver.sequence({ status: 500, body: 'boom' }, { status: 503 }, { status: 200 }));
    await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'retry.me', data: { n: 1 } });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);

    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((a: any) => [a.attempt, a.status, a.status_code])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 503],
      [3, 'succeeded', 200],
    ]);
    expect(delivery.attempts[0].response_body).toBe('boom');
    expect(delivery.attempts[0].error).toBe('receiver answered 500');
    const ids = new Set(r.requests.map((q) => q.headers['webhook-id']));
    expect(ids).toEqual(new Set([event.id]));
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
    // The shortened schedule still backs off: the second gap is about twice the first.
    const [a, b, c] = r.requests.map((q) => q.receivedAt);
    expect(b! - a!).toBeGreaterThanOrEqual(250);
    expect(c! - b!).toBeGreaterThanOrEqual(500);
  });

  it('ends as failed when every attempt fails, and counts the failure on the webhook', async () => {
    const r = await receiver(() => ({ status: 502 }));
    const hook = await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'always.fails', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);

    expect(delivery.status).toBe('failed');
    expect(delivery.attempt_count).toBe(3);
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.last_error).toBe('receiver answered 502');
    expect(r.requests).toHaveLength(3);
    const webhook = (await stack.http.get(`/v1/webhooks/${hook.id}`).set(stack.auth)).body;
    expect(webhook.failure_count).toBe(1);
  });

  it('does not retry a 4xx', async () => {
    const r = await receiver(() => ({ status: 400, body: 'bad payload' }));
    await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'client.error', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);

    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'failed', status_code: 400, response_body: 'bad payload' })]);
    expect(r.requests).toHaveLength(1);
  });

  it('retries a timeout', async () => {
    const r = await receiver(Receiver.sequence({ status: 200, delayMs: 3_000 }, { status: 200 }));
    await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'slow.receiver', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);

    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts[0]).toMatchObject({ attempt: 1, status: 'failed', status_code: null, error: 'no response within 1000 ms' });
    expect(delivery.attempts[0].duration_ms).toBeGreaterThanOrEqual(900);
    expect(delivery.attempts[1]).toMatchObject({ attempt: 2, status: 'succeeded', status_code: 200 });
  });

  it('retries a connection error', async () => {
    const r = await receiver();
    const url = r.url;
    await r.stop();
    await createWebhook(stack, { url });
    const event = await publishEvent(stack, { type: 'nobody.home', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.attempts[0].error).toMatch(/^connection failed: .*ECONNREFUSED/);
  });

  it('honours Retry-After on a 429', async () => {
    const r = await receiver(Receiver.sequence({ status: 429, headers: { 'Retry-After': '2' } }, { status: 200 }));
    await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'rate.limited', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);

    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((a: any) => a.status_code)).toEqual([429, 200]);
    const gap = r.requests[1]!.receivedAt - r.requests[0]!.receivedAt;
    // The schedule alone would wait 300 ms; the receiver asked for 2 s.
    expect(gap).toBeGreaterThanOrEqual(1_900);
  });

  it('retries a 408 like a 5xx', async () => {
    const r = await receiver(Receiver.sequence({ status: 408 }, { status: 204 }));
    await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'request.timeout', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(delivery.attempts.map((a: any) => a.status_code)).toEqual([408, 204]);
    expect(delivery.status).toBe('succeeded');
  });

  it('truncates long response bodies', async () => {
    const r = await receiver(() => ({ status: 500, body: 'x'.repeat(100_000) }));
    await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'big.answer', data: {} });
    const delivery = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(delivery.attempts[0].response_body.length).toBeLessThanOrEqual(4097);
    expect(delivery.attempts[0].response_body.endsWith('…')).toBe(true);
  });
});

describe('fan-out', () => {
  it('delivers an event to every active subscriber of its type or "*", and to no one else', async () => {
    const [exact, wildcard, other, deleted] = await Promise.all([receiver(), receiver(), receiver(), receiver()]);
    const hExact = await createWebhook(stack, { url: exact.url, events: ['invoice.paid', 'invoice.sent'] });
    const hWild = await createWebhook(stack, { url: wildcard.url, events: ['*'] });
    await createWebhook(stack, { url: other.url, events: ['invoice.voided'] });
    const hDeleted = await createWebhook(stack, { url: deleted.url, events: ['invoice.paid'] });
    await stack.http.delete(`/v1/webhooks/${hDeleted.id}`).set(stack.auth).expect(204);

    const event = await publishEvent(stack, { type: 'invoice.paid', data: { id: 'inv_1' } });
    const targeted = event.deliveries.map((d) => d.webhook_id);
    expect(targeted).toHaveLength(2);
    expect(targeted).toEqual(expect.arrayContaining([hExact.id, hWild.id]));
    expect(event.deliveries.every((d) => d.workflow_id === `delivery-${event.id}-${d.webhook_id}`)).toBe(true);

    await exact.waitForRequests(1);
    await wildcard.waitForRequests(1);
    for (const d of event.deliveries) expect((await waitForFinalDelivery(stack, d.id)).status).toBe('succeeded');
    expect(other.requests).toHaveLength(0);
    expect(deleted.requests).toHaveLength(0);
  });

  it('accepts an event nobody subscribes to, with no deliveries', async () => {
    const event = await publishEvent(stack, { type: 'nobody.listens.to.this', data: {} });
    expect(event.deliveries).toEqual([]);
  });
});

describe('the test endpoint', () => {
  it('sends a webhook.test event to that webhook alone, through a delivery workflow', async () => {
    const [target, bystander] = await Promise.all([receiver(), receiver()]);
    const hook = await createWebhook(stack, { url: target.url, events: ['*'] });
    await createWebhook(stack, { url: bystander.url, events: ['*'] });

    const res = await stack.http.post(`/v1/webhooks/${hook.id}/test`).set(stack.auth);
    expect(res.status).toBe(202);
    expect(res.body.type).toBe('webhook.test');
    expect(res.body.deliveries).toEqual([expect.objectContaining({ webhook_id: hook.id })]);

    const [req] = await target.waitForRequests(1);
    const payload = new StandardWebhook(hook.secret).verify(req!.body, req!.headers as Record<string, string>) as any;
    expect(payload.type).toBe('webhook.test');
    expect(payload.data.webhook_id).toBe(hook.id);
    expect((await waitForFinalDelivery(stack, res.body.deliveries[0].id)).status).toBe('succeeded');
    const wf = await stack.temporal.workflow.getHandle(res.body.deliveries[0].workflow_id).describe();
    expect(wf.type).toBe('deliveryWorkflow');
    expect(bystander.requests).toHaveLength(0);
  });

  it('answers 404 for an unknown webhook', async () => {
    const res = await stack.http.post('/v1/webhooks/00000000-0000-4000-8000-000000000000/test').set(stack.auth);
    expect(res.status).toBe(404);
  });
});

describe('inspection in Temporal', () => {
  it('tags each delivery workflow with WebhookId and EventType, and one that did not succeed with DeliveryStatus', async () => {
    const r = await receiver(() => ({ status: 404 }));
    const hook = await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'tagged.event', data: {} });
    const d = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(d.status).toBe('failed');

    const handle = stack.temporal.workflow.getHandle(d.workflow_id);
    expect(await handle.result()).toMatchObject({ status: 'failed', error: 'receiver answered 404' });
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(WebhookIdAttribute)).toBe(hook.id);
    expect(described.typedSearchAttributes.get(EventTypeAttribute)).toBe('tagged.event');
    expect(described.typedSearchAttributes.get(DeliveryStatusAttribute)).toBe('failed');

    // An operator's query in the Web UI finds it.
    const found = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const wf of stack.temporal.workflow.list({ query: `WebhookId = "${hook.id}" AND DeliveryStatus = "failed"` })) ids.push(wf.workflowId);
        return ids.length > 0 ? ids : undefined;
      },
      { message: 'visibility to index the workflow' },
    );
    expect(found).toEqual([d.workflow_id]);
  });

  it('leaves a successful delivery without DeliveryStatus: its workflow completed', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const hook = await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'tagged.success', data: {} });
    const d = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(d.status).toBe('succeeded');
    const handle = stack.temporal.workflow.getHandle(d.workflow_id);
    expect(await handle.result()).toMatchObject({ status: 'succeeded', statusCode: 200 });
    const described = await handle.describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.typedSearchAttributes.get(WebhookIdAttribute)).toBe(hook.id);
    expect(described.typedSearchAttributes.get(DeliveryStatusAttribute)).toBeUndefined();
  });
});

describe('deleting a webhook with a delivery in its backoff', () => {
  it('ends the delivery as cancelled instead of sending', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const hook = await createWebhook(stack, { url: r.url });
    const event = await publishEvent(stack, { type: 'will.be.cancelled', data: {} });
    await r.waitForRequests(1);
    await stack.http.delete(`/v1/webhooks/${hook.id}`).set(stack.auth).expect(204);
    const d = await waitForFinalDelivery(stack, event.deliveries[0]!.id);
    expect(d.status).toBe('cancelled');
    expect(d.last_error).toBe('webhook was deleted');
    expect(r.requests).toHaveLength(1);
  });
});
