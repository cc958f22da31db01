import {
  DISPATCH_AHEAD_MAX,
  DISPATCH_AHEAD_MIN,
  LOCAL_WAIT_MAX_MS,
  SEND_LATENESS_MS,
  TRANSIT_MARGIN_MS,
  decideSend,
  dispatchAhead,
  nextSlot,
  planThrottledDispatch,
  slotSpacingMs,
  slowdownAfter429,
  type SendGateState,
} from '../../src/domain/send-gate';

const perSecond = (count: number) => ({ count, periodMs: 1_000 as const });
const open: SendGateState = { lastSlotAt: null, holdUntil: null, slowUntil: null };

describe('slot spacing', () => {
  test('is a period plus the lateness tolerance and the transit margin, shared out between the requests', () => {
    expect(slotSpacingMs(perSecond(20))).toBe((1_000 + SEND_LATENESS_MS + TRANSIT_MARGIN_MS) / 20);
    expect(slotSpacingMs({ count: 60, periodMs: 60_000 })).toBe((60_000 + SEND_LATENESS_MS + TRANSIT_MARGIN_MS) / 60);
  });

  test('requests sent anywhere within [slot, slot + tolerance], and delayed on the way by up to the margin, never put more than N in any one-period window', () => {
    const rate = perSecond(20);
    let gate = { ...open };
    const sends: number[] = [];
    // Slots taken back to back from t=0; every other request goes at its slot's latest allowed moment.
    for (let i = 0; i < 200; i++) {
      const slot = nextSlot(gate, rate, 0);
      gate = { ...gate, lastSlotAt: slot };
      // Every other request at its slot's latest allowed moment and slowest transit, the rest at the earliest.
      sends.push(slot + (i % 2 === 0 ? SEND_LATENESS_MS + TRANSIT_MARGIN_MS : 0));
    }
    sends.sort((a, b) => a - b);
    let most = 0;
    for (let i = 0; i < sends.length; i++) most = Math.max(most, sends.filter((t) => t >= sends[i]! && t < sends[i]! + 1_000).length);
    expect(most).toBeLessThanOrEqual(20);
    expect(most).toBeGreaterThanOrEqual(17);
  });
});

describe('the next slot', () => {
  test('is now at an idle gate, else one spacing after the last', () => {
    expect(nextSlot(open, perSecond(10), 5_000)).toBe(5_000);
    expect(nextSlot({ ...open, lastSlotAt: 4_000 }, perSecond(10), 5_000)).toBe(5_000);
    expect(nextSlot({ ...open, lastSlotAt: 5_000 }, perSecond(10), 5_000)).toBe(5_115);
  });

  test('waits out a hold, and is twice as far apart while the gate is slowed', () => {
    expect(nextSlot({ ...open, lastSlotAt: 5_000, holdUntil: 7_000 }, perSecond(10), 5_000)).toBe(7_000);
    expect(nextSlot({ ...open, lastSlotAt: 5_000, slowUntil: 9_000 }, perSecond(10), 5_000)).toBe(5_230);
    expect(nextSlot({ ...open, lastSlotAt: 5_000, slowUntil: 5_000 }, perSecond(10), 5_000)).toBe(5_115);
  });
});

describe('deciding at send time', () => {
  test('sends within the tolerance after the slot, gives the slot up beyond it', () => {
    expect(decideSend(1_000, 1_000)).toEqual({ kind: 'send' });
    expect(decideSend(1_000, 1_000 + SEND_LATENESS_MS)).toEqual({ kind: 'send' });
    expect(decideSend(1_000, 1_001 + SEND_LATENESS_MS)).toEqual({ kind: 'late', lateByMs: 51 });
  });

  test('waits for a near slot in place and hands a far one to the workflow', () => {
    expect(decideSend(1_000 + LOCAL_WAIT_MAX_MS, 1_000)).toEqual({ kind: 'wait', ms: LOCAL_WAIT_MAX_MS });
    expect(decideSend(1_001 + LOCAL_WAIT_MAX_MS, 1_000)).toEqual({ kind: 'throttle', waitMs: LOCAL_WAIT_MAX_MS + 1 });
  });
});

describe('after a 429', () => {
  test('holds for the Retry-After, capped, and slows for ten times it, a minute at least', () => {
    expect(slowdownAfter429(2_000, 600_000, 0)).toEqual({ holdUntil: 2_000, slowUntil: 60_000 });
    expect(slowdownAfter429(30_000, 600_000, 0)).toEqual({ holdUntil: 30_000, slowUntil: 300_000 });
    expect(slowdownAfter429(3_600_000, 600_000, 0)).toEqual({ holdUntil: 600_000, slowUntil: 6_000_000 });
    expect(slowdownAfter429(undefined, 600_000, 0)).toEqual({ holdUntil: 0, slowUntil: 60_000 });
  });
});

describe('dispatching a throttled backlog', () => {
  test('starts about five seconds of the rate, at least ten, at most a hundred', () => {
    expect(dispatchAhead(perSecond(10))).toBe(Math.ceil(5_000 / 115));
    expect(dispatchAhead({ count: 6, periodMs: 60_000 })).toBe(DISPATCH_AHEAD_MIN);
    expect(dispatchAhead(perSecond(1_000))).toBe(DISPATCH_AHEAD_MAX);
  });

  test('counts the deliveries already started, and defers the rest to shortly before their estimated turn', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `d${i}`);
    const rate = { count: 60, periodMs: 60_000 as const }; // spacing 1000.83 ms, ten ahead
    const spacing = slotSpacingMs(rate);
    // Four started, their slots not all taken yet.
    const plan = planThrottledDispatch({ ids, rate, inFlight: 4, lastSlotAt: 2 * spacing, plannedUntil: null }, 0);
    expect(plan.start).toEqual(ids.slice(0, 6));
    expect(plan.defer.map((d) => d.id)).toEqual(ids.slice(6));
    expect(plan.defer[0]!.estimate).toBeCloseTo(4 * spacing + 7 * spacing);
    expect(plan.defer[0]!.until).toBeCloseTo(plan.defer[0]!.estimate - 2_500);
    expect(plan.plannedUntil).toBe(plan.defer.at(-1)!.estimate);
    // A later claim plans after what is already deferred.
    const next = planThrottledDispatch({ ids: ['e1'], rate, inFlight: 10, lastSlotAt: 10 * spacing, plannedUntil: plan.plannedUntil }, 0);
    expect(next.start).toEqual([]);
    expect(next.defer[0]!.estimate).toBeCloseTo(plan.plannedUntil! + spacing);
  });

  test('a full gate defers every row, each one spacing after the other, and nothing is deferred when there is room', () => {
    const plan = planThrottledDispatch({ ids: ['a', 'b', 'c'], rate: perSecond(1), inFlight: 10, lastSlotAt: 20_000, plannedUntil: null }, 10_000);
    expect(plan.start).toEqual([]);
    expect(plan.defer.map((d) => d.until)).toEqual([20_150, 21_300, 22_450]);
    expect(planThrottledDispatch({ ids: ['a'], rate: perSecond(1), inFlight: 0, lastSlotAt: null, plannedUntil: null }, 0)).toEqual({ start: ['a'], defer: [], plannedUntil: null });
  });
});
