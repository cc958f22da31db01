import { deliveryInputOf, deliverySummary } from '../../src/domain/delivery-input';

const defaults = { retry: { initialIntervalMs: 30_000, backoffCoefficient: 2, maximumAttempts: 8 }, requestTimeoutMs: 15_000 };
const row = { id: 'd1', workflowId: 'delivery-e1-w1', webhookId: 'w1', eventId: 'e1', eventType: 'order.paid', firstAttemptNumber: 1 };

describe('deliveryInputOf (an outbox or line row as its delivery workflow input)', () => {
  it('takes the configured schedule and time limit when the webhook sets neither', () => {
    expect(deliveryInputOf(row, defaults)).toEqual({
      deliveryId: 'd1',
      webhookId: 'w1',
      eventId: 'e1',
      eventType: 'order.paid',
      retry: { initialIntervalMs: 30_000, backoffCoefficient: 2, maximumAttempts: 8 },
      requestTimeoutMs: 15_000,
      firstAttemptNumber: 1,
    });
  });

  it("the webhook's max_attempts and timeout_ms override them; the backoff stays", () => {
    expect(deliveryInputOf({ ...row, maxAttempts: 3, timeoutMs: 5_000, firstAttemptNumber: 4 }, defaults)).toMatchObject({
      retry: { initialIntervalMs: 30_000, backoffCoefficient: 2, maximumAttempts: 3 },
      requestTimeoutMs: 5_000,
      firstAttemptNumber: 4,
    });
  });

  it("without a max_attempts, the profile's attempts apply (assetsup: 4, assets-server: 9)", () => {
    expect(deliveryInputOf({ ...row, profile: 'assetsup' }, defaults).retry.maximumAttempts).toBe(4);
    expect(deliveryInputOf({ ...row, profile: 'assets-server' }, defaults).retry.maximumAttempts).toBe(9);
    expect(deliveryInputOf({ ...row, profile: 'assetsup', maxAttempts: 2 }, defaults).retry.maximumAttempts).toBe(2);
  });

  it('does not change the defaults it is given', () => {
    deliveryInputOf({ ...row, maxAttempts: 1 }, defaults);
    expect(defaults.retry.maximumAttempts).toBe(8);
  });

  it('names the delivery in its static summary', () => {
    expect(deliverySummary({ eventType: 'order.paid', eventId: 'e1', webhookId: 'w1' })).toBe('Deliver order.paid (event e1) to webhook w1');
  });
});
