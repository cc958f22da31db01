/**
 * The shape the fault tests share: events published in named groups to one webhook on `/hook`, a
 * receiver that holds some requests "on the wire" and fails others "in backoff" until the fault
 * starts, and the wait at the end for every delivery to arrive and be recorded as succeeded.
 */
import { CountingReceiver, type Policy } from './counting-receiver';
import { publishAll, type EventInput } from './engine-client';
import type { FaultStack } from './fault-stack';
import { deliveryRows, type DeliveryRow } from './report';
import { waitUntil } from './wait';

/** The path every fault test's webhook posts to. */
export const HOOK_PATH = '/hook';

/**
 * Until `faultStarted()`: requests of the `onTheWire` group are held (answered 200 when released or
 * cut by the fault), and those of `inBackoff` are answered 500 so their deliveries wait for a retry.
 * Everything else, and everything once the fault has started, is answered 200.
 */
export function faultPolicy(faultStarted: () => boolean): Policy {
  return ({ body }) => {
    const group = body.data?.group;
    if (group === 'onTheWire' && !faultStarted()) return { status: 200, holdMs: 120_000 };
    if (group === 'inBackoff' && !faultStarted()) return { status: 500 };
    return { status: 200 };
  };
}

/** Events of one type published in named groups, each event id remembered with its group. */
export class GroupedEvents<G extends string> {
  /** Event id to group, for every event the API accepted. */
  readonly ids = new Map<string, string>();

  constructor(
    private readonly stack: FaultStack,
    private readonly type: string,
    readonly sizes: Record<G, number>,
  ) {}

  /** The group's events: `sizes[group]` of them, their data naming the group. */
  events(group: G): EventInput[] {
    return Array.from({ length: this.sizes[group] }, (_, i) => ({ type: this.type, data: { group, i } }));
  }

  /** Publishes the group's events; every one must be accepted. */
  async publish(group: G): Promise<void> {
    for (const o of await publishAll(this.stack, this.events(group))) {
      expect(o.kind).toBe('accepted');
      if (o.kind === 'accepted') this.ids.set(o.eventId, group);
    }
  }

  add(eventId: string, group: string): void {
    this.ids.set(eventId, group);
  }

  of(group: string): string[] {
    return [...this.ids].filter(([, g]) => g === group).map(([id]) => id);
  }

  /** What the receiver must have got: one delivery per accepted event, on HOOK_PATH. */
  expectedKeys(): string[] {
    return [...this.ids.keys()].map((id) => CountingReceiver.key(HOOK_PATH, id));
  }
}

/**
 * Waits until every accepted event's delivery reached the receiver, then until each delivery row is
 * succeeded with a succeeded attempt row, and returns the rows.
 */
export async function waitForEveryDelivery<G extends string>(
  stack: FaultStack,
  receiver: CountingReceiver,
  groups: GroupedEvents<G>,
  { arriveTimeoutMs, recordTimeoutMs }: { arriveTimeoutMs: number; recordTimeoutMs: number },
): Promise<DeliveryRow[]> {
  const expected = groups.expectedKeys();
  await waitUntil(() => expected.every((k) => receiver.delivered().has(k)), {
    timeoutMs: arriveTimeoutMs,
    message: 'every delivery to arrive',
    progress: () => `${expected.filter((k) => receiver.delivered().has(k)).length}/${expected.length}`,
  });
  let unsettled = '';
  return waitUntil(
    async () => {
      const rows = await deliveryRows(stack.db, [...groups.ids.keys()]);
      const open = rows.filter((d) => d.status !== 'succeeded' || d.succeededRows < 1);
      unsettled = open.map((d) => `${groups.ids.get(d.eventId)}: ${d.status}, ${d.succeededRows}/${d.rows} rows succeeded`).join('; ');
      return rows.length === groups.ids.size && open.length === 0 && rows;
    },
    { timeoutMs: recordTimeoutMs, message: 'every delivery row to be succeeded with a succeeded attempt row', progress: () => unsettled },
  );
}

/**
 * Waits until the `steady` group's deliveries succeeded and each of the `inBackoff` group's has a
 * failed attempt recorded: the latter are then waiting in Temporal for their retry.
 */
export async function waitForSteadyAndInBackoff<G extends string>(stack: FaultStack, groups: GroupedEvents<G>): Promise<void> {
  const steady = groups.of('steady');
  const inBackoff = groups.of('inBackoff');
  await waitUntil(
    async () => {
      const rows = await deliveryRows(stack.db, [...steady, ...inBackoff]);
      return rows.filter((r) => r.status === 'succeeded' || r.failedRows >= 1).length === steady.length + inBackoff.length;
    },
    { timeoutMs: 60_000, message: 'steady deliveries done and the others in backoff' },
  );
}
