/**
 * Fault 4: restart PostgreSQL mid-run (the suite's own embedded server: a fast shutdown that cuts
 * every session, 10 s down, then started again on the same data). Deliveries are in backoff and on
 * the wire when it stops.
 *
 *   - While it is down the API answers 503 with the JSON error shape
 *     `{error: {code: "service_unavailable", ...}}`, promptly: not a hang, not a 500.
 *   - Afterwards every delivery is delivered and its rows are complete: the delivery is
 *     `succeeded` with a succeeded attempt row, and every answer the receiver gave while Postgres
 *     was up has its attempt row (an answer given while it was stopping or down cannot be recorded:
 *     the attempt fails, and the delivery is sent again and recorded once Postgres is back). The
 *     worker records an answer just after it arrives, so an answer given shortly before the stop
 *     began may also lose its recording when the stop cuts the session mid-write.
 *   - Neither the API nor the worker dies. Events are being published when it stops, so some
 *     API requests are mid-transaction when their sessions are cut.
 *
 * Schedule: first retry after 2 s, doubling, 7 attempts (0, 2, 6, 14, 30, 62, 126 s). An attempt that
 * runs while Postgres is down fails before sending anything and spends one of them.
 */
import { CountingReceiver } from './support/counting-receiver';
import { apiGet, createWebhook, publish, type PublishOutcome } from './support/engine-client';
import { FaultStack } from './support/fault-stack';
import { OrderedLine } from './support/ordered-line';
import { explainDuplicates, printReport, requestsWithoutRows, tally } from './support/report';
import { faultPolicy, GroupedEvents, HOOK_PATH, waitForEveryDelivery, waitForSteadyAndInBackoff } from './support/scenario';
import { hold, waitUntil } from './support/wait';

type ErrorBody = { error?: { code?: string } } | undefined;

jest.setTimeout(300_000);

const DOWN_MS = 10_000;
/** A 503 must come well before a client would give up: the pool waits at most 5 s for a connection. */
const MAX_ANSWER_MS = 8_000;
const GROUPS = { steady: 10, inBackoff: 15, onTheWire: 5 };
/**
 * How long before the stop an answer may have been given and still be unrecorded: the worker
 * writes the attempt row after the answer arrives, and on a loaded 2-core machine that write can
 * still be in flight when the shutdown terminates its session.
 */
const RECORDING_GRACE_MS = 5_000;

describe('fault: Postgres restarted mid-run', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;
  let stopped = false;
  let line: OrderedLine | undefined;

  beforeAll(async () => {
    // On the wire when Postgres stops, and answered (200) while it is down: the worker cannot record
    // them. In backoff: every attempt before the stop fails.
    receiver = new CountingReceiver(faultPolicy(() => stopped));
    await receiver.up();
    stack = await FaultStack.start({
      name: 'postgres-restart',
      env: { RETRY_INITIAL_INTERVAL_MS: '2000', RETRY_BACKOFF_COEFFICIENT: '2', RETRY_MAXIMUM_ATTEMPTS: '7', DELIVERY_TIMEOUT_MS: '20000' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
    await line?.stop();
  });

  test('503 with the JSON error while down; every delivery and attempt row complete after', async () => {
    const startedAt = Date.now();
    try {
      await createWebhook(stack, receiver.url(HOOK_PATH), ['fault.postgres']);
      // A fifo webhook beside them: its line is mid-way when Postgres stops, and its events keep coming.
      line = new OrderedLine(stack, 'fault.postgres.line');
      await line.create();
      await line.publishNext(20);
      let crashed: string[] = [];
      const groups = new GroupedEvents(stack, 'fault.postgres', GROUPS);
      const { ids } = groups;
      await groups.publish('steady');
      await groups.publish('inBackoff');
      await waitForSteadyAndInBackoff(stack, groups);
      await groups.publish('onTheWire');
      await waitUntil(() => receiver.holding() === GROUPS.onTheWire, { timeoutMs: 60_000, message: 'requests on the wire' });

      // Events keep coming while Postgres stops: some requests are mid-transaction when their sessions are cut.
      const around: PublishOutcome[] = [];
      let loading = true;
      const loaders = Array.from({ length: 4 }, async (_, lane) => {
        for (let i = 0; loading; i++) {
          const o = await publish(stack, { type: 'fault.postgres', data: { group: 'aroundStop', lane, i } }, 20_000);
          around.push(o);
          if (o.kind === 'accepted') groups.add(o.eventId, 'aroundStop');
          if (o.kind === 'no-answer' || o.kind === 'refused') return;
        }
      });
      await waitUntil(() => around.filter((o) => o.kind === 'accepted').length >= 20, { timeoutMs: 30_000, message: 'events flowing' });

      // Each event of the line is retried until accepted, so this runs until Postgres is back.
      const linePublishing = line.publishNext(10, 180_000);
      stopped = true;
      const stopStartedAt = Date.now();
      line.faultStruck();
      await stack.postgres.stop();
      const stoppedAt = Date.now();
      loading = false;
      await Promise.all(loaders);
      stack.note(`Postgres stopped with ${receiver.holding()} requests on the wire, ${GROUPS.inBackoff} deliveries in backoff and events being published`);
      const releasedWhileDown = receiver.release();

      // While it is down, and for as long as the fault lasts: every answer is a prompt 503 with the JSON error.
      const probes: Array<{ route: string; status: number; code?: string; ms: number }> = [];
      const probe = (route: string, o: PublishOutcome | { status: number; body: unknown; ms: number } | Error) =>
        probes.push(
          'kind' in o
            ? { route, status: 'status' in o ? o.status : -1, code: o.kind === 'answered' ? (o.body as ErrorBody)?.error?.code : o.kind, ms: o.ms }
            : 'ms' in o
              ? { route, status: o.status, code: (o.body as ErrorBody)?.error?.code, ms: o.ms }
              : { route, status: -1, code: `no answer: ${(o.cause as { code?: string })?.code ?? o.message}`, ms: 0 },
        );
      for (const o of around.filter((x) => x.kind !== 'accepted')) probe('POST /v1/events (during the stop)', o);
      for (let n = 0; Date.now() - stoppedAt < DOWN_MS; n++) {
        const ev = await publish(stack, { type: 'fault.postgres', data: { group: 'whileDown', i: n } }, 20_000);
        if (ev.kind === 'accepted') groups.add(ev.eventId, 'whileDown');
        probe('POST /v1/events', ev);
        probe('GET /v1/deliveries', await apiGet(stack, '/v1/deliveries?limit=5', 20_000).catch((e: Error) => e));
        // Pacing within the outage (the fault's own duration).
        await hold(500);
      }
      await stack.postgres.start();
      const backAt = Date.now();
      const downMs = backAt - stoppedAt;
      stack.note(`Postgres back after ${(downMs / 1000).toFixed(1)} s`);

      // An engine process that died is a failure of this test; it is restarted, as a supervisor
      // would, only so that the counts below still say whether anything was lost.
      crashed = stack.deadProcesses().map((p) => `${p} (${stack.logLines(p.replace(/^.*\((.*)\)$/, '$1'), /Unhandled|^\s+code:|^error: |^Error: /).slice(0, 3).join(' | ').replace(/\s+/g, ' ')})`);
      if (!stack.api?.alive()) await stack.startApi();
      for (const [i, w] of stack.workers.entries()) if (w && !w.alive()) await stack.startWorker(i);
      if (crashed.length) stack.note(`died during the restart: ${crashed.join('; ')}`);

      await linePublishing;
      const rows = await waitForEveryDelivery(stack, receiver, groups, { arriveTimeoutMs: 150_000, recordTimeoutMs: 60_000 });
      const expected = groups.expectedKeys();
      await line.waitComplete(60_000);

      const postsRefused = probes.filter((p) => p.route.startsWith('POST')).length;
      const t = tally(receiver, expected, ids.size + postsRefused, ids.size);
      const withoutRow = requestsWithoutRows(receiver, rows, () => HOOK_PATH);
      // Answers whose recording may have been cut: from just before Postgres began to stop until it was back.
      const answeredWhileDown = receiver.answeredBetween(stopStartedAt - RECORDING_GRACE_MS, backAt);
      const slowest = Math.max(...probes.map((p) => p.ms));
      const statuses = [...new Set(probes.map((p) => `${p.status} ${p.code}`))];
      const acceptedAround = groups.of('aroundStop').length;
      const dup = explainDuplicates(stack, t, 'its connection was cut');
      printReport(stack, 'Postgres restart', t.counts, startedAt, [
        `down ${(downMs / 1000).toFixed(1)} s with ${GROUPS.onTheWire} requests on the wire (answered 200 while it was down: ${releasedWhileDown}) and ${GROUPS.inBackoff} deliveries in backoff`,
        `events published by 4 clients up to the stop: ${acceptedAround} acknowledged before it (delivered like the rest)`,
        `during the stop and while down: ${probes.length} API requests (${postsRefused} POST /v1/events, counted as sent and not acknowledged), answers: ${statuses.join(', ')}; slowest ${slowest} ms`,
        ...dup,
        `attempt rows: ${rows.reduce((n2, r) => n2 + r.rows, 0)} for ${rows.length} deliveries, all succeeded; answers without a row: ${withoutRow}, of ${answeredWhileDown} given while Postgres was stopping or down or in the ${RECORDING_GRACE_MS / 1000} s before (the worker could not record those, and sent them again once it could)`,
        line.summary(),
        `engine processes that died: ${crashed.length ? crashed.join('; ') : 'none'}`,
      ]);
      // Neither the API nor the worker may die when Postgres restarts.
      expect(crashed).toEqual([]);
      expect(probes.length).toBeGreaterThan(0);
      for (const p of probes) {
        expect({ route: p.route, status: p.status, code: p.code }).toEqual({ route: p.route, status: 503, code: 'service_unavailable' });
        expect(p.ms).toBeLessThan(MAX_ANSWER_MS);
      }
      expect(t.counts.lost).toBe(0);
      // Every duplicate is explained: a cut connection, or a failure the worker logged after the 2xx.
      expect(dup.unexplained).toBe(0);
      expect(t.counts.delivered).toBe(ids.size);
      expect(withoutRow).toBeLessThanOrEqual(answeredWhileDown);
      line.check();

    } catch (err) {
      stack.markFailed();
      throw err;
    }
  });
});
