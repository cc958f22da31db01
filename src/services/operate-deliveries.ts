import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Delivery, Tenant } from '../domain/models';
import { DeliveryStatus, WebhookStatus } from '../domain/statuses';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../errors';
import { DeliveryAttemptsRepository } from '../repositories/delivery-attempts-repository';
import { DeliveryLinesRepository } from '../repositories/delivery-lines-repository';
import { DeliveryReadsRepository } from '../repositories/delivery-reads-repository';
import { EventsRepository } from '../repositories/events-repository';
import { OutboxRepository } from '../repositories/outbox-repository';
import { describeDelivery, recheckDelivery, retryDeliveryNow, retryLineDeliveryNow } from '../temporal/workflow-starters';
import type { ControlPlane } from './control-plane';
import { getWebhook } from './manage-webhooks';

type Deps = { pool: Pool; control: ControlPlane };

async function loadDelivery(pool: Pool, tenant: Tenant, id: string): Promise<Delivery> {
  const delivery = await new DeliveryReadsRepository(pool).findById(tenant.id, id);
  if (!delivery) throw new NotFoundError('Delivery', id);
  return delivery;
}

async function requireDeliverable(deps: Deps, tenant: Tenant, webhookId: string) {
  const webhook = await getWebhook(deps, tenant, webhookId).catch(() => undefined);
  if (!webhook) throw new ConflictError('its webhook was deleted', 'invalid_state');
  if (webhook.status === WebhookStatus.Disabled) throw new ConflictError('its webhook is disabled; enable it first', 'invalid_state');
}

/** Sends a finished delivery again with a fresh attempt series; receivers see the same `webhook-id`. */
export async function redeliver(deps: Deps, tenant: Tenant, id: string): Promise<Delivery> {
  const delivery = await loadDelivery(deps.pool, tenant, id);
  if (delivery.status === DeliveryStatus.Pending) throw new ConflictError('delivery is still pending; use retry-now', 'invalid_state');
  if ((await new EventsRepository(deps.pool).findById(tenant.id, delivery.eventId))?.payloadErasedAt) {
    throw new ConflictError('its event’s payload was erased: there is nothing to send', 'invalid_state');
  }
  await requireDeliverable(deps, tenant, delivery.webhookId);
  await new OutboxRepository(deps.pool).redeliver(tenant.id, { ids: [id] });
  return loadDelivery(deps.pool, tenant, id);
}

const WAITING_IN_LINE =
  'delivery is waiting in line: its webhook is fifo, and it is sent once the deliveries before it have ended';

/**
 * A delivery waiting in its retry backoff attempts now; the rest of its schedule stays. A delivery of a
 * `fifo` webhook not yet started by its line answers 409 `waiting_in_line`.
 */
export async function retryNow(deps: Deps, tenant: Tenant, id: string): Promise<Delivery> {
  const delivery = await loadDelivery(deps.pool, tenant, id);
  if (delivery.status !== DeliveryStatus.Pending) throw new ConflictError(`delivery is ${delivery.status}; use retry`, 'invalid_state');
  if (delivery.sequence !== null) {
    // A fifo webhook's delivery is started by its line when its turn comes; until then there is no backoff to cut.
    const behind = await new DeliveryLinesRepository(deps.pool).hasEarlierPending(delivery.webhookId, delivery.sequence);
    if (behind || !(await signalResult(deps, (client) => retryLineDeliveryNow(client, delivery.workflowId)))) {
      throw new ConflictError(WAITING_IN_LINE, 'waiting_in_line');
    }
    return delivery;
  }
  if (!delivery.dispatchedAt) throw new ConflictError('delivery has not started yet', 'invalid_state');
  await signal(deps, (client) => retryDeliveryNow(client, delivery.workflowId));
  return delivery;
}

/** Stops a pending delivery; it ends as cancelled and nothing more is sent. */
export async function cancelDelivery(deps: Deps, tenant: Tenant, id: string): Promise<Delivery> {
  const delivery = await loadDelivery(deps.pool, tenant, id);
  const repo = new DeliveryAttemptsRepository(deps.pool);
  if (!(await repo.complete(id, DeliveryStatus.Cancelled, 'cancelled by an operator'))) {
    throw new ConflictError(`delivery is already ${delivery.status}`, 'invalid_state');
  }
  // Postgres is the truth; the signal only spares the workflow its wait. Without it, the next attempt finds it cancelled.
  if (delivery.dispatchedAt) await signal(deps, (client) => recheckDelivery(client, delivery.workflowId)).catch(() => undefined);
  return loadDelivery(deps.pool, tenant, id);
}

/** Sends every failed delivery of a webhook created in [since, until) again. */
export async function recoverFailedDeliveries(deps: Deps, tenant: Tenant, webhookId: string, since: Date, until?: Date) {
  await getWebhook(deps, tenant, webhookId);
  await requireDeliverable(deps, tenant, webhookId);
  return new OutboxRepository(deps.pool).redeliver(tenant.id, {
    webhookId,
    status: DeliveryStatus.Failed,
    from: since,
    to: until,
  });
}

/** When the next attempt of a delivery waiting in backoff is due, read from its workflow; null otherwise. */
export async function nextAttemptAt(deps: Deps, delivery: Delivery): Promise<Date | null> {
  if (delivery.status !== DeliveryStatus.Pending || !delivery.dispatchedAt) return null;
  try {
    const client = await deps.control.temporal();
    const description = await client.connection.withDeadline(Date.now() + 2_000, () =>
      describeDelivery(client, delivery.workflowId),
    );
    const next = description.raw.pendingActivities?.find((a) => a.nextAttemptScheduleTime)?.nextAttemptScheduleTime;
    return next ? new Date(Number(next.seconds ?? 0) * 1000 + Math.floor((next.nanos ?? 0) / 1e6)) : null;
  } catch {
    return null;
  }
}

async function signal(deps: Deps, send: (client: Client) => Promise<void>) {
  await signalResult(deps, send);
}

async function signalResult<T>(deps: Deps, send: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await send(await deps.control.temporal());
  } catch (err) {
    throw new ServiceUnavailableError(`Temporal is unreachable: ${(err as Error).message}`);
  }
}
