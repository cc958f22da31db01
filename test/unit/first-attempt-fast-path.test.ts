import { FirstAttemptFastPath } from '../../src/dispatcher/first-attempt-fast-path';

describe('FirstAttemptFastPath', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets through at most `capacity` local first attempts, and more once they end', () => {
    const fast = new FirstAttemptFastPath({ capacity: 2, now: clock });
    expect(fast.tryReserve('d1', 'w', 10_000)).toBe(true);
    expect(fast.tryReserve('d2', 'w', 10_000)).toBe(true);
    expect(fast.tryReserve('d3', 'w', 10_000)).toBe(false);
    fast.release('d1');
    expect(fast.tryReserve('d3', 'w', 10_000)).toBe(true);
    expect(fast.inFlight).toBe(2);
  });

  it('frees a reservation that was never released once it lapses', () => {
    const fast = new FirstAttemptFastPath({ capacity: 1, now: clock });
    expect(fast.tryReserve('d1', 'w', 5_000)).toBe(true);
    now += 4_999;
    expect(fast.tryReserve('d2', 'w', 5_000)).toBe(false);
    now += 1;
    expect(fast.tryReserve('d2', 'w', 5_000)).toBe(true);
  });

  it('is off with capacity 0', () => {
    expect(new FirstAttemptFastPath({ capacity: 0, now: clock }).tryReserve('d', 'w', 1_000)).toBe(false);
  });

  it('sends a webhook down the regular path for the cool-off after a slow or unanswered attempt', () => {
    const fast = new FirstAttemptFastPath({ capacity: 10, slowAfterMs: 2_000, coolOffMs: 60_000, now: clock });
    fast.watch('quick')({ answered: true, durationMs: 150 });
    fast.watch('slow')({ answered: true, durationMs: 2_500 });
    fast.watch('down')({ answered: false, durationMs: 3 });
    expect(fast.tryReserve('d1', 'quick', 1_000)).toBe(true);
    expect(fast.tryReserve('d2', 'slow', 1_000)).toBe(false);
    expect(fast.tryReserve('d3', 'down', 1_000)).toBe(false);
    now += 60_000;
    expect(fast.tryReserve('d2', 'slow', 1_000)).toBe(true);
    expect(fast.isSlow('down')).toBe(false);
  });

  it('marks a webhook slow while its attempt is still waiting, before it ends', async () => {
    const fast = new FirstAttemptFastPath({ capacity: 10, slowAfterMs: 20, coolOffMs: 60_000 });
    const ended = fast.watch('hanging');
    expect(fast.isSlow('hanging')).toBe(false);
    const deadline = Date.now() + 5_000;
    while (!fast.isSlow('hanging') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(fast.isSlow('hanging')).toBe(true);
    ended({ answered: true, durationMs: 30 });
  });
});
