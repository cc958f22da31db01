/**
 * Data retention: the steps of a purge, in order. Each runs in batches of about
 * `RETENTION_BATCH_SIZE` rows, one short transaction each. Deliveries go (with
 * their attempts, in the same transaction) before events and webhooks, so every
 * row a later step waits for is already gone.
 */
export const RETENTION_KINDS = ['deliveries', 'events', 'portal_sessions', 'webhooks'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** What the purge deletes, counted apart (the metric's `kind` label). */
export const PURGED_ROW_KINDS = ['attempts', ...RETENTION_KINDS] as const;
export type PurgedRowKind = (typeof PURGED_ROW_KINDS)[number];

/** Rows per transaction, about: a batch of deliveries takes as many as their attempts and they add up to this. */
export const RETENTION_BATCH_SIZE = 1_000;

/**
 * A tenant's retention: its own `retention_days`, else the configured default
 * (`RETENTION_DAYS`). Bounds as in the database's check.
 */
export const RETENTION_DAYS_RANGE = { min: 1, max: 3650 } as const;

/** Ended portal links and sessions are kept this long after they end, then purged. */
export const PORTAL_SESSION_KEEP_ENDED_MS = 86_400_000;

/** The `last_error` of a pending delivery ended because its event's payload was erased. */
export const PAYLOAD_ERASED_ERROR = 'cancelled: the event payload was erased';

/** What one call of the purge activity did for one step. */
export interface PurgeResult {
  kind: RetentionKind;
  /** Rows deleted, by what they were (the deliveries step also deletes attempts). */
  deleted: Partial<Record<PurgedRowKind, number>>;
  /** Transactions (batches) it took. */
  batches: number;
  /** True when a batch came back short: nothing of this kind is left to purge now. */
  done: boolean;
}
