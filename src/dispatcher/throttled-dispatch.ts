import type { Pool } from 'pg';
import { planThrottledDispatch } from '../domain/send-gate';
import type { PendingDispatch } from '../domain/pending-dispatch';
import type { ClaimedDispatch } from '../repositories/outbox-repository';
import { SendGatesRepository } from '../repositories/send-gates-repository';

/**
 * Holds back the backlog of throttled webhooks: of each one's claimed deliveries, only as many
 * start as keep about DISPATCH_AHEAD_MS of its rate started (dispatched, pending); the rest stay pending in
 * the outbox (durable, with an estimated `throttled_until`) until shortly before their turn. So a
 * backlog of thousands never becomes thousands of workflows and attempts on the shared task
 * queue, ahead of other webhooks' deliveries. Deliveries of `fifo` webhooks are left to their
 * line, which starts one at a time anyway. Returns the rows to start and how many were deferred.
 */
export async function holdBackThrottled(pool: Pool, claimed: ClaimedDispatch[]): Promise<{ rows: PendingDispatch[]; deferred: number }> {
  const throttled = new Map<string, ClaimedDispatch[]>();
  for (const r of claimed) if (r.rateLimit && r.sequence == null) throttled.set(r.webhookId, [...(throttled.get(r.webhookId) ?? []), r]);
  if (throttled.size === 0) return { rows: claimed, deferred: 0 };
  const gates = new SendGatesRepository(pool);
  const state = await gates.read([...throttled.keys()]);
  const now = Date.now();
  const held = new Set<string>();
  for (const [webhookId, rows] of throttled) {
    const gate = state.get(webhookId);
    const plan = planThrottledDispatch(
      {
        ids: rows.map((r) => r.id),
        rate: rows[0]!.rateLimit!,
        inFlight: gate?.inFlight ?? 0,
        lastSlotAt: gate?.lastSlotAt ?? null,
        plannedUntil: gate?.plannedUntil ?? null,
      },
      now,
    );
    await gates.defer(webhookId, plan);
    for (const d of plan.defer) held.add(d.id);
  }
  return { rows: claimed.filter((r) => !held.has(r.id)), deferred: held.size };
}
