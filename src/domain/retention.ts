/**
 * Data retention: what the purge removes, in the order it goes. Each kind is purged in
 * batches of at most `RETENTION_BATCH_SIZE` rows, one short transaction each. Attempts
 * go before their deliveries, deliveries before their events and webhooks, so every
 * row a later kind waits for is already gone.
 */
export const RETENTION_KINDS = ['attempts', 'deliveries', 'events', 'portal_sessions', 'webhooks'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Rows deleted per transaction. */
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

/** What one call of the purge activity did for one kind. */
export interface PurgeResult {
  kind: RetentionKind;
  /** Rows deleted. */
  deleted: number;
  /** Transactions (batches) it took. */
  batches: number;
  /** True when a batch came back short: nothing of this kind is left to purge now. */
  done: boolean;
}
