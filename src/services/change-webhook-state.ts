import type { Pool } from 'pg';
import type { Tenant } from '../domain/models';
import type { WebhookAction } from '../domain/webhook-state';
import { ConflictError, ServiceUnavailableError } from '../errors';
import { changeStateThroughController } from '../temporal/workflow-starters';
import type { ControlPlane } from './control-plane';
import { getWebhook } from './manage-webhooks';

/**
 * Pause, resume, disable or enable a webhook. The change goes through the
 * webhook's controller workflow, exactly like a signal from the Temporal UI
 * or CLI, and this returns once Postgres holds the new state.
 */
export async function changeWebhookState(
  deps: { pool: Pool; control: ControlPlane },
  tenant: Tenant,
  webhookId: string,
  action: WebhookAction,
) {
  await getWebhook(deps, tenant, webhookId);
  let client;
  try {
    client = await deps.control.temporal();
  } catch (err) {
    throw new ServiceUnavailableError(`Temporal is unreachable, so the webhook cannot be changed now: ${(err as Error).message}`);
  }
  const result = await changeStateThroughController(client, webhookId, deps.control.config, {
    action,
    ...(action === 'disable' ? { reason: 'disabled through the API' } : {}),
  });
  if (!result.ok) throw new ConflictError(result.error ?? `cannot ${action} this webhook`, 'invalid_state');
  return getWebhook(deps, tenant, webhookId);
}
