import type { PoolClient } from 'pg';
import { DeliveryStatus, WebhookStatus } from '../domain/statuses';
import { webhookTransition, type WebhookAction, type WebhookStateResult } from '../domain/webhook-state';
import { PENDING_DELIVERY } from './sql-literal';

/** A pending delivery whose workflow must look at the webhook again. */
export interface AffectedDelivery {
  workflowId: string;
}

/**
 * Applies one state change to a webhook, inside the caller's transaction, as
 * the webhook state machine (`webhookTransition`) decides it. A disable also
 * ends the webhook's pending deliveries as cancelled, and an enable forgets
 * its failures.
 */
export async function applyWebhookAction(
  tx: PoolClient,
  webhookId: string,
  action: WebhookAction,
  reason?: string,
): Promise<WebhookStateResult & { affected: AffectedDelivery[] }> {
  const { rows } = await tx.query<{ status: WebhookStatus; deleted: boolean }>(
    'SELECT status, deleted_at IS NOT NULL AS deleted FROM webhooks WHERE id = $1 FOR UPDATE',
    [webhookId],
  );
  const current = rows[0];
  const next = webhookTransition(current && !current.deleted ? current.status : undefined, action);
  // A repeated disable still cancels whatever is pending.
  if (!next.ok || (!next.changed && action !== 'disable')) return { ...next, affected: [] };

  switch (action) {
    case 'pause':
      await setStatus(tx, webhookId, WebhookStatus.Paused);
      return { ...next, affected: await dispatchedPending(tx, webhookId) };
    case 'resume':
      await setStatus(tx, webhookId, WebhookStatus.Active, { releasing: true });
      return { ...next, affected: [] };
    case 'enable':
      await tx.query(
        `UPDATE webhooks SET status = $2, disabled_reason = NULL, disabled_at = NULL, failure_count = 0,
                releasing = true, updated_at = now() WHERE id = $1`,
        [webhookId, WebhookStatus.Active],
      );
      return { ...next, affected: [] };
    case 'disable': {
      if (next.changed) {
        await tx.query(
          `UPDATE webhooks SET status = $3, disabled_reason = $2, disabled_at = now(), releasing = false,
                  updated_at = now() WHERE id = $1`,
          [webhookId, reason ?? 'disabled by an operator', WebhookStatus.Disabled],
        );
      }
      const cancelled = await cancelPendingDeliveries(tx, webhookId, 'webhook is disabled');
      return { ...next, affected: cancelled.filter((d) => d.dispatched).map((d) => ({ workflowId: d.workflowId })) };
    }
  }
}

/**
 * Ends every pending delivery of the webhook as cancelled with `reason` as
 * its last error, inside the caller's transaction (its webhook is being
 * disabled or deleted). Returns them, and whether each had been dispatched
 * (its workflow is running and must look again).
 */
export async function cancelPendingDeliveries(
  tx: PoolClient,
  webhookId: string,
  reason: string,
): Promise<Array<AffectedDelivery & { dispatched: boolean }>> {
  const { rows } = await tx.query<{ workflow_id: string; dispatched: boolean }>(
    `UPDATE deliveries SET status = $2, completed_at = now(), updated_at = now(), last_error = $3
     WHERE webhook_id = $1 AND status = ${PENDING_DELIVERY} RETURNING workflow_id, dispatched_at IS NOT NULL AS dispatched`,
    [webhookId, DeliveryStatus.Cancelled, reason],
  );
  return rows.map((r) => ({ workflowId: r.workflow_id, dispatched: r.dispatched }));
}

async function setStatus(tx: PoolClient, webhookId: string, status: WebhookStatus, opts: { releasing?: boolean } = {}) {
  await tx.query(`UPDATE webhooks SET status = $2, releasing = releasing OR $3, updated_at = now() WHERE id = $1`, [
    webhookId,
    status,
    opts.releasing ?? false,
  ]);
}

async function dispatchedPending(tx: PoolClient, webhookId: string): Promise<AffectedDelivery[]> {
  const { rows } = await tx.query<{ workflow_id: string }>(
    `SELECT workflow_id FROM deliveries WHERE webhook_id = $1 AND status = ${PENDING_DELIVERY} AND dispatched_at IS NOT NULL
     ORDER BY created_at, id`,
    [webhookId],
  );
  return rows.map((r) => ({ workflowId: r.workflow_id }));
}
