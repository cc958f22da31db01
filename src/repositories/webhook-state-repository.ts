import type { PoolClient } from 'pg';
import type { WebhookAction, WebhookStateResult } from '../../workflows/definitions';
import { DeliveryStatus, WebhookStatus } from '../domain/statuses';
import { PENDING_DELIVERY } from './sql-literal';

/** A pending delivery whose workflow must look at the webhook again. */
export interface AffectedDelivery {
  workflowId: string;
}

/**
 * Applies one state change to a webhook, inside the caller's transaction.
 * Transitions: pause active→paused; resume paused→active; disable any→disabled
 * (pending deliveries end as cancelled); enable paused|disabled→active
 * (failures forgotten). Repeating a change is a no-op; pausing or resuming a
 * disabled webhook is refused.
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
  if (!current || current.deleted) return { ok: false, error: 'webhook does not exist', affected: [] };
  const refuse = (error: string) => ({ ok: false, status: current.status, error, affected: [] });

  switch (action) {
    case 'pause':
      if (current.status === WebhookStatus.Disabled) return refuse('webhook is disabled; enable it instead');
      if (current.status === WebhookStatus.Paused) return { ok: true, status: current.status, changed: false, affected: [] };
      await setStatus(tx, webhookId, WebhookStatus.Paused);
      return { ok: true, status: WebhookStatus.Paused, changed: true, affected: await dispatchedPending(tx, webhookId) };
    case 'resume':
      if (current.status === WebhookStatus.Disabled) return refuse('webhook is disabled; enable it instead');
      if (current.status === WebhookStatus.Active) return { ok: true, status: current.status, changed: false, affected: [] };
      await setStatus(tx, webhookId, WebhookStatus.Active, { releasing: true });
      return { ok: true, status: WebhookStatus.Active, changed: true, affected: [] };
    case 'enable':
      if (current.status === WebhookStatus.Active) return { ok: true, status: current.status, changed: false, affected: [] };
      await tx.query(
        `UPDATE webhooks SET status = $2, disabled_reason = NULL, disabled_at = NULL, failure_count = 0,
                releasing = true, updated_at = now() WHERE id = $1`,
        [webhookId, WebhookStatus.Active],
      );
      return { ok: true, status: WebhookStatus.Active, changed: true, affected: [] };
    case 'disable': {
      if (current.status !== WebhookStatus.Disabled) {
        await tx.query(
          `UPDATE webhooks SET status = $3, disabled_reason = $2, disabled_at = now(), releasing = false,
                  updated_at = now() WHERE id = $1`,
          [webhookId, reason ?? 'disabled by an operator', WebhookStatus.Disabled],
        );
      }
      const cancelled = await cancelPendingDeliveries(tx, webhookId, 'webhook is disabled');
      return {
        ok: true,
        status: WebhookStatus.Disabled,
        changed: current.status !== WebhookStatus.Disabled,
        affected: cancelled.filter((d) => d.dispatched).map((d) => ({ workflowId: d.workflowId })),
      };
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
