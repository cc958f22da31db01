/** What was accepted against what arrived: lost and duplicated deliveries, end-to-end latency. */
import type { Receiver } from './receiver';
import { summarize, type Summary } from './stats';

export class Tracker {
  /** webhook id -> receiver route. */
  readonly routeOf = new Map<string, { receiver: Receiver; route: string }>();
  /** route -> event ids accepted for it (each is one expected delivery). */
  readonly expected = new Map<string, Set<string>>();
  private readonly receiverOf = new Map<string, Receiver>();
  expectedTotal = 0;

  addWebhook(webhookId: string, receiver: Receiver, route: string): void {
    this.routeOf.set(webhookId, { receiver, route });
    this.receiverOf.set(route, receiver);
    if (!this.expected.has(route)) this.expected.set(route, new Set());
  }

  /** Records an accepted event's deliveries; ones to webhooks not tracked here are ignored. */
  accept(eventId: string, deliveries: Array<{ webhook_id: string }>): void {
    for (const d of deliveries) {
      const r = this.routeOf.get(d.webhook_id);
      if (!r) continue;
      this.expected.get(r.route)!.add(eventId);
      this.expectedTotal++;
    }
  }

  deliveredTotal(): number {
    let n = 0;
    for (const [route, ids] of this.expected) {
      const got = this.receiverOf.get(route)!.stats(route).delivered;
      for (const id of ids) if (got.has(id)) n++;
    }
    return n;
  }

  outstanding(): number {
    return this.expectedTotal - this.deliveredTotal();
  }

  /** Deliveries that arrived more than once with a 2xx answer, and 2xx arrivals nobody expected. */
  duplicatesAndStrays(): { duplicates: number; strays: number } {
    let duplicates = 0;
    let strays = 0;
    for (const [route, ids] of this.expected) {
      const stats = this.receiverOf.get(route)!.stats(route);
      duplicates += stats.duplicates;
      for (const id of stats.delivered.keys()) if (!ids.has(id)) strays++;
    }
    return { duplicates, strays };
  }

  missing(): Array<{ route: string; eventId: string }> {
    const out: Array<{ route: string; eventId: string }> = [];
    for (const [route, ids] of this.expected) {
      const got = this.receiverOf.get(route)!.stats(route).delivered;
      for (const id of ids) if (!got.has(id)) out.push({ route, eventId: id });
    }
    return out;
  }

  /** First arrivals on these routes: arrival time, send time, latency. */
  arrivals(routes: string[] = [...this.expected.keys()]): Array<{ at: number; sentAt: number; ms: number }> {
    const out: Array<{ at: number; sentAt: number; ms: number }> = [];
    for (const route of routes) {
      const s = this.receiverOf.get(route)!.stats(route);
      for (let i = 0; i < s.arrivals.length; i++) {
        const at = s.arrivals[i]!;
        const ms = s.latencies[i]!;
        out.push({ at, sentAt: at - ms, ms });
      }
    }
    return out;
  }

  /** Latency of deliveries whose event was sent in [from, to). */
  latencyForSentIn(from: number, to: number, routes?: string[]): { summary: Summary; values: number[] } {
    const values = this.arrivals(routes)
      .filter((a) => a.sentAt >= from && a.sentAt < to)
      .map((a) => a.ms);
    return { summary: summarize(values), values };
  }

  deliveredIn(from: number, to: number, routes?: string[]): number {
    return this.arrivals(routes).filter((a) => a.at >= from && a.at < to).length;
  }

  /**
   * The rate a whole run achieved, load and drain together: deliveries of events sent from `from`
   * (the first publish) on, divided by the time from `from` to the last of them arriving.
   */
  overallRate(from: number, routes?: string[]): { delivered: number; seconds: number; perS: number } {
    const arrivals = this.arrivals(routes).filter((a) => a.sentAt >= from);
    const last = arrivals.reduce((m, a) => Math.max(m, a.at), from);
    const seconds = (last - from) / 1000;
    return { delivered: arrivals.length, seconds, perS: seconds > 0 ? arrivals.length / seconds : NaN };
  }

  lastArrival(routes?: string[]): number {
    let last = 0;
    for (const a of this.arrivals(routes)) last = Math.max(last, a.at);
    return last;
  }
}
