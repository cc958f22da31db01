import type { RetryPolicy } from '@temporalio/common';
import { DEFAULT_DELIVERY_RETRY } from '../../src/domain/retry-schedule';
import { deliveryRetryPolicy } from '../../workflows/retry-policy';

/**
 * The offset (ms since the first try) at which each attempt starts, as Temporal
 * computes it from the policy: delay n = min(initial * coefficient^(n-1), maximumInterval).
 */
function attemptOffsetsMs(policy: RetryPolicy): number[] {
  const initial = Number(policy.initialInterval);
  const coefficient = policy.backoffCoefficient ?? 2;
  const cap = policy.maximumInterval === undefined ? Infinity : Number(policy.maximumInterval);
  const offsets = [0];
  for (let retry = 1; retry < (policy.maximumAttempts ?? 0); retry++) {
    const delay = Math.min(initial * Math.pow(coefficient, retry - 1), cap);
    offsets.push(offsets[offsets.length - 1]! + delay);
  }
  return offsets;
}

describe('DEFAULT_DELIVERY_RETRY', () => {
  it('is a first delay of 10 s, doubling, over 5 attempts', () => {
    expect(DEFAULT_DELIVERY_RETRY).toEqual({ initialIntervalMs: 10_000, backoffCoefficient: 2, maximumAttempts: 5 });
  });

  it('is frozen, so no caller can lengthen the schedule for everyone', () => {
    expect(Object.isFrozen(DEFAULT_DELIVERY_RETRY)).toBe(true);
    expect(() => {
      (DEFAULT_DELIVERY_RETRY as { maximumAttempts: number }).maximumAttempts = 50;
    }).toThrow(TypeError);
    expect(DEFAULT_DELIVERY_RETRY.maximumAttempts).toBe(5);
  });
});

describe('deliveryRetryPolicy', () => {
  it('by default gives 10 s doubling over 5 attempts, capped at the last gap of 80 s, with receiver rejections final', () => {
    expect(deliveryRetryPolicy()).toStrictEqual({
      initialInterval: 10_000,
      backoffCoefficient: 2,
      maximumAttempts: 5,
      maximumInterval: 80_000,
      nonRetryableErrorTypes: ['ReceiverRejected', 'DeliveryNotFound'],
    });
  });

  it('by default schedules attempts at 0, 10, 30, 70 and 150 s', () => {
    expect(attemptOffsetsMs(deliveryRetryPolicy())).toEqual([0, 10_000, 30_000, 70_000, 150_000]);
  });

  it('a 300 ms, x2, 3-attempt schedule caps the interval at 600 ms and tries at 0, 300 and 900 ms', () => {
    const policy = deliveryRetryPolicy({ initialIntervalMs: 300, backoffCoefficient: 2, maximumAttempts: 3 });
    expect(policy).toStrictEqual({
      initialInterval: 300,
      backoffCoefficient: 2,
      maximumAttempts: 3,
      maximumInterval: 600,
      nonRetryableErrorTypes: ['ReceiverRejected', 'DeliveryNotFound'],
    });
    expect(attemptOffsetsMs(policy)).toEqual([0, 300, 900]);
  });

  it('a single-attempt schedule keeps the first interval as the cap', () => {
    expect(deliveryRetryPolicy({ initialIntervalMs: 500, backoffCoefficient: 3, maximumAttempts: 1 }).maximumInterval).toBe(500);
  });

  it('a triple-backoff schedule of 4 attempts caps at initial x 9', () => {
    const policy = deliveryRetryPolicy({ initialIntervalMs: 1_000, backoffCoefficient: 3, maximumAttempts: 4 });
    expect(policy.maximumInterval).toBe(9_000);
    expect(attemptOffsetsMs(policy)).toEqual([0, 1_000, 4_000, 13_000]);
  });

  it('hands each caller its own non-retryable list, so mutating one does not leak into the next', () => {
    const first = deliveryRetryPolicy();
    first.nonRetryableErrorTypes!.push('Anything');
    expect(deliveryRetryPolicy().nonRetryableErrorTypes).toEqual(['ReceiverRejected', 'DeliveryNotFound']);
  });
});
