import type { Pool } from 'pg';
import type { Queryable } from '../db/pool';
import type { Delivery } from '../domain/models';
import {
  disableKindOf,
  isOperationalEventType,
  isOperationalSubscription,
  type OperationalEventType,
} from '../domain/operational-events';
import { ConflictError } from '../errors';
import { OperationalEventsRepository, type WebhookSummary } from '../repositories/operational-events-repository';
import { wakeOutbox } from '../repositories/outbox-wake';
import { publishEventWith } from './publish-event';

/**
 * Publishes operational events (README, "Operational webhooks") through
 * publishEventWith, on the caller's connection (inside its transaction when it
 * has one). Nothing is stored when no webhook of the tenant subscribes, so a
 * tenant without operational webhooks sees no change. Returns whether an event
 * with deliveries was stored: the caller then wakes the dispatchers after commit.
 */
export async function publishOperationalEvent(
  db: Queryable,
  tenantId: string,
  type: OperationalEventType,
  data: Record<string, unknown>,
  idempotencyKey?: string,
): Promise<boolean> {
  if (!(await new OperationalEventsRepository(db).hasSubscriber(tenantId, type))) return false;
  try {
    const published = await publishEventWith(db, { id: tenantId }, { type, data, idempotencyKey });
    return !published.replayed && published.deliveries.length > 0;
  } catch (err) {
    // The same fact reported twice (two runs racing): the first event stands.
    if (err instanceof ConflictError && err.code === 'idempotency_key_reused') return false;
    throw err;
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function webhookData(w: Pick<WebhookSummary, 'id' | 'name' | 'url' | 'status' | 'events' | 'disabledReason' | 'disabledAt' | 'createdAt' | 'updatedAt'>) {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    status: w.status,
    events: w.events,
    disabled_reason: w.disabledReason,
    disabled_at: iso(w.disabledAt),
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}

/** A webhook subscribed to operational events only: its own failures produce no operational event (no loop). */
const operationalOnly = (w: Pick<WebhookSummary, 'events'>) => w.events.length > 0 && w.events.every(isOperationalSubscription);

/** `webhook.created`, `webhook.updated` (with the names of the fields given) or `webhook.deleted`, in the caller's transaction. */
export async function publishWebhookChange(
  tx: Queryable,
  type: 'webhook.created' | 'webhook.updated' | 'webhook.deleted',
  webhookId: string,
  changed?: string[],
): Promise<boolean> {
  const w = await new OperationalEventsRepository(tx).webhook(webhookId);
  if (!w) return false;
  const data: Record<string, unknown> = { webhook: webhookData(w) };
  if (type === 'webhook.updated') data.changed = changed ?? [];
  if (type === 'webhook.deleted') data.deleted_at = new Date().toISOString();
  return publishOperationalEvent(tx, w.tenantId, type, data);
}

/**
 * After a state change, in its transaction: `webhook.disabled` or `webhook.enabled` when the status
 * really changed (pause and resume emit nothing). An automatic or 410 disable of a webhook subscribed
 * to operational events only emits nothing: the no-loop rule.
 */
export async function publishStateChange(tx: Queryable, webhookId: string, action: string, changed: boolean): Promise<boolean> {
  if (!changed || (action !== 'disable' && action !== 'enable')) return false;
  const w = await new OperationalEventsRepository(tx).webhook(webhookId);
  if (!w) return false;
  if (action === 'enable') {
    return publishOperationalEvent(tx, w.tenantId, 'webhook.enabled', { webhook: webhookData(w), enabled_at: w.updatedAt.toISOString() });
  }
  const kind = disableKindOf(w.disabledReason);
  if (kind !== 'manual' && operationalOnly(w)) return false;
  return publishOperationalEvent(tx, w.tenantId, 'webhook.disabled', {
    webhook: webhookData(w),
    reason: w.disabledReason ?? '',
    kind,
    disabled_at: (w.disabledAt ?? w.updatedAt).toISOString(),
  });
}

/** What the delivery activities call; best effort: a failure here is logged, never fails the delivery. */
export interface DeliveryOutcomeEvents {
  /** The delivery just ended failed (attempts spent or refused). */
  exhausted(deliveryId: string): Promise<void>;
  /** The delivery just succeeded, on a webhook whose failure count was `failuresBefore`. */
  succeeded(delivery: Pick<Delivery, 'id' | 'webhookId' | 'eventType'>, failuresBefore: number): Promise<void>;
}

export function deliveryOutcomeEvents(pool: Pool, onError: (err: unknown) => void = () => undefined): DeliveryOutcomeEvents {
  const repo = new OperationalEventsRepository(pool);
  const wake = (published: boolean) => {
    if (published) wakeOutbox(pool);
  };
  return {
    async exhausted(deliveryId) {
      try {
        const d = await repo.delivery(deliveryId);
        // No loop: a delivery of an operational event that fails reports nothing.
        if (!d || isOperationalEventType(d.eventType)) return;
        const w = await repo.webhook(d.webhookId);
        if (!w) return;
        const data = {
          webhook: webhookData(w),
          delivery: {
            id: d.id,
            event_id: d.eventId,
            event_type: d.eventType,
            attempts: d.attemptCount,
            last_status_code: d.lastStatusCode,
            last_error: d.lastError,
            created_at: d.createdAt.toISOString(),
            failed_at: (d.completedAt ?? new Date()).toISOString(),
          },
        };
        wake(await publishOperationalEvent(pool, w.tenantId, 'delivery.exhausted', data, `hookline:delivery.exhausted:${d.workflowId}`));
      } catch (err) {
        onError(err);
      }
    },
    async succeeded(delivery, failuresBefore) {
      if (failuresBefore <= 0 || isOperationalEventType(delivery.eventType)) return;
      try {
        const [d, w, lastFailed] = await Promise.all([
          repo.delivery(delivery.id),
          repo.webhook(delivery.webhookId),
          repo.lastFailedDelivery(delivery.webhookId),
        ]);
        if (!d || !w || !lastFailed) return;
        const data = {
          webhook: webhookData(w),
          delivery: {
            id: d.id,
            event_id: d.eventId,
            event_type: d.eventType,
            attempts: d.attemptCount,
            status_code: d.lastStatusCode ?? 200,
            succeeded_at: (d.completedAt ?? new Date()).toISOString(),
          },
          failed_deliveries: failuresBefore,
        };
        // One recovery per run of failures, however many deliveries succeed at once after it.
        wake(await publishOperationalEvent(pool, w.tenantId, 'delivery.recovered', data, `hookline:delivery.recovered:${lastFailed}`));
      } catch (err) {
        onError(err);
      }
    },
  };
}
