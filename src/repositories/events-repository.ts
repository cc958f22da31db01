import type { Queryable } from '../db/pool';
import type { Delivery, PayloadFormat, WebhookEvent } from '../domain/models';
import { FIFO_ORDERING } from '../domain/delivery-ordering';
import { WebhookStatus } from '../domain/statuses';
import { unprefixed } from './prefixed-row';
import { DELIVERY_COLUMNS, toDelivery, type DeliveryRow } from './delivery-row';
import { subscriptionsMatching } from './webhooks-repository';

interface EventRow {
  id: string;
  tenant_id: string;
  type: string;
  data: Record<string, unknown> | null;
  payload_format: PayloadFormat;
  idempotency_key: string | null;
  request_hash: string;
  created_at: Date;
}

const COLUMNS = 'id, tenant_id, type, data, payload_format, idempotency_key, request_hash, created_at';

const toEvent = (r: EventRow): WebhookEvent & { requestHash: string } => ({
  id: r.id,
  tenantId: r.tenant_id,
  type: r.type,
  data: r.data,
  payloadFormat: r.payload_format,
  idempotencyKey: r.idempotency_key,
  createdAt: r.created_at,
  requestHash: r.request_hash,
});

/** An event as published: what is stored, before the database stamps its time. */
export interface NewEvent extends Omit<WebhookEvent, 'createdAt'> {
  requestHash: string;
}

/** Where a new event's deliveries go: every subscribed webhook of the tenant, or exactly these. */
export type DeliveryTargets = { subscribersOf: string } | { webhookIds: string[] };

export class EventsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Inserts the event, or returns undefined when its idempotency key is taken
   * (the caller then reads the first event).
   */
  async insert(e: NewEvent): Promise<WebhookEvent | undefined> {
    const { rows } = await this.db.query<EventRow>(
      `INSERT INTO events (id, tenant_id, type, data, payload_format, idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [e.id, e.tenantId, e.type, JSON.stringify(e.data), e.payloadFormat, e.idempotencyKey, e.requestHash],
    );
    return rows[0] && toEvent(rows[0]);
  }

  /**
   * Inserts the event and one pending delivery per target in a single
   * statement: atomic without a transaction, and one round trip. Returns
   * undefined, and stores nothing, when the idempotency key is taken.
   * Deliveries come back ordered by webhook id. A type's subscribers are the
   * webhooks subscribed to it directly or through a wildcard that take new
   * events: active ones, and paused ones, which hold them until resumed.
   */
  async insertWithDeliveries(e: NewEvent, targets: DeliveryTargets): Promise<{ event: WebhookEvent; deliveries: Delivery[] } | undefined> {
    const params: unknown[] = [e.id, e.tenantId, e.type, JSON.stringify(e.data), e.payloadFormat, e.idempotencyKey, e.requestHash];
    const targetIds =
      'webhookIds' in targets
        ? `SELECT DISTINCT unnest($${params.push(targets.webhookIds)}::uuid[]) AS id`
        : `SELECT w.id FROM webhooks w
            WHERE w.tenant_id = $2 AND w.deleted_at IS NULL AND w.status = ANY($${params.push([WebhookStatus.Active, WebhookStatus.Paused])}::text[])
              AND w.events && $${params.push(subscriptionsMatching(targets.subscribersOf))}::text[]`;
    const { rows } = await this.db.query<DeliveryRow & Record<string, unknown>>(
      `WITH ev AS (
         INSERT INTO events (id, tenant_id, type, data, payload_format, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}
       ), t AS (${targetIds}
       ), fifo AS (
         -- The fifo targets' rows, locked in id order, so publishers to several of them cannot deadlock.
         SELECT w.id FROM webhooks w
          WHERE w.id IN (SELECT id FROM t) AND w.ordering = $${params.push(FIFO_ORDERING)} AND EXISTS (SELECT 1 FROM ev)
          ORDER BY w.id FOR UPDATE
       ), line AS (
         -- A fifo webhook's next sequence, under its row lock: concurrent publishers to it are ordered by commit.
         UPDATE webhooks w SET next_sequence = w.next_sequence + 1 FROM fifo WHERE w.id = fifo.id
         RETURNING w.id, w.next_sequence
       ), made AS (
         INSERT INTO deliveries (id, tenant_id, event_id, webhook_id, workflow_id, sequence)
         SELECT hookline_uuidv7(), ev.tenant_id, ev.id, t.id, hookline_delivery_workflow_id(ev.id, t.id, 0), line.next_sequence
           FROM ev CROSS JOIN t LEFT JOIN line ON line.id = t.id
         RETURNING *
       )
       SELECT ${DELIVERY_COLUMNS}, ${COLUMNS.split(', ').map((c) => `e.${c} AS e_${c}`).join(', ')}
         FROM ev e LEFT JOIN made d ON true
        ORDER BY d.webhook_id`,
      params,
    );
    if (rows.length === 0) return undefined;
    return { event: toEvent(unprefixed(rows[0]!, 'e_') as unknown as EventRow), deliveries: rows.filter((r) => r.id !== null).map(toDelivery) };
  }

  async findByIdempotencyKey(tenantId: string, key: string) {
    const { rows } = await this.db.query<EventRow & { payload_erased_at: Date | null }>(
      `SELECT ${COLUMNS}, payload_erased_at FROM events WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, key],
    );
    return rows[0] && { ...toEvent(rows[0]), payloadErasedAt: rows[0].payload_erased_at };
  }

  /** The event, with when its payload was erased (null while it has one). */
  async findById(tenantId: string, id: string): Promise<WebhookEvent | undefined> {
    const { rows } = await this.db.query<EventRow & { payload_erased_at: Date | null }>(
      `SELECT ${COLUMNS}, payload_erased_at FROM events WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] && { ...toEvent(rows[0]), payloadErasedAt: rows[0].payload_erased_at };
  }
}
