import { AttemptStatus } from '../../src/domain/statuses';
import { DeliveryAttemptsRepository } from '../../src/repositories/delivery-attempts-repository';
import { createWebhook, publishEvent } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';

/**
 * A 2xx is stored by one statement (DeliveryAttemptsRepository.recordSuccess): the attempt row, the
 * delivery's completion and the webhook's bookkeeping. These check it keeps the rules the separate
 * writes had: an attempt number is stored once, only the delivery's current run finishes it, and
 * only the call that finished it resets the webhook's failure count.
 */
let stack: Stack;
let repo: DeliveryAttemptsRepository;
beforeAll(async () => {
  // Nothing dispatched: the test plays the attempt activity's part itself.
  stack = await startStack({ worker: false, env: { DISPATCHER_ENABLED: 'false' } });
  repo = new DeliveryAttemptsRepository(stack.api.pool);
});
afterAll(() => stack?.stop());

const success = (deliveryId: string, attempt: number, startedAt = new Date()) => ({
  deliveryId,
  attempt,
  status: AttemptStatus.Succeeded,
  statusCode: 204,
  durationMs: 12,
  responseBody: 'ok',
  error: null,
  startedAt,
});

async function newDelivery(type: string) {
  const hook = await createWebhook(stack, { url: 'https://receiver.example/hook', events: [type] });
  const event = await publishEvent(stack, { type, data: {} });
  return { webhookId: hook.id, ...event.deliveries[0]! };
}

const row = async (id: string) =>
  (
    await stack.api.pool.query(
      `SELECT d.status, d.attempt_count, d.last_status_code, d.last_error, d.completed_at, w.failure_count, w.last_triggered_at,
              (SELECT count(*)::int FROM attempts a WHERE a.delivery_id = d.id) AS attempts
         FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1`,
      [id],
    )
  ).rows[0];

it('stores the attempt, finishes the delivery and resets the webhook, once', async () => {
  const d = await newDelivery('record.once');
  await stack.api.pool.query(`UPDATE webhooks SET failure_count = 3 WHERE id = $1`, [d.webhookId]);
  await stack.api.pool.query(`UPDATE deliveries SET last_error = 'HTTP 500', attempt_count = 1 WHERE id = $1`, [d.id]);
  const startedAt = new Date();

  expect(await repo.recordSuccess(success(d.id, 2, startedAt), d.workflow_id)).toBe(true);
  const after = await row(d.id);
  expect(after).toMatchObject({ status: 'succeeded', attempt_count: 2, last_status_code: 204, last_error: null, failure_count: 0, attempts: 1 });
  expect(after.completed_at).toBeInstanceOf(Date);
  expect(after.last_triggered_at.getTime()).toBe(startedAt.getTime());

  // The same attempt again (a retried activity): nothing new, and it did not finish it.
  await stack.api.pool.query(`UPDATE webhooks SET failure_count = 2 WHERE id = $1`, [d.webhookId]);
  expect(await repo.recordSuccess(success(d.id, 2), d.workflow_id)).toBe(false);
  expect(await row(d.id)).toMatchObject({ status: 'succeeded', attempts: 1, failure_count: 2, completed_at: after.completed_at });
});

it('records the attempt of a superseded run without finishing the delivery', async () => {
  const d = await newDelivery('record.superseded');
  await stack.api.pool.query(`UPDATE webhooks SET failure_count = 4 WHERE id = $1`, [d.webhookId]);

  expect(await repo.recordSuccess(success(d.id, 1), `${d.workflow_id}-old-run`)).toBe(false);
  expect(await row(d.id)).toMatchObject({ status: 'pending', attempt_count: 1, last_status_code: 204, completed_at: null, failure_count: 4, attempts: 1 });

  // The current run's own attempt then finishes it.
  expect(await repo.recordSuccess(success(d.id, 2), d.workflow_id)).toBe(true);
  expect(await row(d.id)).toMatchObject({ status: 'succeeded', attempt_count: 2, failure_count: 0, attempts: 2 });
});

it('finishes a pending delivery whose attempt row was stored by an earlier try of the same attempt', async () => {
  const d = await newDelivery('record.rerun');
  // The row landed, then the activity failed before it finished the delivery; Temporal ran it again.
  await repo.recordAttempt(success(d.id, 1));
  expect(await row(d.id)).toMatchObject({ status: 'pending', attempts: 1 });

  expect(await repo.recordSuccess(success(d.id, 1), d.workflow_id)).toBe(true);
  expect(await row(d.id)).toMatchObject({ status: 'succeeded', attempt_count: 1, attempts: 1 });
});

it('finishes a delivery once when two tries of it succeed at the same time', async () => {
  const d = await newDelivery('record.race');
  const results = await Promise.all([repo.recordSuccess(success(d.id, 1), d.workflow_id), repo.recordSuccess(success(d.id, 2), d.workflow_id)]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await row(d.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
});
