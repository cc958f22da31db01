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
import { createWebhook, publishAll, type EventInput } from './support/engine-client';
import { FaultStack } from './support/fault-stack';
import { deliveryRows, explainDuplicates, printReport, tally } from './support/report';
import { waitUntil } from './support/wait';

jest.setTimeout(300_000);

const GROUPS = { steady: 10, onTheWire: 15, inBackoff: 15, whileDead: 10 };

describe('fault: worker killed with kill -9', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;
  let killed = false;

  beforeAll(async () => {
    receiver = new CountingReceiver(({ body }) => {
      const group = body.data?.group;
      // On the wire: the first request is held until the kill cuts it; its answer can never arrive.
      if (group === 'onTheWire' && !killed) return { status: 200, holdMs: 120_000 };
      // In backoff: every attempt before the kill fails, so the delivery waits for its next retry.
      if (group === 'inBackoff' && !killed) return { status: 500 };
      return { status: 200 };
    });
    await receiver.up();
    stack = await FaultStack.start({
      name: 'worker-kill',
      env: { RETRY_INITIAL_INTERVAL_MS: '3000', RETRY_BACKOFF_COEFFICIENT: '2', RETRY_MAXIMUM_ATTEMPTS: '6', DELIVERY_TIMEOUT_MS: '20000' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  test('every delivery arrives after the worker is killed mid-request and restarted', async () => {
    const startedAt = Date.now();
    try {
      await createWebhook(stack, receiver.url('/hook'), ['fault.worker']);
      const events = (group: keyof typeof GROUPS): EventInput[] =>
        Array.from({ length: GROUPS[group] }, (_, i) => ({ type: 'fault.worker', data: { group, i } }));

      const before = await publishAll(stack, [...events('steady'), ...events('onTheWire'), ...events('inBackoff')]);
      const ids = new Map<string, string>(); // event id -> group
      for (const [i, o] of before.entries()) {
        expect(o.kind).toBe('accepted');
        if (o.kind === 'accepted') ids.set(o.eventId, i < GROUPS.steady ? 'steady' : i < GROUPS.steady + GROUPS.onTheWire ? 'onTheWire' : 'inBackoff');
      }
      const idsOf = (group: string) => [...ids].filter(([, g]) => g === group).map(([id]) => id);

      // The moment to kill: every on-the-wire request held, every in-backoff delivery's failure recorded.
      await waitUntil(
        async () => {
          if (receiver.holding() < GROUPS.onTheWire) return false;
          const rows = await deliveryRows(stack.db, idsOf('inBackoff'));
          return rows.filter((r) => r.failedRows >= 1).length === GROUPS.inBackoff;
        },
        { timeoutMs: 60_000, message: 'requests on the wire and deliveries in backoff', progress: () => `holding ${receiver.holding()}` },
      );
      const onTheWireAtKill = receiver.holding();
      const deliveredAtKill = receiver.delivered().size;
      killed = true;
      await stack.killWorker(0);
      const killedAt = Date.now();
      stack.note(`worker killed (kill -9) with ${onTheWireAtKill} requests on the wire and ${GROUPS.inBackoff} deliveries in backoff`);

      // Events keep coming while no worker runs: the API stores them and starts their workflows.
      const during = await publishAll(stack, events('whileDead'));
      for (const o of during) {
        expect(o.kind).toBe('accepted');
        if (o.kind === 'accepted') ids.set(o.eventId, 'whileDead');
      }

      await stack.startWorker(0);
      const restartedAfterMs = Date.now() - killedAt;

      const expected = [...ids.keys()].map((id) => CountingReceiver.key('/hook', id));
      await waitUntil(() => expected.every((k) => receiver.delivered().has(k)), {
        timeoutMs: 120_000,
        message: 'every delivery to arrive',
        progress: () => `${expected.filter((k) => receiver.delivered().has(k)).length}/${expected.length}`,
      });
      let unsettled = '';
      const rows = await waitUntil(
        async () => {
          const r = await deliveryRows(stack.db, [...ids.keys()]);
          const open = r.filter((d) => d.status !== 'succeeded' || d.succeededRows < 1);
          unsettled = open.map((d) => `${ids.get(d.eventId)}: ${d.status}, ${d.succeededRows}/${d.rows} rows succeeded`).join('; ');
          return r.length === ids.size && open.length === 0 && r;
        },
        { timeoutMs: 30_000, message: 'every delivery row to be succeeded with a succeeded attempt row', progress: () => unsettled },
      );

      const t = tally(receiver, expected, ids.size, ids.size);
      const { counts } = t;
      const rowsTotal = rows.reduce((n, r) => n + r.rows, 0);
      const gaps = rows.filter((r) => r.maxAttempt !== r.rows).length;
      const dup = explainDuplicates(stack, t, 'the worker was killed');
      printReport(stack, 'worker kill -9', counts, startedAt, [
        `at the kill: ${deliveredAtKill} delivered, ${onTheWireAtKill} on the wire (answers held), ${GROUPS.inBackoff} in backoff; ${GROUPS.whileDead} more published while no worker ran`,
        `new worker polling ${(restartedAfterMs / 1000).toFixed(1)} s after the kill; all delivered ${((Date.now() - killedAt) / 1000).toFixed(1)} s after it`,
        ...dup,
        `attempt rows: ${rowsTotal} for ${rows.length} deliveries, all succeeded; ${gaps} delivery(ies) skip the number of an attempt lost with the killed worker (nothing recorded it; Temporal timed it out and retried)`,
      ]);
      expect(counts.lost).toBe(0);
      // Every duplicate is explained: a cut connection, or a failure the worker logged after the 2xx.
      expect(dup.unexplained).toBe(0);
      expect(counts.delivered).toBe(ids.size);
      // The requests on the wire at the kill arrive twice (their first answer was lost with the worker).
      expect(t.reasons.answerCut).toBeLessThanOrEqual(onTheWireAtKill);
      expect(stack.deadProcesses()).toEqual([]);
    } catch (err) {
      stack.markFailed();
      throw err;
    }
  });
});
