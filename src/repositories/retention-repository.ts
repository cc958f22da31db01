import type { Pool, PoolClient } from 'pg';
import { withTransaction, type Queryable } from '../db/pool';
import { PAYLOAD_ERASED_ERROR, type RetentionKind } from '../domain/retention';
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
 * The SQL of data retention. Every purge statement deletes at most `limit` rows it
 * picks with `FOR UPDATE SKIP LOCKED` and commits at once (autocommit): a batch
 * holds its row locks for milliseconds and never waits for a row another
 * transaction holds. A pending delivery is never picked (each statement says
 * `status <> 'pending'`, which is also the predicate of the index it uses), nor
 * anything a pending delivery needs: its attempts, its event, its webhook.
 */
export class RetentionRepository {
  constructor(private readonly db: Queryable) {}

  /** Every tenant's cutoff: `now() - retention_days`, its own or `defaultDays`. */
  async cutoffs(defaultDays: number): Promise<TenantCutoff[]> {
    const { rows } = await this.db.query<{ id: string; cutoff: Date }>(
      `SELECT id, now() - make_interval(days => COALESCE(retention_days, $1)) AS cutoff FROM tenants ORDER BY id`,
      [defaultDays],
    );
    return rows.map((r) => ({ tenantId: r.id, cutoff: r.cutoff }));
  }

  /** One batch of `kind` for one tenant; the number of rows deleted. */
  purgeBatch(kind: Exclude<RetentionKind, 'portal_sessions'>, t: TenantCutoff, limit: number): Promise<number> {
    switch (kind) {
      case 'attempts':
        return this.purgeAttempts(t, limit);
      case 'deliveries':
        return this.purgeDeliveries(t, limit);
      case 'events':
        return this.purgeEvents(t, limit);
      case 'webhooks':
        return this.purgeWebhooks(t, limit);
    }
  }

  /** Attempts of the tenant's deliveries that finished before the cutoff. */
  private async purgeAttempts(t: TenantCutoff, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM attempts WHERE id IN (
         SELECT a.id FROM deliveries d JOIN attempts a ON a.delivery_id = d.id
          WHERE d.tenant_id = $1 AND d.status <> ${PENDING_DELIVERY} AND d.status = ANY($2::text[]) AND d.completed_at < $3
          LIMIT $4 FOR UPDATE OF a SKIP LOCKED)`,
      [t.tenantId, FINISHED, t.cutoff, limit],
    );
    return rowCount ?? 0;
  }

  /**
   * The tenant's deliveries that finished before the cutoff and have no attempt
   * left. The row lock re-reads a delivery changed meanwhile, so one sent
   * again (pending once more) is left alone.
   */
  private async purgeDeliveries(t: TenantCutoff, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM deliveries WHERE id IN (
         SELECT d.id FROM deliveries d
          WHERE d.tenant_id = $1 AND d.status <> ${PENDING_DELIVERY} AND d.status = ANY($2::text[]) AND d.completed_at < $3
            AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.delivery_id = d.id)
          LIMIT $4 FOR UPDATE OF d SKIP LOCKED)`,
      [t.tenantId, FINISHED, t.cutoff, limit],
    );
    return rowCount ?? 0;
  }

  /** The tenant's events created before the cutoff with no delivery left (so none pending). */
  private async purgeEvents(t: TenantCutoff, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM events WHERE id IN (
         SELECT e.id FROM events e
          WHERE e.tenant_id = $1 AND e.created_at < $2
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)
          LIMIT $3 FOR UPDATE OF e SKIP LOCKED)`,
      [t.tenantId, t.cutoff, limit],
    );
    return rowCount ?? 0;
  }

  /** The tenant's soft-deleted webhooks with no delivery left: nothing refers to them any more. */
  private async purgeWebhooks(t: TenantCutoff, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM webhooks WHERE id IN (
         SELECT w.id FROM webhooks w
          WHERE w.deleted_at IS NOT NULL AND w.tenant_id = $1
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = w.id)
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

/**
 * Erases an event's payload in one transaction: the event's `data`, each delivery's
 * stored body (`deliveries.payload`) and each attempt's stored response body (a
 * receiver may echo what it got). Ids, type, times, statuses, codes and errors stay.
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
    return {
      erasedAt: rows[0].payload_erased_at,
      cancelled: cancelled.rows.map((r) => ({ workflowId: r.workflow_id, dispatched: r.dispatched })),
    };
  });
}
