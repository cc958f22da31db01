import type { Queryable } from '../db/pool';
import { SLOWDOWN_FACTOR, type DispatchPlan } from '../domain/send-gate';
import { PENDING_DELIVERY } from './sql-literal';

/** Epoch milliseconds to timestamptz, in SQL. */
const ts = (param: string) => `to_timestamp(${param}::double precision / 1000)`;
/** timestamptz to epoch milliseconds (null stays null), in SQL. */
const ms = (column: string) => `extract(epoch FROM ${column}) * 1000`;

/**
 * The send gates of throttled webhooks (src/domain/send-gate.ts): each statement is one short
 * upsert or read on the gate's row, in autocommit, so no lock outlives it. Times are the caller's
 * clock in epoch milliseconds: the workers' clocks are taken to agree (NTP).
 */
export class SendGatesRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Takes the webhook's next slot: `max(now, hold_until, last_slot_at + spacing)`, the spacing
   * multiplied by SLOWDOWN_FACTOR while the gate is slowed (as nextSlot in the domain). Returns it.
   */
  async reserve(webhookId: string, spacingMs: number, now: number): Promise<number> {
    const { rows } = await this.db.query<{ slot: number }>(
      `INSERT INTO webhook_send_gates AS g (webhook_id, last_slot_at) VALUES ($1, ${ts('$2')})
       ON CONFLICT (webhook_id) DO UPDATE SET last_slot_at = GREATEST(
         EXCLUDED.last_slot_at,
         g.hold_until,
         g.last_slot_at + make_interval(secs => $3::double precision
                                                 * CASE WHEN g.slow_until > EXCLUDED.last_slot_at THEN ${SLOWDOWN_FACTOR} ELSE 1 END / 1000))
       RETURNING ${ms('last_slot_at')}::double precision AS slot`,
      [webhookId, now, spacingMs],
    );
    return Number(rows[0]!.slot);
  }

  /** The time before which no request may go (a 429's hold), or null. */
  async holdUntil(webhookId: string): Promise<number | null> {
    const { rows } = await this.db.query<{ hold: number | null }>(
      `SELECT ${ms('hold_until')}::double precision AS hold FROM webhook_send_gates WHERE webhook_id = $1`,
      [webhookId],
    );
    return rows[0]?.hold == null ? null : Number(rows[0].hold);
  }

  /** A 429: no slot before `holdUntil`, and the rate slowed until `slowUntil` (both only ever extended). */
  async slowDown(webhookId: string, holdUntil: number, slowUntil: number): Promise<void> {
    await this.db.query(
      `INSERT INTO webhook_send_gates AS g (webhook_id, hold_until, slow_until) VALUES ($1, ${ts('$2')}, ${ts('$3')})
       ON CONFLICT (webhook_id) DO UPDATE SET hold_until = GREATEST(g.hold_until, EXCLUDED.hold_until),
                                              slow_until = GREATEST(g.slow_until, EXCLUDED.slow_until)`,
      [webhookId, holdUntil, slowUntil],
    );
  }

  /** The gates of these webhooks and how many of their deliveries are started and pending, for the outbox's plan. */
  async read(webhookIds: string[]): Promise<Map<string, { inFlight: number; lastSlotAt: number | null; plannedUntil: number | null }>> {
    if (webhookIds.length === 0) return new Map();
    const { rows } = await this.db.query<{ webhook_id: string; in_flight: number; last_slot: number | null; planned: number | null }>(
      `SELECT w.id AS webhook_id,
              (SELECT count(*)::int FROM deliveries d
                WHERE d.webhook_id = w.id AND d.status = ${PENDING_DELIVERY} AND d.dispatched_at IS NOT NULL) AS in_flight,
              CASE WHEN g.last_slot_at = '-infinity' THEN NULL ELSE ${ms('g.last_slot_at')}::double precision END AS last_slot,
              ${ms('g.planned_until')}::double precision AS planned
         FROM unnest($1::uuid[]) AS w(id) LEFT JOIN webhook_send_gates g ON g.webhook_id = w.id`,
      [webhookIds],
    );
    const num = (v: number | null) => (v == null ? null : Number(v));
    return new Map(rows.map((r) => [r.webhook_id, { inFlight: r.in_flight, lastSlotAt: num(r.last_slot), plannedUntil: num(r.planned) }]));
  }

  /**
   * Leaves deliveries in the outbox until their time (their claim pushed to it, their
   * `throttled_until` set to the estimate) and records the webhook's plan, in one statement.
   */
  async defer(webhookId: string, plan: DispatchPlan): Promise<void> {
    if (plan.defer.length === 0) return;
    await this.db.query(
      `WITH deferred AS (
         UPDATE deliveries d SET dispatch_claimed_until = ${ts('p.until')}, throttled_until = ${ts('p.estimate')}
           FROM unnest($2::uuid[], $3::double precision[], $4::double precision[]) AS p(id, until, estimate)
          WHERE d.id = p.id AND d.dispatched_at IS NULL
       )
       INSERT INTO webhook_send_gates AS g (webhook_id, planned_until) VALUES ($1, ${ts('$5')})
       ON CONFLICT (webhook_id) DO UPDATE SET planned_until = GREATEST(g.planned_until, EXCLUDED.planned_until)`,
      [webhookId, plan.defer.map((d) => d.id), plan.defer.map((d) => d.until), plan.defer.map((d) => d.estimate), plan.plannedUntil],
    );
  }
}
