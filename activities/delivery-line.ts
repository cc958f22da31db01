import { heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { LineEntry } from '../src/domain/activity-contracts';
import { deliveryInputOf, type DeliveryDefaults } from '../src/domain/delivery-input';
import { DeliveryStatus } from '../src/domain/statuses';
import { DeliveryAttemptsRepository } from '../src/repositories/delivery-attempts-repository';
import { DeliveryLinesRepository } from '../src/repositories/delivery-lines-repository';

export interface DeliveryLineDeps {
  pool: Pool;
  /** The worker's schedule and time limit, as the dispatcher starts deliveries with. */
  defaults: DeliveryDefaults;
  /** How often `awaitDeliveryFinished` looks at the row. @default 500 */
  pollMs?: number;
  /** How long `awaitDeliveryFinished` waits before answering "not yet". @default 60000 */
  maxWaitMs?: number;
}

/** The next deliveries of a `fifo` webhook's line, each as its delivery workflow's input. */
export async function nextInLine(
  deps: DeliveryLineDeps,
  input: { webhookId: string; afterSequence: number; limit: number },
): Promise<LineEntry[]> {
  const rows = await new DeliveryLinesRepository(deps.pool).next(input.webhookId, input.afterSequence, input.limit);
  return rows.map((row) => ({ sequence: row.sequence, workflowId: row.workflowId, input: deliveryInputOf(row, deps.defaults) }));
}

/**
 * Waits for a delivery whose workflow the line could not start (it was
 * already started) to finish in Postgres; answers after a while regardless,
 * so the line's history records progress and the wait survives restarts.
 */
export async function awaitDeliveryFinished(deps: DeliveryLineDeps, input: { deliveryId: string }): Promise<{ finished: boolean }> {
  const repo = new DeliveryAttemptsRepository(deps.pool);
  const deadline = Date.now() + (deps.maxWaitMs ?? 60_000);
  for (;;) {
    const progress = await repo.progress(input.deliveryId);
    if (!progress || progress.status !== DeliveryStatus.Pending) return { finished: true };
    if (Date.now() >= deadline) return { finished: false };
    heartbeat();
    await new Promise((r) => setTimeout(r, deps.pollMs ?? 500));
  }
}
