import { HOLD_CHECK_LEAD_MS, LOCAL_WAIT_MAX_MS, decideSend, slotSpacingMs, slowdownAfter429 } from '../src/domain/send-gate';
import type { RateLimit } from '../src/domain/rate-limit';

/** The gate storage an attempt needs (SendGatesRepository). */
export interface SendGates {
  reserve(webhookId: string, spacingMs: number, now: number): Promise<number>;
  holdUntil(webhookId: string): Promise<number | null>;
  slowDown(webhookId: string, holdUntil: number, slowUntil: number): Promise<void>;
}

/** Whether a throttled attempt may send now, or must wait for `slot` (reserved for it). */
export type Passage = { kind: 'go'; slot: number } | { kind: 'wait'; slot: number };

/** Reservations one attempt makes at most before it hands the wait to its workflow. */
const MAX_RESERVATIONS = 3;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Passes a throttled webhook's request through its gate, to be called right before the request
 * is written: with `go`, the caller sends at once (no await in between). The slot held from an
 * earlier try is used if it is still good; a near slot is waited for here; a far one is returned
 * (`wait`) for the workflow to sleep on. Just before `go`, the gate's hold is read again (a 429
 * may have come in since the slot was taken) and the lateness checked last: a request found more
 * than SEND_LATENESS_MS past its slot gives the slot up and takes a new one.
 */
export async function passGate(gates: SendGates, webhookId: string, rate: RateLimit, held: number | null, clock: () => number): Promise<Passage> {
  const spacing = slotSpacingMs(rate);
  let slot = held;
  let fresh = false;
  for (let reserved = 0; ; ) {
    if (slot === null || decideSend(slot, clock()).kind === 'late') {
      // Always ends: past a few reservations the wait goes to the workflow.
      if (reserved++ >= MAX_RESERVATIONS) return { kind: 'wait', slot: await gates.reserve(webhookId, spacing, clock() + LOCAL_WAIT_MAX_MS) };
      slot = await gates.reserve(webhookId, spacing, clock());
      fresh = true;
    }
    const decision = decideSend(slot, clock());
    if (decision.kind === 'throttle') return { kind: 'wait', slot };
    if (decision.kind === 'wait') {
      await pause(Math.max(0, decision.ms - HOLD_CHECK_LEAD_MS));
      fresh = false;
    }
    if (!fresh) {
      // A slot taken a while ago: a hold set since (a 429) overrides it.
      const hold = await gates.holdUntil(webhookId);
      if (hold !== null && hold > slot) {
        slot = null;
        continue;
      }
    }
    const early = slot - clock();
    if (early > 0) await pause(early);
    // Nothing awaits between this check and the request; a late one loops to a new slot.
    if (decideSend(slot, clock()).kind === 'send') return { kind: 'go', slot };
  }
}

/** A 429 to a throttled webhook: its gate holds for the `Retry-After` (capped) and slows down (src/domain/send-gate.ts). */
export async function slowGateAfter429(gates: SendGates, webhookId: string, retryAfterMs: number | undefined, capMs: number, now: number): Promise<void> {
  const { holdUntil, slowUntil } = slowdownAfter429(retryAfterMs, capMs, now);
  await gates.slowDown(webhookId, holdUntil, slowUntil);
}
