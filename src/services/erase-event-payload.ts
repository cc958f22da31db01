import type { Pool } from 'pg';
import type { Tenant } from '../domain/models';
import { NotFoundError } from '../errors';
import { erasePayload } from '../repositories/retention-repository';
import { recheckDelivery } from '../temporal/workflow-starters';
import type { ControlPlane } from './control-plane';

/** Signals sent at once: enough to be quick, few enough not to flood the frontend. */
const SIGNAL_CONCURRENCY = 16;

/**
 * Erases an event's payload for an erasure request ("expunge content"): its `data`,
 * the bodies its deliveries stored and sent, and the receivers' stored answers.
 * The metadata stays. Deliveries still pending end as cancelled and are never
 * sent; their workflows are told to look again. Idempotent.
 */
export async function eraseEventPayload(deps: { pool: Pool; control?: ControlPlane }, tenant: Tenant, eventId: string): Promise<void> {
  const erased = await erasePayload(deps.pool, tenant.id, eventId);
  if (!erased) throw new NotFoundError('Event', eventId);
  const running = erased.cancelled.filter((d) => d.dispatched);
  if (running.length === 0 || !deps.control) return;
  // Postgres is the truth: a workflow not reached finds its delivery cancelled at its next attempt or recheck.
  const client = await deps.control.temporal().catch(() => undefined);
  if (!client) return;
  for (let i = 0; i < running.length; i += SIGNAL_CONCURRENCY) {
    await Promise.all(running.slice(i, i + SIGNAL_CONCURRENCY).map((d) => recheckDelivery(client, d.workflowId).catch(() => undefined)));
  }
}
