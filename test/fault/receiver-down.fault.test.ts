/**
 * Fault 5: the receiver is down for 60 s (its port closed: connections refused). Events are
 * published just after it goes down. All deliveries arrive after it returns, within their retry
 * schedule, and the attempt rows show each failure.
 *
 * Shortened schedule, so that 60 s of downtime spans several retries: first retry after 1 s,
 * doubling, 8 attempts, at about 0, 1, 3, 7, 15, 31, 63 and 127 s. Attempts 1 to 6 fall in the
 * outage; attempt 7 (about 63 s) succeeds. With the default schedule (0, 10, 30, 70, 150 s) the
 * same outage costs 3 attempts and the 4th, at about 70 s, delivers.
 * Auto-disable is off (AUTO_DISABLE_FAILURE_THRESHOLD=-1): with the default threshold (5 failures
 * within 10 s) the webhook would be disabled during the outage and its deliveries cancelled.
 */
import { CountingReceiver } from './support/counting-receiver';
import { createWebhook, publishAll } from './support/engine-client';
import { FaultStack } from './support/fault-stack';
import { deliveryRows, explainDuplicates, printReport, tally } from './support/report';
import { hold, waitUntil } from './support/wait';

jest.setTimeout(300_000);

const DOWN_MS = 60_000;
const EVENTS = 30;
const SCHEDULE = { initialMs: 1_000, coefficient: 2, attempts: 8 };
/** When attempt n (1-based) is due, counted from the first. */
const dueAt = (n: number) => (SCHEDULE.initialMs * (Math.pow(SCHEDULE.coefficient, n - 1) - 1)) / (SCHEDULE.coefficient - 1);

describe('fault: receiver down for 60 s', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;

  beforeAll(async () => {
    receiver = new CountingReceiver(() => ({ status: 200 }));
    await receiver.up();
    stack = await FaultStack.start({
      name: 'receiver-down',
      env: {
        RETRY_INITIAL_INTERVAL_MS: String(SCHEDULE.initialMs),
        RETRY_BACKOFF_COEFFICIENT: String(SCHEDULE.coefficient),
        RETRY_MAXIMUM_ATTEMPTS: String(SCHEDULE.attempts),
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  test('all deliveries arrive after it returns, within the schedule, with every failure recorded', async () => {
    const startedAt = Date.now();
    try {
      await createWebhook(stack, receiver.url('/hook'), ['fault.receiver']);
      await receiver.down();
      const downAt = Date.now();
      const outcomes = await publishAll(
        stack,
        Array.from({ length: EVENTS }, (_, i) => ({ type: 'fault.receiver', data: { i } })),
      );
      const ids = outcomes.map((o) => {
        expect(o.kind).toBe('accepted');
        return o.kind === 'accepted' ? o.eventId : '';
      });
      // Each delivery's failures are recorded while the receiver is down.
      await waitUntil(
        async () => {
          const rows = await deliveryRows(stack.db, ids);
          return rows.length === EVENTS && rows.every((r) => r.failedRows >= 2);
        },
        { timeoutMs: 30_000, message: 'the first failed attempts to be recorded' },
      );
      await hold(DOWN_MS - (Date.now() - downAt));
      await receiver.up();
      const upAt = Date.now();
      stack.note(`receiver back after ${((upAt - downAt) / 1000).toFixed(1)} s`);

      const expected = ids.map((id) => CountingReceiver.key('/hook', id));
      // The last retry is due 127 s after the first attempt: the deadline is the schedule, with slack.
      await waitUntil(() => expected.every((k) => receiver.delivered().has(k)), {
        timeoutMs: dueAt(SCHEDULE.attempts) + 30_000,
        message: 'every delivery to arrive',
        progress: () => `${expected.filter((k) => receiver.delivered().has(k)).length}/${expected.length}`,
      });
      const allArrivedAfterMs = Date.now() - upAt;
      const rows = await waitUntil(
        async () => {
          const r = await deliveryRows(stack.db, ids);
          return r.length === EVENTS && r.every((d) => d.status === 'succeeded' && d.succeededRows >= 1) && r;
        },
        { timeoutMs: 30_000, message: 'every delivery row to be succeeded with a succeeded attempt row' },
      );
      const { rows: failures } = await stack.db.query<{ error: string; n: number }>(
        `SELECT coalesce(a.error, '') AS error, count(*)::int AS n FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.event_id = ANY($1::uuid[]) AND a.status = 'failed' GROUP BY 1 ORDER BY 2 DESC`,
        [ids],
      );

      const t = tally(receiver, expected, EVENTS, EVENTS);
      const byAttempt = new Map<number, number>();
      for (const r of rows) byAttempt.set(r.succeededAttempt ?? 0, (byAttempt.get(r.succeededAttempt ?? 0) ?? 0) + 1);
      const late = rows.filter((r) => r.succeededAt!.getTime() - r.firstStartedAt!.getTime() > dueAt(r.succeededAttempt!) + 20_000);
      const dup = explainDuplicates(stack, t, 'its connection was cut');
      printReport(stack, 'receiver down 60 s', t.counts, startedAt, [
        `schedule shortened to span the outage: retries after 1 s, doubling, ${SCHEDULE.attempts} attempts (due at ${Array.from({ length: SCHEDULE.attempts }, (_, i) => dueAt(i + 1) / 1000).join(', ')} s)`,
        `receiver down ${(DOWN_MS / 1000).toFixed(0)} s; all delivered ${(allArrivedAfterMs / 1000).toFixed(1)} s after it came back`,
        `delivered by attempt: ${[...byAttempt].sort((a, b) => a[0] - b[0]).map(([n, c]) => `#${n}: ${c}`).join(', ')} (of ${SCHEDULE.attempts}); none later than its due time + 20 s: ${late.length === 0}`,
        `failed attempt rows: ${failures.map((f) => `${f.n} × "${f.error}"`).join(', ')}`,
        ...dup,
      ]);
      expect(t.counts.lost).toBe(0);
      // Every duplicate is explained: a cut connection, or a failure the worker logged after the 2xx.
      expect(dup.unexplained).toBe(0);
      expect(t.counts.delivered).toBe(EVENTS);
      for (const r of rows) {
        // Within the schedule: delivered by one of its attempts, every earlier one recorded as failed.
        expect(r.succeededAttempt).toBeLessThanOrEqual(SCHEDULE.attempts);
        expect(r.failedRows).toBe(r.succeededAttempt! - 1);
        expect(r.failedRows).toBeGreaterThanOrEqual(5);
      }
      expect(late).toEqual([]);
      expect(stack.deadProcesses()).toEqual([]);
    } catch (err) {
      stack.markFailed();
      throw err;
    }
  });
});
