import type { Queryable } from '../db/pool';
import { profileOf, type ProfileName } from '../domain/profiles';
import { FIFO_ORDERING } from '../domain/delivery-ordering';
import { DeliveryStatus, WebhookStatus } from '../domain/statuses';
import type { PendingDispatch } from '../domain/pending-dispatch';
import { PENDING_DELIVERY } from './sql-literal';

/** Notified inside the inserting transaction, so a listener hears of rows only once they are committed. */
export const OUTBOX_CHANNEL = 'delivery_outbox';

/** An outbox row as `RETURNING` gives it. */
export const toPendingDispatch = (r: {
  id: string;
  workflow_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  first_attempt_number: number;
  max_attempts: number | null;
  timeout_ms: number | null;
  profile?: string | null;
  sequence?: string | number | null;
}): PendingDispatch => ({
  id: r.id,
  workflowId: r.workflow_id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  eventType: r.event_type,
  firstAttemptNumber: r.first_attempt_number,
  maxAttempts: r.max_attempts,
  timeoutMs: r.timeout_ms,
  profile: profileOf(r.profile).name,
  sequence: r.sequence === null || r.sequence === undefined ? null : Number(r.sequence),
});

/** The custom settings fixed with the profile: taken from the webhook (`w`) with it, kept with it after (the SET reads the old `d.profile`). */
export const FIXED_CUSTOM_PROFILE = 'CASE WHEN d.profile IS NULL THEN w.custom_profile ELSE d.custom_profile END';

/**
 * The delivery outbox: deliveries accepted but not yet handed to Temporal,
 * their claims by dispatchers, the release of a webhook's held deliveries,
 * and redeliveries, which put finished deliveries back in it.
 */
export class OutboxRepository {
  constructor(private readonly db: Queryable) {}

  /** Wakes dispatchers (delivered on commit when inside a transaction). */
  async notifyOutbox(): Promise<void> {
    await this.db.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  }

  /**
   * Claims up to `limit` undispatched deliveries of active webhooks for
   * `claimMs`, oldest first, in one short statement: other dispatchers skip
   * them until the claim lapses. Returned in creation order. Deliveries of a
   * paused webhook wait here: they are held in Postgres until it is resumed.
   * (A pause that lands between this claim and the start is caught by the
   * attempt itself, which holds when it finds the webhook paused.)
   */
  async claimUndispatched(limit: number, claimMs: number): Promise<PendingDispatch[]> {
    const { rows } = await this.db.query(
      `WITH due AS (
         SELECT d.id FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.dispatched_at IS NULL AND d.status = ${PENDING_DELIVERY} AND w.status = $3 AND NOT w.releasing
           AND (d.dispatch_claimed_until IS NULL OR d.dispatch_claimed_until < now())
         ORDER BY d.created_at, d.id
         LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       )
       -- The profile is fixed by the first claim of a series: a claim that lapsed after its workflow
       -- started must not hand a later claim another profile than the one that workflow runs under.
       UPDATE deliveries d SET dispatch_claimed_until = now() + make_interval(secs => $2::double precision / 1000),
                               profile = COALESCE(d.profile, w.profile),
                               custom_profile = ${FIXED_CUSTOM_PROFILE}
       FROM due, events e, webhooks w
       WHERE d.id = due.id AND e.id = d.event_id AND w.id = d.webhook_id
       RETURNING d.id, d.workflow_id, d.webhook_id, d.event_id, e.type AS event_type, d.first_attempt_number,
                 w.max_attempts, w.timeout_ms, d.profile, d.sequence, d.created_at`,
      [limit, claimMs, WebhookStatus.Active],
    );
    rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return rows.map(toPendingDispatch);
  }

  /** Fixes the profile of an undispatched delivery about to be started outside the outbox (a release); returns it. */
  async fixProfile(id: string): Promise<ProfileName> {
    const { rows } = await this.db.query<{ profile: string }>(
      `UPDATE deliveries d SET profile = COALESCE(d.profile, w.profile), custom_profile = ${FIXED_CUSTOM_PROFILE} FROM webhooks w
       WHERE d.id = $1 AND w.id = d.webhook_id RETURNING d.profile`,
      [id],
    );
    return profileOf(rows[0]?.profile).name;
  }

  /** Gives claimed deliveries back to the outbox at once (their starts failed). */
  async releaseClaims(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE deliveries SET dispatch_claimed_until = NULL WHERE id = ANY($1::uuid[]) AND dispatched_at IS NULL`, [ids]);
  }

  /** A webhook's pending deliveries in the order their events were created, dispatched or not. */
  async listPendingForWebhook(webhookId: string): Promise<Array<PendingDispatch & { dispatched: boolean; attemptCount: number }>> {
    const { rows } = await this.db.query(
      `SELECT d.id, d.workflow_id, d.webhook_id, d.event_id, e.type AS event_type, d.first_attempt_number,
              w.max_attempts, w.timeout_ms, d.sequence, d.dispatched_at IS NOT NULL AS dispatched, d.attempt_count
       FROM deliveries d JOIN events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.webhook_id = $1 AND d.status = ${PENDING_DELIVERY}
       ORDER BY e.created_at, d.created_at, d.id`,
      [webhookId],
    );
    return rows.map((r) => ({ ...toPendingDispatch(r), dispatched: r.dispatched, attemptCount: r.attempt_count }));
  }

  async markDispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE deliveries SET dispatched_at = now(), dispatch_claimed_until = NULL WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Sends finished deliveries again: each goes back to the outbox as pending
   * with a fresh attempt series under a new workflow id
   * (`<workflow id>-redelivery-<n>`); its attempt numbering continues and its
   * event, hence its `webhook-id`, stays the same, and so does its stored
   * body (`payload` is kept, not recomputed: the same bytes go out again,
   * freshly signed, whatever the webhook's config has become). Returns what
   * was requeued.
   */
  async redeliver(tenantId: string, filter: { ids: string[] } | { webhookId: string; status: DeliveryStatus; from: Date; to?: Date }): Promise<string[]> {
    const params: unknown[] = [tenantId, DeliveryStatus.Pending];
    const where =
      'ids' in filter
        ? `id = ANY($${params.push(filter.ids)}::uuid[]) AND status <> $2`
        : `webhook_id = $${params.push(filter.webhookId)} AND status = $${params.push(filter.status)}
           AND created_at >= $${params.push(filter.from)}${filter.to ? ` AND created_at < $${params.push(filter.to)}` : ''}`;
    // A delivery to a `fifo` webhook re-enters its line at the back: the webhook's next sequence
    // numbers, taken under its row lock as publishing does; unordered webhooks are not locked.
    const { rows } = await this.db.query<{ id: string }>(
      `WITH target AS (
         SELECT id, webhook_id, sequence, created_at FROM deliveries
          WHERE tenant_id = $1 AND ${where}
            -- An erased event has nothing left to send.
            AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = deliveries.event_id AND e.payload_erased_at IS NOT NULL)
          FOR UPDATE
       ), lines AS (
         SELECT t.webhook_id, count(*) AS n FROM target t JOIN webhooks w ON w.id = t.webhook_id
          WHERE w.ordering = $${params.push(FIFO_ORDERING)} GROUP BY t.webhook_id
       ), taken AS (
         UPDATE webhooks w SET next_sequence = w.next_sequence + lines.n FROM lines WHERE w.id = lines.webhook_id
         RETURNING w.id, w.next_sequence - lines.n AS base
       ), placed AS (
         SELECT t.id, taken.base + row_number() OVER (PARTITION BY t.webhook_id ORDER BY t.sequence, t.created_at, t.id) AS sequence
           FROM target t LEFT JOIN taken ON taken.id = t.webhook_id
       )
       UPDATE deliveries d SET status = $2, completed_at = NULL, last_error = NULL, dispatched_at = NULL, dispatch_claimed_until = NULL,
              profile = NULL, custom_profile = NULL, sequence = placed.sequence,
              redeliveries = d.redeliveries + 1, first_attempt_number = d.attempt_count + 1, updated_at = now(),
              workflow_id = hookline_delivery_workflow_id(d.event_id, d.webhook_id, d.redeliveries + 1)
         FROM placed
        WHERE d.id = placed.id
       RETURNING d.id`,
      params,
    );
    if (rows.length > 0) await this.notifyOutbox();
    return rows.map((r) => r.id);
  }
}
