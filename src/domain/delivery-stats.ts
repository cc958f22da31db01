/** The windows the portal's statistics cover: the last hour, or the last day. */
export const STATS_RANGES = ['hour', 'day'] as const;
export type StatsRange = (typeof STATS_RANGES)[number];

/** One webhook's deliveries created in a window, by status. */
export interface WebhookDeliveryCounts {
  webhookId: string;
  succeeded: number;
  failed: number;
  pending: number;
  cancelled: number;
  /** `succeeded / (succeeded + failed)`; null when none has finished either way. */
  successRate: number | null;
}

/** Each webhook's deliveries created since `since`. */
export interface WebhookStats {
  range: StatsRange;
  since: Date;
  results: WebhookDeliveryCounts[];
}

/** The attempts of one bucket of time, and their latency. */
export interface AttemptsBucket {
  start: Date;
  /** Attempts that got a 2xx. */
  succeeded: number;
  /** Attempts that did not. */
  failed: number;
  /** Median attempt duration; null without attempts. */
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Attempts over a window, bucket by bucket. */
export interface DeliveryStats {
  range: StatsRange;
  bucketSeconds: number;
  since: Date;
  until: Date;
  buckets: AttemptsBucket[];
}
