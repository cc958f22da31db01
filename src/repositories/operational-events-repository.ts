import type { Queryable } from '../db/pool';
import type { Delivery } from '../domain/models';
import { DeliveryStatus, WebhookStatus } from '../domain/statuses';
import { DELIVERY_COLUMNS, DELIVERY_FROM, toDelivery, type DeliveryRow } from './delivery-row';
import { subscriptionsMatching } from './webhooks-repository';

/** What an operational event tells of a webhook (no secret, no header values). */
export interface WebhookSummary {
  id: string;
  tenantId: string;
  name: string;
  url: string;
  status: WebhookStatus;
  events: string[];
  disabledReason: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  deleted: boolean;
}

interface SummaryRow {
  id: string;
  tenant_id: string;
  name: string;
  url: string;
  status: WebhookStatus;
  events: string[];
  disabled_reason: string | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deleted: boolean;
}

/** The reads operational events need: none runs on a delivery's success path unless its webhook had failures. */
export class OperationalEventsRepository {
  constructor(private readonly db: Queryable) {}

  /** The webhook, deleted or not. */
  async webhook(id: string): Promise<WebhookSummary | undefined> {
    const { rows } = await this.db.query<SummaryRow>(
      `SELECT id, tenant_id, name, url, status, events, disabled_reason, disabled_at, created_at, updated_at,
              deleted_at IS NOT NULL AS deleted
         FROM webhooks WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return (
      r && {
        id: r.id,
        tenantId: r.tenant_id,
        name: r.name,
        url: r.url,
        status: r.status,
        events: r.events,
        disabledReason: r.disabled_reason,
        disabledAt: r.disabled_at,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        deleted: r.deleted,
      }
    );
  }

  /** Whether any webhook of the tenant would be sent an event of `type` (so that none is stored for nobody). */
  async hasSubscriber(tenantId: string, type: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM webhooks WHERE tenant_id = $1 AND deleted_at IS NULL AND status = ANY($2::text[]) AND events && $3::text[] LIMIT 1`,
      [tenantId, [WebhookStatus.Active, WebhookStatus.Paused], subscriptionsMatching(type)],
    );
    return rows.length > 0;
  }

  async delivery(id: string): Promise<Delivery | undefined> {
    const { rows } = await this.db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.id = $1`, [id]);
    return rows[0] && toDelivery(rows[0]);
  }

  /** The webhook's delivery that ended failed last: it names the run of failures a recovery ends (newest first, as the index on webhook_id serves it). */
  async lastFailedDelivery(webhookId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM deliveries WHERE webhook_id = $1 AND status = $2 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [webhookId, DeliveryStatus.Failed],
    );
    return rows[0]?.id;
  }
}
