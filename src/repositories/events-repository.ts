import type { Queryable } from '../db/pool';
import type { PayloadFormat, WebhookEvent } from '../domain/models';

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
