/**
 * Fault 3: `kill -9` the API during a burst of `POST /v1/events` (16 at a time, two subscribed
 * webhooks, so every event makes two deliveries), then start it again.
 *
 *   - Every event that got a 202 is delivered, to both webhooks.
 *   - An event that got no answer is either stored whole (the event and both deliveries, then
 *     delivered) or not stored at all: never half-made. Postgres is checked for every event row.
 *   - A client that sends the unanswered events again with the same idempotency_key gets each one
 *     exactly once: the stored ones are replayed, the others created.
 */
import { CountingReceiver } from './support/counting-receiver';
import { createWebhook, publish, publishAll, type EventInput, type PublishOutcome } from './support/engine-client';
import { FaultStack } from './support/fault-stack';
import { deliveryRows, explainDuplicates, halfMadeEvents, printReport, tally } from './support/report';
import { waitUntil } from './support/wait';

jest.setTimeout(300_000);

const BURST = 400;
const KILL_AFTER_ACKS = 100;
const PATHS = ['/a', '/b'];

describe('fault: API killed with kill -9 during a burst of events', () => {
  let stack: FaultStack;
  let receiver: CountingReceiver;

  beforeAll(async () => {
    receiver = new CountingReceiver(() => ({ status: 200 }));
    await receiver.up();
    stack = await FaultStack.start({ name: 'api-kill' });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  test('acknowledged events are delivered; unanswered ones are whole or absent', async () => {
    const startedAt = Date.now();
    try {
      const webhookPath = new Map<string, string>();
      for (const p of PATHS) webhookPath.set(await createWebhook(stack, receiver.url(p), ['fault.api']), p);
      const inputs: EventInput[] = Array.from({ length: BURST }, (_, i) => ({
        type: 'fault.api',
        data: { seq: i },
        idempotency_key: `burst-${i}`,
      }));

      let acks = 0;
      let killing: Promise<void> | undefined;
      const outcomes = await publishAll(stack, inputs, 16, (o) => {
        if (o.kind === 'accepted' && ++acks === KILL_AFTER_ACKS) killing = stack.killApi();
      });
      await killing;
      const by = (kind: PublishOutcome['kind']) => outcomes.map((o, i) => ({ o, i })).filter((x) => x.o.kind === kind);
      const accepted = by('accepted');
      const unanswered = by('no-answer');
      const refused = by('refused');
      const otherAnswers = by('answered');
      stack.note(`burst: ${accepted.length} accepted, ${unanswered.length} unanswered (in flight at the kill), ${refused.length} refused (API gone)`);
      expect(otherAnswers).toEqual([]);
      expect(unanswered.length + refused.length).toBeGreaterThan(0);

      await stack.startApi();

      // Postgres: no half-made event, and each unanswered one is there whole or not at all.
      const halfMade = await halfMadeEvents(stack.db, PATHS.length);
      const { rows: stored } = await stack.db.query<{ id: string; idempotency_key: string }>(
        'SELECT id, idempotency_key FROM events WHERE idempotency_key = ANY($1)',
        [unanswered.map((x) => inputs[x.i]!.idempotency_key)],
      );
      const { rows: total } = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');

      const ackedIds = accepted.map((x) => (x.o as Extract<PublishOutcome, { kind: 'accepted' }>).eventId);
      const storedIds = stored.map((r) => r.id);
      const keysOf = (ids: string[]) => ids.flatMap((id) => PATHS.map((p) => CountingReceiver.key(p, id)));
      const expected = keysOf([...ackedIds, ...storedIds]);
      await waitUntil(() => expected.every((k) => receiver.delivered().has(k)), {
        timeoutMs: 120_000,
        message: 'every stored delivery to arrive',
        progress: () => `${expected.filter((k) => receiver.delivered().has(k)).length}/${expected.length}`,
      });
      const rows = await waitUntil(
        async () => {
          const r = await deliveryRows(stack.db, [...ackedIds, ...storedIds]);
          return r.length === expected.length && r.every((d) => d.status === 'succeeded' && d.succeededRows >= 1) && r;
        },
        { timeoutMs: 30_000, message: 'every stored delivery to be succeeded with its attempt row' },
      );
      const t = tally(receiver, keysOf(ackedIds), (accepted.length + unanswered.length) * PATHS.length, ackedIds.length * PATHS.length);

      // The client's side: send the unanswered ones again with the same idempotency_key.
      const resent = await Promise.all(unanswered.map((x) => publish(stack, inputs[x.i]!)));
      const replayed = resent.filter((o) => o.kind === 'accepted' && o.replayed).length;
      const created = resent.filter((o) => o.kind === 'accepted' && !o.replayed);
      const createdIds = created.map((o) => (o as Extract<PublishOutcome, { kind: 'accepted' }>).eventId);
      const afterResend = keysOf([...ackedIds, ...storedIds, ...createdIds]);
      await waitUntil(() => afterResend.every((k) => receiver.delivered().has(k)), {
        timeoutMs: 60_000,
        message: 'the re-sent events to arrive',
      });
      const finalTally = tally(receiver, afterResend, 0, 0);
      const { rows: perKey } = await stack.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events WHERE idempotency_key LIKE 'burst-%' GROUP BY idempotency_key HAVING count(*) > 1`,
      );
      const dup = explainDuplicates(stack, finalTally, 'its connection was cut');

      printReport(stack, 'API kill -9 during a burst', t.counts, startedAt, [
        `burst of ${BURST} events (2 webhooks each), 16 at a time; API killed after ${KILL_AFTER_ACKS} acknowledgements: ${accepted.length} got 202, ${unanswered.length} got no answer (in flight), ${refused.length} were refused (sent after the kill: not counted as sent)`,
        `unanswered events in Postgres: ${storedIds.length} stored whole and delivered to both webhooks, ${unanswered.length - storedIds.length} absent; half-made events (not exactly ${PATHS.length} deliveries): ${halfMade.length}`,
        `events in Postgres: ${total[0]!.n} = ${accepted.length} acknowledged + ${storedIds.length} committed just before the kill`,
        `re-sent with the same idempotency_key: ${replayed} replayed (Idempotent-Replayed: true), ${created.length} created; after that every event delivered, one event per key; duplicate requests ${finalTally.counts.duplicates}`,
        `attempt rows: ${rows.reduce((n, r) => n + r.rows, 0)} for ${rows.length} deliveries, all succeeded`,
        ...dup,
      ]);
      expect(t.counts.lost).toBe(0);
      expect(halfMade).toEqual([]);
      expect(total[0]!.n).toBe(accepted.length + storedIds.length);
      expect(replayed).toBe(storedIds.length);
      expect(created.length).toBe(unanswered.length - storedIds.length);
      expect(finalTally.counts.lost).toBe(0);
      // One event per idempotency key, however often it was sent; any duplicate request is explained.
      expect(perKey).toEqual([]);
      expect(dup.unexplained).toBe(0);
      expect(stack.deadProcesses()).toEqual([]);
    } catch (err) {
      stack.markFailed();
      throw err;
    }
  });
});
