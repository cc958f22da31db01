import type { Pool } from 'pg';
import type { DeliveryStats, StatsRange, WebhookStats } from '../domain/delivery-stats';
import type { Tenant } from '../domain/models';
import { DeliveryStatsRepository } from '../repositories/delivery-stats-repository';

/** The two windows the portal shows: an hour by the minute, a day by the quarter hour. */
export const STATS_WINDOWS = {
  hour: { bucketMs: 60_000, buckets: 60 },
  day: { bucketMs: 15 * 60_000, buckets: 96 },
} as const satisfies Record<StatsRange, { bucketMs: number; buckets: number }>;

/** The window ends at the end of the current bucket, so buckets sit on whole minutes (or quarter hours). */
function windowOf(range: StatsRange, now: Date) {
  const { bucketMs, buckets } = STATS_WINDOWS[range];
  const until = new Date(Math.ceil((now.getTime() + 1) / bucketMs) * bucketMs);
  return { bucketMs, buckets, until, since: new Date(until.getTime() - bucketMs * buckets) };
}

/** Each webhook's deliveries created in the window, by status, and its success rate. */
export async function webhookStats(
  pool: Pool,
  tenant: Tenant,
  q: { range: StatsRange; webhookId?: string },
  now = new Date(),
): Promise<WebhookStats> {
  const since = new Date(now.getTime() - STATS_WINDOWS[q.range].bucketMs * STATS_WINDOWS[q.range].buckets);
  const counts = await new DeliveryStatsRepository(pool).countByWebhook(tenant.id, since, q.webhookId);
  return {
    range: q.range,
    since,
    results: counts.map((c) => ({
      webhookId: c.webhookId,
      succeeded: c.succeeded,
      failed: c.failed,
      pending: c.pending,
      cancelled: c.cancelled,
      successRate: c.succeeded + c.failed > 0 ? c.succeeded / (c.succeeded + c.failed) : null,
    })),
  };
}

/** Attempts per bucket and their latency over the window, for the portal's chart. */
export async function deliveryStats(
  pool: Pool,
  tenant: Tenant,
  q: { range: StatsRange; webhookId?: string },
  now = new Date(),
): Promise<DeliveryStats> {
  const w = windowOf(q.range, now);
  const buckets = await new DeliveryStatsRepository(pool).attemptsOverTime(tenant.id, {
    since: w.since,
    bucketMs: w.bucketMs,
    count: w.buckets,
    webhookId: q.webhookId,
  });
  return {
    range: q.range,
    bucketSeconds: w.bucketMs / 1000,
    since: w.since,
    until: w.until,
    buckets: buckets.map((b) => ({
      start: new Date(w.since.getTime() + b.slot * w.bucketMs),
      succeeded: b.succeeded,
      failed: b.failed,
      p50Ms: b.p50Ms,
      p95Ms: b.p95Ms,
    })),
  };
}
