import type { Queryable } from '../db/pool';
import type { Attempt, Delivery } from '../domain/models';
import type { WireHeader } from '../domain/delivery-request';
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

const ATTEMPT_COLUMNS = `a.attempt, a.status, a.status_code, a.duration_ms, a.response_body, a.error, a.started_at, a.profile, d.payload AS request_body,
  a.request_sent, a.request_url, a.request_headers, a.signature_header, a.response_headers, a.response_headers_truncated`;
const ATTEMPT_FROM = 'attempts a JOIN deliveries d ON d.id = a.delivery_id';

interface AttemptRow {
  attempt: number;
  status: Attempt['status'];
  status_code: number | null;
  duration_ms: number;
  response_body: string | null;
  error: string | null;
  started_at: Date;
  profile: Attempt['profile'];
  request_body: string | null;
  request_sent: boolean | null;
  request_url: string | null;
  request_headers: WireHeader[] | null;
  signature_header: string | null;
  response_headers: WireHeader[] | null;
  response_headers_truncated: boolean;
}

const toAttempt = (r: AttemptRow): Attempt => ({
  attempt: r.attempt,
  status: r.status,
  statusCode: r.status_code,
  durationMs: r.duration_ms,
  responseBody: r.response_body,
  error: r.error,
  startedAt: r.started_at,
  profile: r.profile,
  requestBody: r.request_body,
  requestSent: r.request_sent,
  requestUrl: r.request_url,
  requestHeaders: r.request_headers,
  signatureHeader: r.signature_header,
  responseHeaders: r.response_headers,
  responseHeadersTruncated: r.response_headers_truncated,
});

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
    const { rows } = await this.db.query<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM ${ATTEMPT_FROM} WHERE a.delivery_id = $1 ORDER BY a.attempt`, [deliveryId]);
    return rows.map(toAttempt);
  }

  /** One attempt of a delivery by its number, or (without one) its latest; undefined when there is none. */
  async findAttempt(deliveryId: string, attempt?: number): Promise<Attempt | undefined> {
    const { rows } = await this.db.query<AttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM ${ATTEMPT_FROM}
        WHERE a.delivery_id = $1 AND ($2::integer IS NULL OR a.attempt = $2) ORDER BY a.attempt DESC LIMIT 1`,
      [deliveryId, attempt ?? null],
    );
    return rows[0] && toAttempt(rows[0]);
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
