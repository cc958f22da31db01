import { heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import { withTransaction } from '../src/db/pool';
import { DeliveryStatus } from '../src/domain/statuses';
import type { WebhookStateChange, WebhookStateResult } from '../src/domain/webhook-state';
import { DeliveryAttemptsRepository } from '../src/repositories/delivery-attempts-repository';
import { OutboxRepository } from '../src/repositories/outbox-repository';
import { applyWebhookAction } from '../src/repositories/webhook-state-repository';
import { WebhooksRepository } from '../src/repositories/webhooks-repository';
import { wakeOutbox } from '../src/repositories/outbox-wake';
import { publishStateChange } from '../src/services/publish-operational-event';
import type { WorkflowControl } from './workflow-control';

export interface WebhookStateDeps {
  pool: Pool;
  workflows: WorkflowControl;
  /** The configured request timeout, for deliveries whose webhook sets none. */
  requestTimeoutMs: number;
  /** How often the release loop looks for a released delivery's first attempt. @default 50 */
  pollMs?: number;
}

/** Signals sent to deliveries at once: enough to be quick, few enough not to flood the frontend. */
const SIGNAL_CONCURRENCY = 16;

/**
 * Applies a pause, resume, disable or enable to Postgres, then tells the
 * webhook's running deliveries to look again: paused ones stop in their
 * backoff and hold, disabled ones end as cancelled.
 */
export async function changeWebhookState(
  deps: WebhookStateDeps,
  input: WebhookStateChange & { webhookId: string },
): Promise<WebhookStateResult> {
  const { affected, published, ...result } = await withTransaction(deps.pool, async (tx) => {
    const applied = await applyWebhookAction(tx, input.webhookId, input.action, input.reason);
    // `webhook.disabled` / `webhook.enabled`, with the change (README, "Operational webhooks").
    return { ...applied, published: await publishStateChange(tx, input.webhookId, input.action, applied.ok && applied.changed === true) };
  });
  if (published) wakeOutbox(deps.pool);
  if (affected.length > 0) {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(SIGNAL_CONCURRENCY, affected.length) }, async () => {
        while (next < affected.length) await deps.workflows.recheckDelivery(affected[next++]!.workflowId);
      }),
    );
  }
  return result;
}

/**
 * After a resume or enable, releases the webhook's held deliveries. Those of a
 * `fifo` webhook's line are its line's: the running head is told to look
 * again, the rest are marked handed over, and the line is woken. The others
 * are released one by one
 * in the order their events were created: each is started (or woken) and its
 * first attempt awaited before the next, so the receiver sees them in order.
 * The dispatcher leaves the webhook alone until this is done. Safe to retry.
 */
export async function releaseHeldDeliveries(deps: WebhookStateDeps, input: { webhookId: string }): Promise<number> {
  const repo = new OutboxRepository(deps.pool);
  const attempts = new DeliveryAttemptsRepository(deps.pool);
  const webhooks = new WebhooksRepository(deps.pool);
  let released = 0;
  for (;;) {
    if (!(await webhooks.isActive(input.webhookId))) return released;
    const pending = await repo.listPendingForWebhook(input.webhookId);
    // A fifo webhook's deliveries are its line's to start, in order: recheck its head, hand the rest to the line.
    const inLine = pending.filter((r) => r.sequence != null).sort((a, b) => a.sequence! - b.sequence!);
    if (inLine.length > 0) {
      await deps.workflows.recheckDelivery(inLine[0]!.workflowId);
      await repo.markDispatched(inLine.filter((r) => !r.dispatched).map((r) => r.id));
      await deps.workflows.wakeDeliveryLine(input.webhookId);
      released += inLine.length;
    }
    const held = pending.filter((r) => r.sequence == null);
    for (const row of held) {
      heartbeat({ released });
      if (!(await webhooks.isActive(input.webhookId))) return released;
      if (row.dispatched) await deps.workflows.recheckDelivery(row.workflowId);
      else {
        await deps.workflows.dispatchDelivery({ ...row, profile: await repo.fixProfile(row.id) });
        await repo.markDispatched([row.id]);
      }
      await waitForAttempt(attempts, row.id, row.attemptCount, (row.timeoutMs ?? deps.requestTimeoutMs) + 5_000, deps.pollMs ?? 50);
      released++;
    }
    // Done only when no undispatched delivery arrived meanwhile; then the dispatcher takes over again.
    const finished = await webhooks.finishReleasingUnlessUndispatched(input.webhookId);
    if (finished || pending.length === 0) {
      if (!finished) await webhooks.finishReleasing(input.webhookId);
      await repo.notifyOutbox();
      return released;
    }
  }
}

/** Waits until the delivery has made one more attempt or finished; gives up after `limitMs` (the worker may be busy). */
async function waitForAttempt(repo: DeliveryAttemptsRepository, id: string, before: number, limitMs: number, pollMs: number) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const p = await repo.progress(id);
    if (!p || p.status !== DeliveryStatus.Pending || p.attemptCount > before) return;
    heartbeat();
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
