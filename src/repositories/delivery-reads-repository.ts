import type { Queryable } from '../db/pool';
import type { Attempt, Delivery } from '../domain/models';
import type { DeliveryStatus } from '../domain/statuses';
import {
  DELIVERY_COLUMNS,
  DELIVERY_FOR_ATTEMPT_COLUMNS,
  DELIVERY_FROM,
  toDelivery,
  toDeliveryForAttempt,
  type DeliveryForAttempt,
  type DeliveryForAttemptRow,
  type DeliveryRow,
} from './delivery-row';

export interface DeliveryListQuery {
  limit: number;
  after?: string;
  webhookId?: string;
  eventId?: string;
  status?: DeliveryStatus;
}

/** Deliveries and their attempts as the API and the portal show them. */
export class DeliveryReadsRepository {
  constructor(private readonly db: Queryable) {}

  async listForEvent(eventId: string): Promise<Delivery[]> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.event_id = $1 ORDER BY d.webhook_id`,
      [eventId],
    );
    return rows.map(toDelivery);
  }

  async findById(tenantId: string, id: string): Promise<Delivery | undefined> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.tenant_id = $1 AND d.id = $2`,
      [tenantId, id],
    );
    return rows[0] && toDelivery(rows[0]);
  }

  /** Newest first. */
  async list(tenantId: string, q: DeliveryListQuery): Promise<Delivery[]> {
    const params: unknown[] = [tenantId];
    const where = ['d.tenant_id = $1'];
    if (q.webhookId) where.push(`d.webhook_id = $${params.push(q.webhookId)}`);
    if (q.eventId) where.push(`d.event_id = $${params.push(q.eventId)}`);
    if (q.status) where.push(`d.status = $${params.push(q.status)}`);
    if (q.after) {
      where.push(`(d.created_at, d.id) < (SELECT created_at, id FROM deliveries WHERE id = $${params.push(q.after)})`);
    }
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE ${where.join(' AND ')}
       ORDER BY d.created_at DESC, d.id DESC LIMIT $${params.push(q.limit)}`,
      params,
    );
    return rows.map(toDelivery);
  }

  async listAttempts(deliveryId: string): Promise<Attempt[]> {
    // Every attempt sent the delivery's one stored body.
    const { rows } = await this.db.query(
      `SELECT a.attempt, a.status, a.status_code, a.duration_ms, a.response_body, a.error, a.started_at, a.profile, d.payload AS request_body
       FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE a.delivery_id = $1 ORDER BY a.attempt`,
      [deliveryId],
    );
    return rows.map((r) => ({
      attempt: r.attempt,
      status: r.status,
      statusCode: r.status_code,
      durationMs: r.duration_ms,
      responseBody: r.response_body,
      error: r.error,
      startedAt: r.started_at,
      profile: r.profile,
      requestBody: r.request_body,
    }));
  }

  /** The delivery with its event's data and its stored body, as its attempts send it. */
  async findForDelivery(id: string): Promise<DeliveryForAttempt | undefined> {
    const { rows } = await this.db.query<DeliveryForAttemptRow>(
      `SELECT ${DELIVERY_FOR_ATTEMPT_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.id = $1`,
      [id],
    );
    return rows[0] && toDeliveryForAttempt(rows[0]);
  }
}
