import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/pool';
import { PAYLOAD_ERASED_ERROR } from '../domain/retention';
import { DeliveryStatus } from '../domain/statuses';
import { PENDING_DELIVERY } from './sql-literal';

/** The statuses a delivery can end in: only these are ever purged. */
const FINISHED = [DeliveryStatus.Succeeded, DeliveryStatus.Failed, DeliveryStatus.Cancelled];

/** A tenant and the moment before which its finished data is purged. */
export interface TenantCutoff {
  tenantId: string;
  cutoff: Date;
}

/**
 * The SQL of data retention. Every purge batch deletes about `limit` rows it picks
 * with `FOR UPDATE SKIP LOCKED` and commits at once: a batch holds its row locks
 * for milliseconds and never waits for a row another transaction holds. A pending delivery is never picked (each statement says
 * `status <> 'pending'`, which is also the predicate of the index it uses), nor
 * anything a pending delivery needs: its attempts, its event, its webhook.
 */
export class RetentionRepository {
  constructor(private readonly db: Pool) {}

  /** Every tenant's cutoff: `now() - retention_days`, its own or `defaultDays`. */
  async cutoffs(defaultDays: number): Promise<TenantCutoff[]> {
    const { rows } = await this.db.query<{ id: string; cutoff: Date }>(
      `SELECT id, now() - make_interval(days => COALESCE(retention_days, $1)) AS cutoff FROM tenants ORDER BY id`,
      [defaultDays],
    );
    return rows.map((r) => ({ tenantId: r.id, cutoff: r.cutoff }));
  }

  /**
   * One batch of the tenant's deliveries that finished before the cutoff, with their
   * attempts, in one short transaction: up to `limit` deliveries while their rows
   * (each delivery and its `attempt_count` attempts) add up to `limit`, at least one.
   * `more` says whether more may be left. The row locks re-read a delivery changed meanwhile, so one sent again (pending
   * once more) is left alone, and one another transaction holds is skipped.
   */
  async purgeDeliveries(t: TenantCutoff, limit: number): Promise<{ deliveries: number; attempts: number; more: boolean }> {
    return withTransaction(this.db, async (tx) => {
      const { rows } = await tx.query<{ id: string; locked: string }>(
        `SELECT id, locked FROM (
           SELECT id, sum(attempt_count + 1) OVER (ORDER BY completed_at, id) AS running, row_number() OVER (ORDER BY completed_at, id) AS n,
                  count(*) OVER () AS locked
             FROM (SELECT id, completed_at, attempt_count FROM deliveries
                    WHERE tenant_id = $1 AND status <> ${PENDING_DELIVERY} AND status = ANY($2::text[]) AND completed_at < $3
                    LIMIT $4 FOR UPDATE SKIP LOCKED) locked
         ) picked WHERE running <= $4 OR n = 1`,
        [t.tenantId, FINISHED, t.cutoff, limit],
      );
      if (rows.length === 0) return { deliveries: 0, attempts: 0, more: false };
      const ids = rows.map((r) => r.id);
      const attempts = await tx.query('DELETE FROM attempts WHERE delivery_id = ANY($1::uuid[])', [ids]);
      const deliveries = await tx.query('DELETE FROM deliveries WHERE id = ANY($1::uuid[])', [ids]);
      // More may be left when the row budget left some locked deliveries out, or the lock took as many as it could.
      const locked = Number(rows[0]!.locked);
      return { deliveries: deliveries.rowCount ?? 0, attempts: attempts.rowCount ?? 0, more: rows.length < locked || locked >= limit };
    });
  }

  /**
   * The tenant's events created before the cutoff with no delivery left (so none
   * pending). `OFFSET 0` keeps the planner from turning the check into an anti-join
   * that hashes every delivery: it stays one probe of `deliveries (event_id, ...)` per event.
   */
  async purgeEvents(t: TenantCutoff, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM events WHERE id IN (
         SELECT e.id FROM events e
          WHERE e.tenant_id = $1 AND e.created_at < $2
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id OFFSET 0)
          LIMIT $3 FOR UPDATE OF e SKIP LOCKED)`,
      [t.tenantId, t.cutoff, limit],
    );
    return rowCount ?? 0;
  }

  /** The tenant's soft-deleted webhooks with no delivery left: nothing refers to them any more. */
  async purgeWebhooks(t: TenantCutoff, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM webhooks WHERE id IN (
         SELECT w.id FROM webhooks w
          WHERE w.deleted_at IS NOT NULL AND w.tenant_id = $1
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = w.id OFFSET 0)
          LIMIT $2 FOR UPDATE OF w SKIP LOCKED)`,
      [t.tenantId, limit],
    );
    return rowCount ?? 0;
  }

  /** One batch of portal links and sessions (every tenant's) that ended more than `keepEndedMs` ago. */
  async purgePortalSessions(keepEndedMs: number, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM portal_sessions WHERE id IN (
         SELECT id FROM portal_sessions
          WHERE GREATEST(link_expires_at, COALESCE(session_expires_at, link_expires_at)) < now() - $1 * interval '1 millisecond'
          LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [keepEndedMs, limit],
    );
    return rowCount ?? 0;
  }
}

/** A delivery that was pending when its event's payload was erased, now cancelled. */
export interface ErasedPendingDelivery {
  workflowId: string;
  /** Its workflow runs and must look again. */
  dispatched: boolean;
}

/** What an attempt's stored signature header reads once the payload it was computed over is erased. */
export const ERASED_HEADER_VALUE = '[erased]';

/**
 * Erases an event's payload in one transaction: the event's `data`, each delivery's
 * stored body (`deliveries.payload`), each attempt's stored response body (a
 * receiver may echo what it got) and the value of each attempt's stored signature header
 * (ERASED_HEADER_VALUE; the other request and response headers stay). Ids, type, times, statuses, codes and errors stay.
 * Deliveries still pending end as cancelled. Undefined when the tenant has no such
 * event; erasing again changes nothing and keeps the first erasure's time.
 */
export async function erasePayload(
  pool: Pool,
  tenantId: string,
  eventId: string,
): Promise<{ erasedAt: Date; cancelled: ErasedPendingDelivery[] } | undefined> {
  return withTransaction(pool, async (tx: PoolClient) => {
    const { rows } = await tx.query<{ payload_erased_at: Date }>(
      `UPDATE events SET data = NULL, payload_erased_at = COALESCE(payload_erased_at, now())
        WHERE tenant_id = $1 AND id = $2 RETURNING payload_erased_at`,
      [tenantId, eventId],
    );
    if (!rows[0]) return undefined;
    const cancelled = await tx.query<{ workflow_id: string; dispatched: boolean }>(
      `UPDATE deliveries SET status = $2, completed_at = now(), updated_at = now(), last_error = $3
        WHERE event_id = $1 AND status = ${PENDING_DELIVERY} RETURNING workflow_id, dispatched_at IS NOT NULL AS dispatched`,
      [eventId, DeliveryStatus.Cancelled, PAYLOAD_ERASED_ERROR],
    );
    await tx.query(`UPDATE deliveries SET payload = NULL WHERE event_id = $1 AND payload IS NOT NULL`, [eventId]);
    await tx.query(
      `UPDATE attempts SET response_body = NULL
        WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id = $1) AND response_body IS NOT NULL`,
      [eventId],
    );
    // A signature is computed over the body: with the key, it confirms a guess of the payload.
    await tx.query(
      `UPDATE attempts a
          SET request_headers = (SELECT jsonb_agg(CASE WHEN lower(h.e ->> 0) = a.signature_header THEN jsonb_build_array(h.e -> 0, $2::text) ELSE h.e END ORDER BY h.n)
                                   FROM jsonb_array_elements(a.request_headers) WITH ORDINALITY AS h(e, n))
        WHERE a.delivery_id IN (SELECT id FROM deliveries WHERE event_id = $1)
          AND a.signature_header IS NOT NULL AND jsonb_array_length(a.request_headers) > 0`,
      [eventId, ERASED_HEADER_VALUE],
    );
    return {
      erasedAt: rows[0].payload_erased_at,
      cancelled: cancelled.rows.map((r) => ({ workflowId: r.workflow_id, dispatched: r.dispatched })),
    };
  });
}
