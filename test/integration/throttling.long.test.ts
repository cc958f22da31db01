import { createWebhook, getDelivery, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { mostInAnyWindow, RateReceiver, type Arrival } from '../support/rate-receiver';
import { waitFor } from '../support/wait-for';

jest.setTimeout(120_000);

/**
 * Throttled webhooks (`rate_limit`) on the real stack. Rates are counted at a receiver in its own
 * process, on its monotonic clock (test/support/rate-receiver.ts).
 */
let stack: Stack;
let receiver: RateReceiver;

beforeAll(async () => {
  [stack, receiver] = await Promise.all([
    startStack({
      env: { RETRY_INITIAL_INTERVAL_MS: '100', RETRY_BACKOFF_COEFFICIENT: '1', RETRY_MAXIMUM_ATTEMPTS: '20', AUTO_DISABLE_FAILURE_THRESHOLD: '-1' },
    }),
    RateReceiver.start(),
  ]);
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

const numberOf = (a: Arrival): number => (JSON.parse(a.body) as { data: { n: number } }).data.n;
const throttled = (name: string, type: string, rate: Record<string, number>, extra: Record<string, unknown> = {}) =>
  createWebhook(stack, { url: receiver.url(name), events: [type], rate_limit: rate, ...extra } as Parameters<typeof createWebhook>[1]);

/** Publishes events n = 1..count, `concurrency` at a time; returns their delivery ids by n. */
async function publishMany(type: string, count: number, concurrency = 8): Promise<string[]> {
  const ids: string[] = [];
  let next = 1;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next <= count) {
        const n = next++;
        ids[n - 1] = (await publishEvent(stack, { type, data: { n } })).deliveries[0]!.id;
      }
    }),
  );
  return ids;
}

let progressNote = '';
async function waitForArrivals(name: string, count: number, timeoutMs: number, accepted = false): Promise<Arrival[]> {
  return waitFor(
    async () => {
      const got = (await receiver.arrivals(name)).filter((a) => !accepted || a.status < 300);
      const { rows } = await stack.api.pool.query(
        `SELECT w.url, d.status, d.dispatched_at IS NOT NULL AS dispatched, d.dispatch_claimed_until > now() AS claimed, count(*)::int AS n
           FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      );
      progressNote = `got ${got.length}; ` + JSON.stringify(rows);
      return got.length >= count ? got : undefined;
    },
    { timeoutMs, intervalMs: 200, message: `${count} arrivals at ${name}`, progress: () => progressNote },
  );
}

describe('the rate_limit setting', () => {
  const create = (rate_limit: unknown) =>
    stack.http.post('/v1/webhooks').set(stack.auth).send({ name: 'r', url: receiver.url('api'), events: ['throttle.api'], rate_limit });

  it.each([
    ['both windows', { per_second: 1, per_minute: 60 }],
    ['zero', { per_second: 0 }],
    ['a fraction', { per_second: 1.5 }],
    ['above the ceiling per second', { per_second: 1_001 }],
    ['above the ceiling per minute', { per_minute: 60_001 }],
    ['another window', { per_hour: 5 }],
    ['a bare number', 20],
  ])('refuses %s with 422 validation_failed, storing nothing', async (_label, rate) => {
    const before = (await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n;
    const res = await create(rate);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/body\.rate_limit/);
    expect((await stack.api.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n).toBe(before);
  });

  it('is shown on GET, changed by PATCH, refused by PATCH when bad (the old rate stays), cleared by null', async () => {
    const { body } = await create({ per_second: 1_000 });
    expect(body.rate_limit).toEqual({ per_second: 1_000 });
    const url = `/v1/webhooks/${body.id}`;
    expect((await stack.http.patch(url).set(stack.auth).send({ rate_limit: { per_minute: 60_000 } })).body.rate_limit).toEqual({ per_minute: 60_000 });
    expect((await stack.http.patch(url).set(stack.auth).send({ rate_limit: { per_minute: -1 } })).status).toBe(422);
    expect((await stack.http.get(url).set(stack.auth)).body.rate_limit).toEqual({ per_minute: 60_000 });
    expect((await stack.http.patch(url).set(stack.auth).send({ rate_limit: null })).body.rate_limit).toBeNull();
    expect((await stack.http.get(url).set(stack.auth)).body.rate_limit).toBeNull();
  });
});

describe('a throttled webhook', () => {
  it('never gets more than N requests in any one-second window, retries included, and every delivery arrives; the wait shows as throttled_until', async () => {
    const N = 10;
    await receiver.setRule({ fail_every: 4 });
    await throttled('rate', 'throttle.rate', { per_second: N });
    const ids = await publishMany('throttle.rate', 60);
    // The last ones wait seconds for their turn, and say until when.
    const waiting = await waitFor(
      async () => {
        const d = await getDelivery(stack, ids[59]!);
        const { rows } = await stack.api.pool.query(
          `SELECT d.status, d.dispatched_at IS NOT NULL AS dispatched, d.throttled_until IS NOT NULL AS t, d.attempt_count, count(*)::int AS n
             FROM deliveries d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
        );
        progressNote = JSON.stringify(d) + JSON.stringify(rows) + JSON.stringify((await receiver.arrivals('rate')).length);
        return d.throttled_until ? d : undefined;
      },
      {
        message: 'the last delivery to show when it may go',
        progress: () => progressNote,
      },
    );
    expect(waiting.status).toBe('pending');
    expect(Date.parse(waiting.throttled_until)).toBeGreaterThan(Date.now());

    const accepted = await waitForArrivals('rate', 60, 60_000, true);
    const all = await receiver.arrivals('rate');
    await receiver.setRule({ fail_every: 0 });
    expect(new Set(accepted.map(numberOf)).size).toBe(60);
    expect(all.length).toBeGreaterThan(75); // a quarter failed and were retried
    expect(mostInAnyWindow(all, 1)).toBeLessThanOrEqual(N);
    // Several seconds at the rate: the ceiling was the limit, not the load.
    expect(all.at(-1)!.t - all[0]!.t).toBeGreaterThan(all.length / N - 1.5);
    for (const id of ids.slice(0, 10)) {
      const d = await waitForFinalDelivery(stack, id);
      expect(d.status).toBe('succeeded');
      expect(d.throttled_until).toBeNull();
      // Waits spend no attempt: the attempts are numbered 1.. without gaps, one per request.
      expect(d.attempts.map((a: { attempt: number }) => a.attempt).sort()).toEqual(d.attempts.map((_: unknown, i: number) => i + 1));
    }
    const metrics = await stack.worker!.metrics.registry.getSingleMetricAsString('hookline_delivery_throttled_waits_total');
    expect(Number(/ (\d+)$/m.exec(metrics)![1])).toBeGreaterThan(0);
  });

  it('a 429 with Retry-After holds the webhook for that long, then halves its rate', async () => {
    const N = 10;
    await throttled('slow', 'throttle.slow', { per_second: N });
    const before = (await receiver.arrivals()).length;
    // The 6th request to this receiver from now answers 429, Retry-After: 2.
    await receiver.setRule({ answer_429_at: [before + 6], retry_after: 2 });
    await publishMany('throttle.slow', 40);
    const accepted = await waitForArrivals('slow', 40, 60_000, true);
    expect(new Set(accepted.map(numberOf)).size).toBe(40);
    const all = await receiver.arrivals('slow');
    const refused = all.findIndex((a) => a.status === 429);
    expect(refused).toBe(5);
    const at = all[refused]!.t;
    // Requests that passed the gate before the 429 came back may still land just after it; none later in the hold.
    const duringHold = all.filter((a) => a.t > at + 0.15 && a.t < at + 1.95);
    expect(duringHold).toEqual([]);
    const after = all.filter((a) => a.t >= at + 1.95);
    expect(after.length).toBeGreaterThan(20);
    expect(mostInAnyWindow(after, 1)).toBeLessThanOrEqual(N / 2);
    expect(mostInAnyWindow(all, 1)).toBeLessThanOrEqual(N);
  });

  it('combined with fifo: one at a time, in order, within the rate, retries included', async () => {
    await receiver.setRule({ fail_every: 3, answer_429_at: [] });
    await throttled('fifo', 'throttle.fifo', { per_second: 5 }, { ordering: 'fifo' });
    for (let n = 1; n <= 20; n++) await publishEvent(stack, { type: 'throttle.fifo', data: { n } });
    const accepted = await waitForArrivals('fifo', 20, 60_000, true);
    await receiver.setRule({ fail_every: 0 });
    expect(accepted.map(numberOf)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const all = await receiver.arrivals('fifo');
    expect(all.length).toBeGreaterThan(20);
    expect(mostInAnyWindow(all, 1)).toBeLessThanOrEqual(5);
  });

  it('a delivery waiting for its rate can be cancelled, and held by a pause and released by a resume, keeping its turn', async () => {
    // 6 a minute: a slot every ten seconds.
    const hook = await throttled('ops', 'throttle.ops', { per_minute: 6 });
    const ids = await publishMany('throttle.ops', 3, 1);
    const [firstArrival] = await waitForArrivals('ops', 1, 20_000);
    // The other two wait for the next slots, ten and twenty seconds on, and say so.
    const waiting = await waitFor(
      async () => {
        const ds = await Promise.all(ids.filter((_, i) => i + 1 !== numberOf(firstArrival!)).map((id) => getDelivery(stack, id)));
        return ds.every((d) => d.throttled_until) ? ds.sort((a, b) => Date.parse(a.throttled_until) - Date.parse(b.throttled_until)) : undefined;
      },
      { message: 'the two waiting deliveries to show when they may go' },
    );
    const [next, last] = waiting;
    expect(Date.parse(last.throttled_until)).toBeGreaterThan(Date.now() + 5_000);
    expect((await stack.http.post(`/v1/deliveries/${last.id}/cancel`).set(stack.auth)).status).toBe(200);
    expect((await waitForFinalDelivery(stack, last.id)).status).toBe('cancelled');

    expect((await stack.http.post(`/v1/webhooks/${hook.id}/pause`).set(stack.auth)).status).toBe(200);
    expect((await stack.http.post(`/v1/webhooks/${hook.id}/resume`).set(stack.auth)).status).toBe(200);
    const [, secondArrival] = await waitForArrivals('ops', 2, 30_000);
    // It went at its turn, ten seconds after the first (less the tolerance), not at the resume.
    expect(secondArrival!.t - firstArrival!.t).toBeGreaterThan(9.9);
    expect((await waitForFinalDelivery(stack, next.id)).status).toBe('succeeded');
    const arrived = (await receiver.arrivals('ops')).map(numberOf);
    expect(arrived).toHaveLength(2);
    expect(arrived).not.toContain(ids.indexOf(last.id) + 1);
  });
});

describe('beside a throttled backlog', () => {
  /** Publishes `count` events to the healthy webhook, one every `everyMs`; returns each one's e2e latency (ms). */
  async function healthyLatencies(type: string, name: string, count: number, everyMs = 100): Promise<number[]> {
    const sentAt = new Map<number, number>();
    const base = (await receiver.arrivals(name)).length;
    const start = Date.now();
    const publishes: Promise<unknown>[] = [];
    for (let n = 1; n <= count; n++) {
      const due = start + (n - 1) * everyMs;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      sentAt.set(n, Date.now());
      publishes.push(publishEvent(stack, { type, data: { n } }));
    }
    await Promise.all(publishes);
    const arrivals = (await waitForArrivals(name, base + count, 30_000)).slice(base);
    return arrivals.map((a) => a.wall - sentAt.get(numberOf(a))!);
  }
  const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1]!;

  it('a healthy webhook keeps its p99 while 2,000 deliveries wait on a throttled one', async () => {
    await createWebhook(stack, { url: receiver.url('healthy'), events: ['neighbour.healthy'] });
    await healthyLatencies('neighbour.healthy', 'healthy', 20); // warm-up
    const before = p99(await healthyLatencies('neighbour.healthy', 'healthy', 100));

    const backlog = await throttled('backlog', 'neighbour.backlog', { per_second: 5 });
    await publishMany('neighbour.backlog', 2_000, 16);
    // The backlog is queued and flowing at its rate.
    await waitForArrivals('backlog', 10, 30_000);
    const beside = p99(await healthyLatencies('neighbour.healthy', 'healthy', 100));
    // The backlog keeps to its rate, and most of it waits in the outbox, not in Temporal.
    expect(mostInAnyWindow(await receiver.arrivals('backlog'), 1)).toBeLessThanOrEqual(5);
    const { rows } = await stack.api.pool.query(
      `SELECT count(*) FILTER (WHERE dispatched_at IS NULL)::int AS waiting, count(*)::int AS pending
         FROM deliveries WHERE webhook_id = $1 AND status = 'pending'`,
      [backlog.id],
    );
    expect(rows[0].pending).toBeGreaterThan(1_500);
    expect(rows[0].waiting).toBeGreaterThan(rows[0].pending - 100);

    // The baseline again once the backlog is gone, so a host whose load drifts (other processes) does not decide the comparison.
    expect((await stack.http.delete(`/v1/webhooks/${backlog.id}`).set(stack.auth)).status).toBe(204);
    await healthyLatencies('neighbour.healthy', 'healthy', 20);
    const after = p99(await healthyLatencies('neighbour.healthy', 'healthy', 100));
    const baseline = (before + after) / 2;
    const bound = Math.max(2 * baseline, baseline + 50);
    console.log(`healthy p99: ${before} ms before, ${beside} ms beside the throttled backlog, ${after} ms after (bound ${bound} ms)`);
    expect(beside).toBeLessThanOrEqual(bound);
  });
});
