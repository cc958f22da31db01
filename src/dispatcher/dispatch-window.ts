/**
 * Backpressure between the outbox and Temporal, in one worker process: at
 * most `capacity` deliveries started by this process's dispatcher may wait
 * for their first attempt at once. The rest stay in the outbox, where
 * waiting costs nothing, instead of as open workflows that Temporal and the
 * worker's workflow cache must carry (and replay when they are evicted).
 *
 * A place is taken when the dispatcher starts a workflow and given back when
 * the delivery's first attempt begins in this process. A first attempt that
 * runs on another worker never gives it back here, so places also lapse.
 */
export interface DispatchWindowOptions {
  capacity: number;
  /** A place not given back within this long is freed anyway. @default 30000 */
  lapseMs?: number;
  now?: () => number;
}

export class DispatchWindow {
  private readonly taken = new Map<string, number>();
  private readonly lapseMs: number;
  private readonly now: () => number;
  private waiters: Array<() => void> = [];

  constructor(private readonly opts: DispatchWindowOptions) {
    this.lapseMs = opts.lapseMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** Places free now. */
  free(): number {
    this.dropLapsed();
    return Math.max(0, this.opts.capacity - this.taken.size);
  }

  take(deliveryId: string): void {
    this.taken.set(deliveryId, this.now() + this.lapseMs);
  }

  /** The delivery's attempt began (or its start failed): its place is free. */
  release(deliveryId: string): void {
    if (!this.taken.delete(deliveryId)) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when a place is given back, or after `ms`. */
  whenFree(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.waiters = self.waiters.filter((w) => w !== done);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private dropLapsed(): void {
    const now = this.now();
    for (const [id, until] of this.taken) if (until <= now) this.taken.delete(id);
  }
}
