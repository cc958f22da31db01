/**
 * Fault 2: stop the Temporal server mid-run and start it again on the same data (the same SQLite
 * file and port; with FAULT_STACK=prod, the same Postgres databases). Some deliveries are on the
 * wire when it stops, some wait in their retry backoff (a Temporal timer), and events keep arriving
 * while it is down. The API and the worker keep running throughout. Every delivery arrives after
 * the server is back.
 *
 * Schedule: first retry after 4 s, doubling, 6 attempts; the server stays down 10 s.
 */
import { CountingReceiver } from './support/counting-receiver';
import { apiGet, createWebhook } from './support/engine-client';
import { FaultStack } from './support/fault-stack';
import { OrderedLine } from './support/ordered-line';
import { explainDuplicates, printReport, requestsWithoutRows, tally } from './support/report';
import { faultPolicy, GroupedEvents, HOOK_PATH, waitForEveryDelivery, waitForSteadyAndInBackoff } from './support/scenario';
import { hold, waitUntil } from './support/wait';

jest.setTimeout(300_000);

const DOWN_MS = 10_000;
const GROUPS = { steady: 10, onTheWire: 10, inBackoff: 15, whileDown: 15 };

describe('fault: Temporal server stopped and restarted', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;
  let stopped = false;
  let line: OrderedLine | undefined;

  beforeAll(async () => {
    // On the wire when the server stops: held, and answered (200) while it is down. In backoff:
    // every attempt before the stop fails, so each waits on a retry timer when it stops.
    receiver = new CountingReceiver(faultPolicy(() => stopped));
    await receiver.up();
    stack = await FaultStack.start({
      name: 'temporal-restart',
      env: { RETRY_INITIAL_INTERVAL_MS: '4000', RETRY_BACKOFF_COEFFICIENT: '2', RETRY_MAXIMUM_ATTEMPTS: '6', DELIVERY_TIMEOUT_MS: '20000' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
    await line?.stop();
  });

  test('every delivery arrives once the server is back', async () => {
    const startedAt = Date.now();
    try {
      await createWebhook(stack, receiver.url(HOOK_PATH), ['fault.temporal']);
      // A fifo webhook beside them: its line is mid-way when the server stops.
      line = new OrderedLine(stack, 'fault.temporal.line');
      await line.create();
      await line.publishNext(20);
      const groups = new GroupedEvents(stack, 'fault.temporal', GROUPS);
      const { ids } = groups;
      await groups.publish('steady');
      await groups.publish('inBackoff');
      await waitForSteadyAndInBackoff(stack, groups);
      await groups.publish('onTheWire');
      await waitUntil(() => receiver.holding() === GROUPS.onTheWire, {
        timeoutMs: 60_000,
        message: 'requests on the wire',
        progress: () => `holding ${receiver.holding()}`,
      });

      // How long the API's outbox dispatcher keeps a transaction open while Temporal is away.
      let longestOpenTransactionMs = 0;
      const sampler = setInterval(() => {
        stack.db
          .query(
            `SELECT coalesce(max(extract(epoch FROM now() - xact_start)) * 1000, 0)::int AS ms FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'`,
          )
          .then((r) => (longestOpenTransactionMs = Math.max(longestOpenTransactionMs, r.rows[0].ms)))
          .catch(() => undefined);
      }, 250);

      stopped = true;
      line.faultStruck();
      await stack.temporal.stop();
      const stoppedAt = Date.now();
      stack.note(`Temporal stopped with ${receiver.holding()} requests on the wire and ${GROUPS.inBackoff} deliveries in backoff`);
      // The receiver answers the requests on the wire: the worker finishes them with no server to report to.
      const releasedWhileDown = receiver.release();
      // Publishing never needs Temporal: the outbox keeps the events.
      await groups.publish('whileDown');
      await line.publishNext(10);
      const readyWhileDown = await apiGet(stack, '/readyz').catch(() => undefined);
      await hold(DOWN_MS - (Date.now() - stoppedAt));
      await stack.temporal.start();
      clearInterval(sampler);
      stack.note(`Temporal back after ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`);

      const rows = await waitForEveryDelivery(stack, receiver, groups, { arriveTimeoutMs: 150_000, recordTimeoutMs: 60_000 });
      const expected = groups.expectedKeys();
      await line.waitComplete(60_000);

      const t = tally(receiver, expected, ids.size, ids.size);
      const dead = stack.deadProcesses();
      const withoutRow = requestsWithoutRows(receiver, rows, () => HOOK_PATH);
      const dup = explainDuplicates(stack, t, 'its connection was cut');
      printReport(stack, 'Temporal server restart', t.counts, startedAt, [
        `down ${(DOWN_MS / 1000).toFixed(0)} s with ${GROUPS.onTheWire} requests on the wire (answered 200 while it was down: ${releasedWhileDown}) and ${GROUPS.inBackoff} deliveries in backoff; ${GROUPS.whileDown} events published while down (all 202)`,
        `GET /readyz while down: ${readyWhileDown ? `${readyWhileDown.status} ${JSON.stringify(readyWhileDown.body)}` : 'no answer'}`,
        `all delivered ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after the stop; API and worker processes ${dead.length ? `died: ${dead.join(', ')}` : 'kept running'}`,
        ...dup,
        `attempt rows: ${rows.reduce((n, r) => n + r.rows, 0)} for ${rows.length} deliveries, all succeeded; answered requests without a row: ${withoutRow}`,
        line.summary(),
        `longest transaction the outbox dispatcher held open while Temporal was down: ${(longestOpenTransactionMs / 1000).toFixed(1)} s`,
      ]);
      expect(t.counts.lost).toBe(0);
      // Every duplicate is explained: a cut connection, or a failure the worker logged after the 2xx.
      expect(dup.unexplained).toBe(0);
      expect(t.counts.delivered).toBe(ids.size);
      expect(dead).toEqual([]);
      line.check();
    } catch (err) {
      stack.markFailed();
      throw err;
    }
  });
});
