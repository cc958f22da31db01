import type { DeliveryStatsResponse, WebhookStatsResponse } from '../responses/portal-insights';
import type { DeliveryStats, WebhookStats } from '../../domain/delivery-stats';

/** Each webhook's delivery counts and success rate, as the API shows them. */
export const webhookStatsView = (s: WebhookStats): WebhookStatsResponse => ({
  range: s.range,
  since: s.since.toISOString(),
  results: s.results.map((c) => ({
    webhook_id: c.webhookId,
    succeeded: c.succeeded,
    failed: c.failed,
    pending: c.pending,
    cancelled: c.cancelled,
    success_rate: c.successRate,
  })),
});

/** Attempts and latency over time, bucket by bucket, as the API shows them. */
export const deliveryStatsView = (s: DeliveryStats): DeliveryStatsResponse => ({
  range: s.range,
  bucket_seconds: s.bucketSeconds,
  since: s.since.toISOString(),
  until: s.until.toISOString(),
  buckets: s.buckets.map((b) => ({
    start: b.start.toISOString(),
    succeeded: b.succeeded,
    failed: b.failed,
    p50_ms: b.p50Ms,
    p95_ms: b.p95Ms,
  })),
});
