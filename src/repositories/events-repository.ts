import type { Queryable } from '../db/pool';
import type { Delivery, PayloadFormat, WebhookEvent } from '../domain/models';
import { WebhookStatus, type DeliveryStatus } from '../domain/statuses';
import { subscriptionsMatching } from './webhooks-repository';

interface EventRow {
  id: string;
  tenant_id: string;
  type: string;
  data: Record<string, unknown>;
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

export interface NewEvent {
  id: string;
  tenantId: string;
  type: string;
  data: Record<string, unknown>;
  payloadFormat: PayloadFormat;
  idempotencyKey: string | null;
  requestHash: string;
}

/** Where a new event's deliveries go: every subscribed webhook of the tenant, or exactly these. */
export type DeliveryTargets = { subscribersOf: string } | { webhookIds: string[] };

interface EventWithDeliveryRow extends EventRow {
  d_id: string | null;
  d_webhook_id: string;
  d_workflow_id: string;
  d_status: DeliveryStatus;
  d_created_at: Date;
  d_updated_at: Date;
}

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
   * Deliveries come back ordered by webhook id.
   */
  async insertWithDeliveries(e: NewEvent, targets: DeliveryTargets): Promise<{ event: WebhookEvent; deliveries: Delivery[] } | undefined> {
    const params: unknown[] = [e.id, e.tenantId, e.type, JSON.stringify(e.data), e.payloadFormat, e.idempotencyKey, e.requestHash];
    const targetIds =
      'webhookIds' in targets
        ? `SELECT DISTINCT unnest($${params.push(targets.webhookIds)}::uuid[]) AS id`
        : `SELECT w.id FROM webhooks w
            WHERE w.tenant_id = $2 AND w.deleted_at IS NULL AND w.status = ANY($${params.push([WebhookStatus.Active, WebhookStatus.Paused])}::text[])
              AND w.events && $${params.push(subscriptionsMatching(targets.subscribersOf))}::text[]`;
    const { rows } = await this.db.query<EventWithDeliveryRow>(
      `WITH ev AS (
         INSERT INTO events (id, tenant_id, type, data, payload_format, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}
       ), made AS (
         INSERT INTO deliveries (id, tenant_id, event_id, webhook_id, workflow_id)
         SELECT hookline_uuidv7(), ev.tenant_id, ev.id, t.id, 'delivery-' || ev.id || '-' || t.id
           FROM ev CROSS JOIN (${targetIds}) t
         RETURNING id, webhook_id, workflow_id, status, created_at, updated_at
       )
       SELECT ev.*, made.id AS d_id, made.webhook_id AS d_webhook_id, made.workflow_id AS d_workflow_id,
              made.status AS d_status, made.created_at AS d_created_at, made.updated_at AS d_updated_at
         FROM ev LEFT JOIN made ON true
        ORDER BY made.webhook_id`,
      params,
    );
    if (rows.length === 0) return undefined;
    const event = toEvent(rows[0]!);
    const deliveries = rows
      .filter((r) => r.d_id !== null)
      .map(
        (r): Delivery => ({
          id: r.d_id!,
          tenantId: event.tenantId,
          eventId: event.id,
          webhookId: r.d_webhook_id,
          workflowId: r.d_workflow_id,
          eventType: event.type,
          status: r.d_status,
          attemptCount: 0,
          redeliveries: 0,
          lastStatusCode: null,
          lastError: null,
          dispatchedAt: null,
          completedAt: null,
          createdAt: r.d_created_at,
          updatedAt: r.d_updated_at,
        }),
      );
    return { event, deliveries };
  }

  async findByIdempotencyKey(tenantId: string, key: string) {
    const { rows } = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, key],
    );
    return rows[0] && toEvent(rows[0]);
  }

  async findById(tenantId: string, id: string): Promise<WebhookEvent | undefined> {
    const { rows } = await this.db.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
    ]);
    return rows[0] && toEvent(rows[0]);
  }
}
