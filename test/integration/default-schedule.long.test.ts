import { DEFAULT_DELIVERY_RETRY } from '../../src/domain/retry-schedule';
import { DeliveryStatusAttribute } from '../../workflows/search-attributes';
import { createWebhook, getDelivery, publishEvent } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/**
 * The default schedule on a real Temporal server, unshortened: first delay
 * 10 s, doubling, five attempts in all. These tests wait about 150 s on
 * Temporal's timers; the sequencer starts this file first so the rest of the
 * suite runs meanwhile, and both scenarios below run at the same time.
 */
jest.setTimeout(240_000);

const EXPECTED_OFFSETS_S = [0, 10, 30, 70, 150];
let stack: Stack;
let recovering: Receiver;
let failing: Receiver;
let recoveringDeliveryId: string;
let failingDeliveryId: string;

beforeAll(async () => {
  stack = await startStack({
    // Undefined drops the harness's shortened values: these run on the configured defaults.
    env: { RETRY_INITIAL_INTERVAL_MS: undefined, RETRY_BACKOFF_COEFFICIENT: undefined, RETRY_MAXIMUM_ATTEMPTS: undefined },
  });
  recovering = await Receiver.start(Receiver.sequence({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 200 }));
  failing = await Receiver.start(() => ({ status: 503 }));
  await createWebhook(stack, { url: recovering.url, events: ['schedule.recovers'] });
  await createWebhook(stack, { url: failing.url, events: ['schedule.exhausts'] });
  recoveringDeliveryId = (await publishEvent(stack, { type: 'schedule.recovers', data: {} })).deliveries[0]!.id;
  failingDeliveryId = (await publishEvent(stack, { type: 'schedule.exhausts', data: {} })).deliveries[0]!.id;
});

afterAll(async () => {
  await recovering?.stop();
  await failing?.stop();
  await stack?.stop();
});

const finalDelivery = (id: string) =>
  waitFor(
    async () => {
      const d = await getDelivery(stack, id);
      return d.status !== 'pending' ? d : undefined;
    },
    { timeoutMs: 200_000, intervalMs: 500, message: `delivery ${id} to finish` },
  );

it('runs on the default schedule (10 s, doubling, five attempts) unless configured otherwise', () => {
  expect(stack.config.delivery.retry).toMatchObject(DEFAULT_DELIVERY_RETRY);
});

it('retries a receiver that fails 4 times at about 0, 10, 30, 70 and 150 s, and succeeds on the 5th', async () => {
  const delivery = await finalDelivery(recoveringDeliveryId);
  expect(delivery.status).toBe('succeeded');
  expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 500, 500, 200]);

  const first = recovering.requests[0]!.receivedAt;
  const offsets = recovering.requests.map((r) => (r.receivedAt - first) / 1000);
  expect(offsets).toHaveLength(5);
  offsets.forEach((offset, i) => {
    // Timers fire on time; allow a little for a busy machine, never early.
    expect(offset).toBeGreaterThanOrEqual(EXPECTED_OFFSETS_S[i]! - 0.5);
    expect(offset).toBeLessThanOrEqual(EXPECTED_OFFSETS_S[i]! + 4);
  });
  expect(new Set(recovering.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
});

it('ends as failed after the 5th failure at about 150 s, with every attempt recorded', async () => {
  const delivery = await finalDelivery(failingDeliveryId);
  expect(delivery.status).toBe('failed');
  expect(delivery.attempt_count).toBe(5);
  expect(delivery.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
  expect(delivery.last_error).toBe('receiver answered 503');
  expect(failing.requests).toHaveLength(5);
  const span = (failing.requests[4]!.receivedAt - failing.requests[0]!.receivedAt) / 1000;
  expect(span).toBeGreaterThanOrEqual(149.5);
  expect(span).toBeLessThanOrEqual(154);

  // The row turns failed before the workflow's last step (the exhausted
  // notice) ends it: wait for the workflow's result, then look at it.
  const handle = stack.temporal.workflow.getHandle(delivery.workflow_id);
  expect(await handle.result()).toMatchObject({ status: 'failed' });
  const described = await handle.describe();
  expect(described.status.name).toBe('COMPLETED');
  expect(described.typedSearchAttributes.get(DeliveryStatusAttribute)).toBe('failed');
});
