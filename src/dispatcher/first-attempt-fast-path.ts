/**
 * Decides which new deliveries make their first attempt as a local activity
 * (inside the workflow task, on the worker that started the workflow
 * eagerly) and which take the regular activity path.
 *
 * A local activity keeps its workflow task open, and with it one of the
 * worker's workflow task slots, for as long as the receiver takes to answer.
 * So the fast path is bounded: at most `capacity` local first attempts are in
 * flight per worker (fewer than the worker's workflow task slots), and a
 * webhook whose receiver was slow or unreachable lately takes the regular
 * path, where it holds an activity slot instead and cannot hold up the
 * workflow tasks of every other webhook.
 *
 * It lives in memory, in the worker process that runs both the dispatcher and
 * the local activities: each worker learns about slow receivers on its own.
 */
export interface FastPathOptions {
  /** Local first attempts in flight at once; 0 turns the fast path off. */
  capacity: number;
  /** An attempt that has not answered after this long marks its webhook slow. @default 2000 */
  slowAfterMs?: number;
  /** How long a slow webhook stays on the regular path. @default 60000 */
  coolOffMs?: number;
  now?: () => number;
}

export class FirstAttemptFastPath {
  /** Delivery id → when the reservation lapses (a workflow started elsewhere never releases it). */
  private readonly reserved = new Map<string, number>();
  /** Webhook id → until when it takes the regular path. */
  private readonly slow = new Map<string, number>();
  private readonly slowAfterMs: number;
  private readonly coolOffMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: FastPathOptions) {
    this.slowAfterMs = opts.slowAfterMs ?? 2_000;
    this.coolOffMs = opts.coolOffMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Reserves a local first attempt for the delivery, for at most `ttlMs`; false: take the regular path. */
  tryReserve(deliveryId: string, webhookId: string, ttlMs: number): boolean {
    if (this.opts.capacity <= 0 || this.isSlow(webhookId)) return false;
    if (this.reserved.size >= this.opts.capacity) this.dropLapsed();
    if (this.reserved.size >= this.opts.capacity) return false;
    this.reserved.set(deliveryId, this.now() + ttlMs);
    return true;
  }

  release(deliveryId: string): void {
    this.reserved.delete(deliveryId);
  }

  get inFlight(): number {
    return this.reserved.size;
  }

  /**
   * Watches one attempt (local or not) to a webhook: one that is still
   * waiting after `slowAfterMs`, or that ends without an answer from the
   * receiver, sends the webhook's next deliveries down the regular path.
   * Returns the function to call when the attempt ends.
   */
  watch(webhookId: string): (outcome: { answered: boolean; durationMs: number }) => void {
    const timer = setTimeout(() => this.markSlow(webhookId), this.slowAfterMs);
    timer.unref();
    return ({ answered, durationMs }) => {
      clearTimeout(timer);
      if (!answered || durationMs >= this.slowAfterMs) this.markSlow(webhookId);
    };
  }

  isSlow(webhookId: string): boolean {
    const until = this.slow.get(webhookId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.slow.delete(webhookId);
    return false;
  }

  private markSlow(webhookId: string): void {
    this.slow.set(webhookId, this.now() + this.coolOffMs);
  }

  private dropLapsed(): void {
    const now = this.now();
    for (const [id, until] of this.reserved) if (until <= now) this.reserved.delete(id);
  }
}
