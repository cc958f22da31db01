import type { Queryable } from '../db/pool';
import type { WebhookDeliveryCounts as DomainCounts } from '../domain/delivery-stats';
import { AttemptStatus, DeliveryStatus } from '../domain/statuses';

/** One webhook's deliveries by status, before the success rate is worked out. */
type WebhookDeliveryCounts = Omit<DomainCounts, 'successRate'>;

export interface AttemptBucket {
  /** 0 for the bucket that starts at `since`. */
  slot: number;
  succeeded: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Counts for the portal's list and chart, always within one tenant. */
export class DeliveryStatsRepository {
  constructor(private readonly db: Queryable) {}

  /** Deliveries created since `since`, by webhook and status; webhooks without any are left out. */
  async countByWebhook(tenantId: string, since: Date, webhookId?: string): Promise<WebhookDeliveryCounts[]> {
    const params: unknown[] = [tenantId, since];
    const { rows } = await this.db.query(
      `SELECT d.webhook_id,
              count(*) FILTER (WHERE d.status = $${params.push(DeliveryStatus.Succeeded)})::int AS succeeded,
              count(*) FILTER (WHERE d.status = $${params.push(DeliveryStatus.Failed)})::int AS failed,
              count(*) FILTER (WHERE d.status = $${params.push(DeliveryStatus.Pending)})::int AS pending,
              count(*) FILTER (WHERE d.status = $${params.push(DeliveryStatus.Cancelled)})::int AS cancelled
         FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.deleted_at IS NULL
        WHERE d.tenant_id = $1 AND d.created_at >= $2${webhookId ? ` AND d.webhook_id = $${params.push(webhookId)}` : ''}
        GROUP BY d.webhook_id
        ORDER BY d.webhook_id`,
      params,
    );
    return rows.map((r) => ({ webhookId: r.webhook_id, succeeded: r.succeeded, failed: r.failed, pending: r.pending, cancelled: r.cancelled }));
  }

  /**
   * Attempts made in `count` buckets of `bucketMs` from `since`: how many
   * succeeded and failed, and their median and 95th-percentile durations.
   * Every bucket is returned, empty ones too.
   */
  async attemptsOverTime(tenantId: string, q: { since: Date; bucketMs: number; count: number; webhookId?: string }): Promise<AttemptBucket[]> {
    const params: unknown[] = [tenantId, q.since, q.bucketMs, q.count];
    const { rows } = await this.db.query(
      `WITH slots AS (SELECT generate_series(0, $4::int - 1) AS slot),
            tries AS (
              SELECT floor(extract(epoch FROM a.started_at - $2::timestamptz) * 1000 / $3::int)::int AS slot, a.status, a.duration_ms
                FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
               WHERE d.tenant_id = $1
                 AND a.started_at >= $2::timestamptz
                 AND a.started_at < $2::timestamptz + $3::int * $4::int * interval '1 millisecond'
                 ${q.webhookId ? `AND d.webhook_id = $${params.push(q.webhookId)}` : ''})
       SELECT s.slot,
              count(t.status) FILTER (WHERE t.status = $${params.push(AttemptStatus.Succeeded)})::int AS succeeded,
              count(t.status) FILTER (WHERE t.status = $${params.push(AttemptStatus.Failed)})::int AS failed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY t.duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY t.duration_ms) AS p95
         FROM slots s LEFT JOIN tries t ON t.slot = s.slot
        GROUP BY s.slot
        ORDER BY s.slot`,
      params,
    );
    const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
    return rows.map((r) => ({ slot: r.slot, succeeded: r.succeeded, failed: r.failed, p50Ms: ms(r.p50), p95Ms: ms(r.p95) }));
  }
}
