import { DispatchWindow } from '../../src/dispatcher/dispatch-window';

describe('DispatchWindow', () => {
  it('has `capacity` places, taken by starts and given back when attempts begin', () => {
    const window = new DispatchWindow({ capacity: 2 });
    expect(window.free()).toBe(2);
    window.take('a');
    window.take('b');
    expect(window.free()).toBe(0);
    window.release('a');
    expect(window.free()).toBe(1);
    window.release('a');
    window.release('unknown');
    expect(window.free()).toBe(1);
  });

  it('frees a place that was never given back once it lapses', () => {
    let now = 1_000;
    const window = new DispatchWindow({ capacity: 1, lapseMs: 500, now: () => now });
    window.take('elsewhere');
    now += 499;
    expect(window.free()).toBe(0);
    now += 1;
    expect(window.free()).toBe(1);
  });

  it('wakes a waiting dispatcher when a place is given back, before its timeout', async () => {
    const window = new DispatchWindow({ capacity: 1 });
    window.take('a');
    const started = Date.now();
    const waiting = window.whenFree(10_000);
    window.release('a');
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops waiting after the timeout when nothing is given back', async () => {
    const window = new DispatchWindow({ capacity: 1 });
    window.take('a');
    const started = Date.now();
    await window.whenFree(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(window.free()).toBe(0);
  });
});
