import { deliveryLineWorkflowId } from '../../src/domain/workflow-ids';
import { deliveryLineProgressQuery, deliveryProgressQuery } from '../../workflows/definitions';
import { createWebhook, getDelivery, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receivers, type Receiver, type ReceivedRequest, type Reply } from '../support/receiver';
import { waitFor } from '../support/wait-for';

jest.setTimeout(300_000);

/** The number an event of these tests carries in its data. */
const numberOf = (req: ReceivedRequest): number => (JSON.parse(req.body) as { data: { n: number } }).data.n;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A receiver that records the numbers it accepted (answered 2xx), in the order it accepted them. */
async function numberedReceiver(receivers: Receivers, reply: (n: number, nth: number) => Reply = () => ({ status: 200 })) {
  const accepted: number[] = [];
  const receiver = await receivers.start((nth, req) => {
    const r = reply(numberOf(req), nth);
    if (r.status < 300) accepted.push(numberOf(req));
    return r;
  });
  return { receiver, accepted };
}

async function publishNumbered(stack: Stack, type: string, numbers: number[]) {
  const ids: Record<number, string> = {};
  // One after another: each is accepted (committed) before the next is sent.
  for (const n of numbers) ids[n] = (await publishEvent(stack, { type, data: { n } })).deliveries[0]!.id;
  return ids;
}

describe('ordered (fifo) webhooks', () => {
  let stack: Stack;
  const receivers = new Receivers();

  beforeAll(async () => {
    stack = await startStack({
      env: { RETRY_INITIAL_INTERVAL_MS: '50', RETRY_BACKOFF_COEFFICIENT: '1', RETRY_MAXIMUM_ATTEMPTS: '30', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await receivers.stopAll();
  });

  const fifoWebhook = (receiver: Receiver, type: string) =>
    createWebhook(stack, { url: receiver.url, events: [type], ordering: 'fifo' } as Parameters<typeof createWebhook>[1]);

  it('500 events to a fifo webhook whose receiver fails the first 20 requests arrive as 1..500, in order, once each; an unordered webhook beside it is not held', async () => {
    const fifo = await numberedReceiver(receivers, (_n, nth) => ({ status: nth <= 20 ? 503 : 200 }));
    // The unordered one fails its event 1 twenty times: the others do not wait for it.
    let ones = 0;
    const plain = await numberedReceiver(receivers, (n) => ({ status: n === 1 && ++ones <= 20 ? 503 : 200 }));
    await fifoWebhook(fifo.receiver, 'line.a');
    await createWebhook(stack, { url: plain.receiver.url, events: ['line.a'] });

    const published: number[] = [];
    for (const n of range(1, 500)) {
      const event = await publishEvent(stack, { type: 'line.a', data: { n } });
      published.push(n);
      expect(event.deliveries).toHaveLength(2);
    }
    await waitFor(() => fifo.accepted.length >= 500 && plain.accepted.length >= 500, {
      // Serial by definition: each delivery of the line is its own child workflow, one after another.
      timeoutMs: 240_000,
      intervalMs: 200,
      message: '500 accepted deliveries at each receiver',
      progress: () => `fifo ${fifo.accepted.length}, unordered ${plain.accepted.length}`,
    });
    expect(fifo.accepted).toEqual(range(1, 500));
    // The head took all 20 failures: nothing behind it went out meanwhile.
    expect(fifo.receiver.requests.slice(0, 21).map(numberOf)).toEqual(Array(21).fill(1));
    expect(fifo.receiver.requests).toHaveLength(520);
    expect([...plain.accepted].sort((a, b) => a - b)).toEqual(range(1, 500));
    expect(plain.accepted.indexOf(1)).toBeGreaterThan(0);
  });

  it('a head waiting in backoff holds the rest, and retry-now on one waiting behind it is a 409 waiting_in_line', async () => {
    let heads = 0;
    const { receiver, accepted } = await numberedReceiver(receivers, (n) =>
      n === 1 && ++heads === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 200 },
    );
    const hook = await fifoWebhook(receiver, 'line.b');
    const ids = await publishNumbered(stack, 'line.b', [1, 2, 3]);
    await receiver.waitForRequests(1);

    const waiting = await stack.http.post(`/v1/deliveries/${ids[2]}/retry-now`).set(stack.auth);
    expect(waiting.status).toBe(409);
    expect(waiting.body.error.code).toBe('waiting_in_line');
    const second = await getDelivery(stack, ids[2]!);
    expect(second).toMatchObject({ status: 'pending', sequence: 2, attempt_count: 0 });

    await waitFor(() => accepted.length === 3, { message: 'the three deliveries' });
    expect(receiver.requests.map(numberOf)).toEqual([1, 1, 2, 3]);
    expect(receiver.requests[1]!.receivedAt - receiver.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1_500);
    expect((await getDelivery(stack, ids[1]!)).sequence).toBe(1);
    expect(hook.ordering).toBe('fifo');
  });

  it('pausing mid-line holds what is left; after resume the order is kept', async () => {
    const { receiver, accepted } = await numberedReceiver(receivers, () => ({ status: 200, delayMs: 300 }));
    const hook = await fifoWebhook(receiver, 'line.c');
    await publishNumbered(stack, 'line.c', range(1, 10));
    await waitFor(() => accepted.length >= 3, { message: '3 accepted before the pause' });
    expect((await stack.http.post(`/v1/webhooks/${hook.id}/pause`).set(stack.auth)).status).toBe(200);
    // The line's head holds (its own workflow says so), and the line waits for it.
    await waitFor(
      async () => {
        const { head } = await stack.temporal.workflow.getHandle(deliveryLineWorkflowId(hook.id)).query(deliveryLineProgressQuery);
        if (!head) return false;
        const { workflow_id } = await getDelivery(stack, head);
        return (await stack.temporal.workflow.getHandle(workflow_id).query(deliveryProgressQuery)).held;
      },
      { message: 'the head held by the pause' },
    );
    const heldAt = accepted.length;
    await publishNumbered(stack, 'line.c', range(11, 15));
    expect(accepted.length).toBe(heldAt);
    expect(heldAt).toBeLessThan(10);
    expect((await stack.http.post(`/v1/webhooks/${hook.id}/resume`).set(stack.auth)).status).toBe(200);
    await waitFor(() => accepted.length >= 15, { message: 'all 15 after resume', progress: () => `${accepted.length}` });
    expect(accepted).toEqual(range(1, 15));
    expect(receiver.requests.map(numberOf)).toEqual(range(1, 15));
  });

  it('a refused head ends failed and the line moves on; recovering it sends it after those already waiting', async () => {
    let twos = 0;
    let fives = 0;
    const { receiver, accepted } = await numberedReceiver(receivers, (n) => {
      if (n === 2 && ++twos === 1) return { status: 400 };
      if (n === 5 && ++fives === 1) return { status: 429, headers: { 'Retry-After': '2' } };
      return { status: 200 };
    });
    const hook = await fifoWebhook(receiver, 'line.d');
    const since = new Date(Date.now() - 60_000).toISOString();
    const ids = await publishNumbered(stack, 'line.d', [1, 2, 3, 4]);
    await waitFor(() => accepted.length >= 3, { message: '1, 3 and 4 accepted' });
    expect(accepted).toEqual([1, 3, 4]);
    const failed = await waitForFinalDelivery(stack, ids[2]!);
    expect(failed.status).toBe('failed');

    // 5 waits in backoff at the head, 6 and 7 behind it; then 2 is recovered: it goes last.
    const later = await publishNumbered(stack, 'line.d', [5, 6, 7]);
    await waitFor(() => receiver.requests.some((r) => numberOf(r) === 5), { message: 'the first try of 5' });
    const recovered = await stack.http.post(`/v1/webhooks/${hook.id}/recover`).set(stack.auth).send({ since });
    expect(recovered.status).toBe(202);
    await waitFor(() => accepted.length >= 7, { message: 'all seven accepted', progress: () => accepted.join(',') });
    expect(accepted).toEqual([1, 3, 4, 5, 6, 7, 2]);
    const again = await waitForFinalDelivery(stack, ids[2]!);
    expect(again.status).toBe('succeeded');
    expect(again.sequence).toBeGreaterThan((await getDelivery(stack, later[7]!)).sequence);
  });

  it('a line terminated mid-delivery is replaced at the next wake, which waits for the head still running and keeps the order', async () => {
    let heads = 0;
    const { receiver, accepted } = await numberedReceiver(receivers, (n) =>
      n === 1 && ++heads === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 200 },
    );
    const hook = await fifoWebhook(receiver, 'line.f');
    await publishNumbered(stack, 'line.f', [1, 2]);
    await receiver.waitForRequests(1);
    // The head's own workflow outlives its line (parent close policy ABANDON).
    await stack.temporal.workflow.getHandle(deliveryLineWorkflowId(hook.id)).terminate('test: the line is gone');
    await publishNumbered(stack, 'line.f', [3]);
    await waitFor(() => accepted.length >= 3, { message: 'all three accepted', progress: () => accepted.join(',') });
    expect(accepted).toEqual([1, 2, 3]);
    expect(receiver.requests.map(numberOf)).toEqual([1, 1, 2, 3]);
  });

  it('cancelling one waiting in line takes it out; disabling cancels the line, and after enable new events go in order', async () => {
    let ones = 0;
    let failing = true;
    const { receiver, accepted } = await numberedReceiver(receivers, (n) =>
      n === 1 && ++ones === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: failing && n >= 10 ? 503 : 200 },
    );
    const hook = await fifoWebhook(receiver, 'line.g');
    const ids = await publishNumbered(stack, 'line.g', [1, 2, 3]);
    await receiver.waitForRequests(1);
    expect((await stack.http.post(`/v1/deliveries/${ids[2]}/cancel`).set(stack.auth)).status).toBe(200);
    await waitFor(() => accepted.length >= 2, { message: '1 and 3 accepted', progress: () => accepted.join(',') });
    expect(accepted).toEqual([1, 3]);
    expect((await getDelivery(stack, ids[2]!)).status).toBe('cancelled');

    // 10 fails and holds 11 and 12 behind it; disabling cancels all three.
    const more = await publishNumbered(stack, 'line.g', [10, 11, 12]);
    await waitFor(() => receiver.requests.some((r) => numberOf(r) === 10), { message: 'a try of 10' });
    expect((await stack.http.post(`/v1/webhooks/${hook.id}/disable`).set(stack.auth)).status).toBe(200);
    for (const n of [10, 11, 12]) expect((await waitForFinalDelivery(stack, more[n]!)).status).toBe('cancelled');
    expect(receiver.requests.filter((r) => numberOf(r) > 10)).toEqual([]);

    failing = false;
    expect((await stack.http.post(`/v1/webhooks/${hook.id}/enable`).set(stack.auth)).status).toBe(200);
    await publishNumbered(stack, 'line.g', [20, 21, 22]);
    await waitFor(() => accepted.length >= 5, { message: '20, 21 and 22 accepted', progress: () => accepted.join(',') });
    expect(accepted).toEqual([1, 3, 20, 21, 22]);
  });

  it('events published concurrently to two fifo webhooks get the same order at both: the commit order', async () => {
    const a = await numberedReceiver(receivers);
    const b = await numberedReceiver(receivers);
    const hookA = await fifoWebhook(a.receiver, 'line.h');
    const hookB = await fifoWebhook(b.receiver, 'line.h');
    const events: Array<{ id: string; deliveries: Array<{ id: string; webhook_id: string }> }> = [];
    let next = 1;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next <= 80) events.push(await publishEvent(stack, { type: 'line.h', data: { n: next++ } }));
      }),
    );
    expect(events).toHaveLength(80);
    const sequences = await Promise.all(
      events.map(async (e) => {
        const [da, db] = [hookA.id, hookB.id].map((w) => e.deliveries.find((d) => d.webhook_id === w)!.id);
        return { a: (await getDelivery(stack, da!)).sequence as number, b: (await getDelivery(stack, db!)).sequence as number };
      }),
    );
    expect(sequences.map((s) => s.a).sort((x, y) => x - y)).toEqual(range(1, 80));
    // One commit order for both: the event numbered k at one webhook is numbered k at the other.
    for (const s of sequences) expect(s.b).toBe(s.a);
  });

  it('an unordered webhook keeps sequence null', async () => {
    const { receiver } = await numberedReceiver(receivers);
    await createWebhook(stack, { url: receiver.url, events: ['line.e'] });
    const ids = await publishNumbered(stack, 'line.e', [1]);
    const done = await waitForFinalDelivery(stack, ids[1]!);
    expect(done).toMatchObject({ status: 'succeeded', sequence: null });
  });
});
