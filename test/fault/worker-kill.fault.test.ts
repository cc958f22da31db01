/**
 * Fault 1: `kill -9` the worker while deliveries are on the wire (the receiver holds their
 * answers) and while others wait in their retry backoff; events keep arriving while it is dead;
 * then a new worker starts. Every delivery arrives.
 *
 * Schedule: first retry after 3 s, doubling, 6 attempts; receivers get 20 s to answer, so an
 * attempt lost with its worker is given up by Temporal 30 s after it started (the attempt's
 * start-to-close timeout: request timeout + 10 s) and retried.
 */
import { CountingReceiver } from './support/counting-receiver';
import { createWebhook } from './support/engine-client';
import { FaultStack } from './support/fault-stack';
import { OrderedLine } from './support/ordered-line';
import { deliveryRows, explainDuplicates, printReport, tally } from './support/report';
import { faultPolicy, GroupedEvents, HOOK_PATH, waitForEveryDelivery } from './support/scenario';
import { waitUntil } from './support/wait';

jest.setTimeout(300_000);

const GROUPS = { steady: 10, onTheWire: 15, inBackoff: 15, whileDead: 10 };

describe('fault: worker killed with kill -9', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;
  let killed = false;
  let line: OrderedLine | undefined;

  beforeAll(async () => {
    // On the wire: the first request is held until the kill cuts it; its answer can never arrive.
    // In backoff: every attempt before the kill fails, so the delivery waits for its next retry.
    receiver = new CountingReceiver(faultPolicy(() => killed));
    await receiver.up();
    stack = await FaultStack.start({
      name: 'worker-kill',
      env: { RETRY_INITIAL_INTERVAL_MS: '3000', RETRY_BACKOFF_COEFFICIENT: '2', RETRY_MAXIMUM_ATTEMPTS: '6', DELIVERY_TIMEOUT_MS: '20000' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
    await line?.stop();
  });

  test('every delivery arrives after the worker is killed mid-request and restarted', async () => {
    const startedAt = Date.now();
    try {
      await createWebhook(stack, receiver.url(HOOK_PATH), ['fault.worker']);
      // A fifo webhook beside them: its line is mid-way when the worker dies.
      line = new OrderedLine(stack, 'fault.worker.line');
      await line.create();
      await line.publishNext(20);
      const groups = new GroupedEvents(stack, 'fault.worker', GROUPS);
      const { ids } = groups;
      await Promise.all([groups.publish('steady'), groups.publish('onTheWire'), groups.publish('inBackoff')]);

      // The moment to kill: every on-the-wire request held, every in-backoff delivery's failure recorded.
      await waitUntil(
        async () => {
          if (receiver.holding() < GROUPS.onTheWire) return false;
          const rows = await deliveryRows(stack.db, groups.of('inBackoff'));
          return rows.filter((r) => r.failedRows >= 1).length === GROUPS.inBackoff;
        },
        { timeoutMs: 60_000, message: 'requests on the wire and deliveries in backoff', progress: () => `holding ${receiver.holding()}` },
      );
      const onTheWireAtKill = receiver.holding();
      const deliveredAtKill = receiver.delivered().size;
      killed = true;
      line.faultStruck();
      await stack.killWorker(0);
      const killedAt = Date.now();
      stack.note(`worker killed (kill -9) with ${onTheWireAtKill} requests on the wire and ${GROUPS.inBackoff} deliveries in backoff`);

      // Events keep coming while no worker runs: the API stores them and starts their workflows.
      await groups.publish('whileDead');
      await line.publishNext(10);

      await stack.startWorker(0);
      const restartedAfterMs = Date.now() - killedAt;

      const rows = await waitForEveryDelivery(stack, receiver, groups, { arriveTimeoutMs: 120_000, recordTimeoutMs: 30_000 });
      const expected = groups.expectedKeys();
      await line.waitComplete(60_000);

      const t = tally(receiver, expected, ids.size, ids.size);
      const { counts } = t;
      const rowsTotal = rows.reduce((n, r) => n + r.rows, 0);
      const gaps = rows.filter((r) => r.maxAttempt !== r.rows).length;
      const dup = explainDuplicates(stack, t, 'the worker was killed');
      printReport(stack, 'worker kill -9', counts, startedAt, [
        `at the kill: ${deliveredAtKill} delivered, ${onTheWireAtKill} on the wire (answers held), ${GROUPS.inBackoff} in backoff; ${GROUPS.whileDead} more published while no worker ran`,
        `new worker polling ${(restartedAfterMs / 1000).toFixed(1)} s after the kill; all delivered ${((Date.now() - killedAt) / 1000).toFixed(1)} s after it`,
        ...dup,
        line.summary(),
        `attempt rows: ${rowsTotal} for ${rows.length} deliveries, all succeeded; ${gaps} delivery(ies) skip the number of an attempt lost with the killed worker (nothing recorded it; Temporal timed it out and retried)`,
      ]);
      expect(counts.lost).toBe(0);
      // Every duplicate is explained: a cut connection, or a failure the worker logged after the 2xx.
      expect(dup.unexplained).toBe(0);
      expect(counts.delivered).toBe(ids.size);
      // The requests on the wire at the kill arrive twice (their first answer was lost with the worker).
      expect(t.reasons.answerCut).toBeLessThanOrEqual(onTheWireAtKill);
      expect(stack.deadProcesses()).toEqual([]);
      line.check();
    } catch (err) {
      stack.markFailed();
      throw err;
    }
  });
});
