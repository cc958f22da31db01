import type { Queryable } from '../db/pool';
import type { PendingDispatch } from '../domain/pending-dispatch';
import { FIXED_CUSTOM_PROFILE, toPendingDispatch } from './outbox-repository';
import { PENDING_DELIVERY } from './sql-literal';

/** A pending delivery of a `fifo` webhook, with its place in the line. */
export type LineRow = PendingDispatch & { sequence: number };

/**
 * The lines of `fifo` webhooks: their pending deliveries in sequence order
 * (the order their events were committed). Served by the partial index
 * `deliveries_line`.
 */
export class DeliveryLinesRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * The next `limit` pending deliveries of the webhook after `afterSequence`,
   * in sequence order, dispatched or not (dispatchers may mark rows out of
   * order; the line does not wait for them). Fixes each one's profile, as a
   * claim by the outbox does, since the line is about to start it.
   */
  async next(webhookId: string, afterSequence: number, limit: number): Promise<LineRow[]> {
    const { rows } = await this.db.query(
      `WITH next AS (
         SELECT d.id FROM deliveries d
          WHERE d.webhook_id = $1 AND d.status = ${PENDING_DELIVERY} AND d.sequence IS NOT NULL AND d.sequence > $2
          ORDER BY d.sequence
          LIMIT $3
       )
       UPDATE deliveries d SET profile = COALESCE(d.profile, w.profile), custom_profile = ${FIXED_CUSTOM_PROFILE}
         FROM next, events e, webhooks w
        WHERE d.id = next.id AND e.id = d.event_id AND w.id = d.webhook_id
       RETURNING d.id, d.workflow_id, d.webhook_id, d.event_id, e.type AS event_type, d.first_attempt_number,
                 w.max_attempts, w.timeout_ms, d.profile, d.sequence`,
      [webhookId, afterSequence, limit],
    );
    return rows
      .map((r): LineRow => ({ ...toPendingDispatch(r), sequence: Number(r.sequence) }))
      .sort((a, b) => a.sequence - b.sequence);
  }

  /** Whether a pending delivery of the webhook comes before `sequence`: the one at `sequence` waits behind it. */
  async hasEarlierPending(webhookId: string, sequence: number): Promise<boolean> {
    const { rows } = await this.db.query<{ earlier: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM deliveries
                       WHERE webhook_id = $1 AND status = ${PENDING_DELIVERY} AND sequence IS NOT NULL AND sequence < $2) AS earlier`,
      [webhookId, sequence],
    );
    return rows[0]?.earlier === true;
  }
}
