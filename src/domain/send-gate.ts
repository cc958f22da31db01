import type { RateLimit } from './rate-limit';

/**
 * A throttled webhook's send gate: the rules that keep its requests within its `rate_limit`,
 * across every worker, retries included.
 *
 * Each request takes a slot from the webhook's gate in Postgres: `slot = max(now, hold_until,
 * last slot + spacing)`. A request may go in `[slot, slot + SEND_LATENESS_MS]`; one found later
 * than that (an event-loop stall, a busy machine) does not go: it takes a new slot. The slots are
 * spaced `(period + SEND_LATENESS_MS + TRANSIT_MARGIN_MS) / count` apart, so `count + 1`
 * consecutive requests leave at least `period + TRANSIT_MARGIN_MS` apart: no window of one period
 * ever holds more than `count` of them at the receiver, as long as the time from the check to the
 * receiver varies by less than TRANSIT_MARGIN_MS. The price is the sustained rate: `count` per
 * `period + SEND_LATENESS_MS + TRANSIT_MARGIN_MS`.
 */

/** How late after its slot a request may still go. */
export const SEND_LATENESS_MS = 50;

/**
 * How much the time from the last check to the receiver (connection reuse or setup, scheduling on
 * a busy host) may vary without bunching requests up at the receiver.
 */
export const TRANSIT_MARGIN_MS = 100;

/** A slot at most this far ahead is waited for inside the attempt; a farther one ends it as `throttled`. */
export const LOCAL_WAIT_MAX_MS = 1_500;

/**
 * A throttled delivery's workflow timer fires this long before its slot, so that the attempt,
 * started through the task queue, is ready when the slot comes even on a busy machine.
 */
export const WAKE_AHEAD_MS = 1_000;

/** The gate's hold (a 429) is read again this long before the slot, so a slot taken before the 429 does not go in its hold. */
export const HOLD_CHECK_LEAD_MS = 25;

/** After a 429, the gate's rate is divided by this... */
export const SLOWDOWN_FACTOR = 2;
/** ...for this long at least, or ten times the receiver's `Retry-After`, whichever is longer. */
export const SLOWDOWN_MIN_MS = 60_000;
export const SLOWDOWN_RETRY_AFTER_MULTIPLE = 10;

/** Deliveries of a throttled webhook started ahead of the gate: about this much of its rate... */
export const DISPATCH_AHEAD_MS = 5_000;
/** ...never fewer than this many, never more than that many. The rest wait in the outbox. */
export const DISPATCH_AHEAD_MIN = 10;
export const DISPATCH_AHEAD_MAX = 100;

/** Milliseconds between two slots of the gate at this rate. */
export function slotSpacingMs(rate: RateLimit): number {
  return (rate.periodMs + SEND_LATENESS_MS + TRANSIT_MARGIN_MS) / rate.count;
}

/** A gate as stored: epoch milliseconds, `null` for never. */
export interface SendGateState {
  lastSlotAt: number | null;
  holdUntil: number | null;
  slowUntil: number | null;
}

/** The slot a reservation takes at `now` (the repository's single UPDATE does the same in SQL). */
export function nextSlot(gate: SendGateState, rate: RateLimit, now: number): number {
  const spacing = slotSpacingMs(rate) * (gate.slowUntil !== null && gate.slowUntil > now ? SLOWDOWN_FACTOR : 1);
  return Math.max(now, gate.holdUntil ?? -Infinity, gate.lastSlotAt === null ? -Infinity : gate.lastSlotAt + spacing);
}

/** What an attempt holding `slot` does at `now`. */
export type SendDecision =
  | { kind: 'send' }
  /** The slot is near: wait this long, then decide again. */
  | { kind: 'wait'; ms: number }
  /** The slot is far: end the attempt and let the workflow sleep on a timer. */
  | { kind: 'throttle'; waitMs: number }
  /** Past its slot by more than SEND_LATENESS_MS: the slot is spent; take a new one. */
  | { kind: 'late'; lateByMs: number };

export function decideSend(slot: number, now: number): SendDecision {
  if (now > slot + SEND_LATENESS_MS) return { kind: 'late', lateByMs: now - slot };
  if (now >= slot) return { kind: 'send' };
  const ms = slot - now;
  return ms <= LOCAL_WAIT_MAX_MS ? { kind: 'wait', ms } : { kind: 'throttle', waitMs: ms };
}

/** The hold and slowdown a 429 puts on the gate: held for its `Retry-After` (capped), slowed for longer. */
export function slowdownAfter429(retryAfterMs: number | undefined, capMs: number, now: number): { holdUntil: number; slowUntil: number } {
  const hold = Math.max(0, Math.min(retryAfterMs ?? 0, capMs));
  return { holdUntil: now + hold, slowUntil: now + Math.max(SLOWDOWN_MIN_MS, SLOWDOWN_RETRY_AFTER_MULTIPLE * hold) };
}

/** How many deliveries of a throttled webhook may be started (waiting on the gate) at once. */
export function dispatchAhead(rate: RateLimit): number {
  return Math.min(DISPATCH_AHEAD_MAX, Math.max(DISPATCH_AHEAD_MIN, Math.ceil(DISPATCH_AHEAD_MS / slotSpacingMs(rate))));
}

/** A throttled webhook's undispatched deliveries, oldest first, as one claim found them. */
export interface ThrottledClaim {
  ids: string[];
  rate: RateLimit;
  /** Its deliveries started and not finished: waiting on the gate, or sending. */
  inFlight: number;
  /** The gate's last slot and planned end, epoch ms (null: none). */
  lastSlotAt: number | null;
  plannedUntil: number | null;
}

export interface DispatchPlan {
  start: string[];
  /** Left in the outbox until `until`; `estimate` is when its first request may roughly go. */
  defer: Array<{ id: string; until: number; estimate: number }>;
  plannedUntil: number | null;
}

/**
 * Which of a throttled webhook's claimed deliveries start now: as many as keep about
 * DISPATCH_AHEAD_MS of its rate started (those started already count). The rest
 * stay durable in the outbox, each until shortly before its estimated slot.
 */
export function planThrottledDispatch(claim: ThrottledClaim, now: number): DispatchPlan {
  const spacing = slotSpacingMs(claim.rate);
  const free = Math.max(0, dispatchAhead(claim.rate) - claim.inFlight);
  const start = claim.ids.slice(0, free);
  const rest = claim.ids.slice(free);
  if (rest.length === 0) return { start, defer: [], plannedUntil: claim.plannedUntil };
  // After the slots already taken, those of the started ones not yet taken, and the deferred before.
  const base = Math.max(now + claim.inFlight * spacing, claim.lastSlotAt ?? now, claim.plannedUntil ?? now) + start.length * spacing;
  const defer = rest.map((id, i) => {
    const estimate = base + (i + 1) * spacing;
    return { id, estimate, until: Math.max(now + 1_000, estimate - DISPATCH_AHEAD_MS / 2) };
  });
  return { start, defer, plannedUntil: defer[defer.length - 1]!.estimate };
}
