import type { Delivery, PayloadFormat } from '../domain/models';
import type { ProfileName } from '../domain/profiles';
import type { DeliveryStatus } from '../domain/statuses';
import { customProfileFromRow, type CustomProfileRow } from './webhooks-repository';

export interface DeliveryRow {
  id: string;
  tenant_id: string;
  event_id: string;
  webhook_id: string;
  workflow_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  redeliveries: number;
  last_status_code: number | null;
  last_error: string | null;
  profile: ProfileName | null;
  custom_profile: CustomProfileRow | null;
  sequence: string | null;
  throttled_until: Date | null;
  dispatched_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A delivery's columns, over `deliveries d JOIN events e`. */
export const DELIVERY_COLUMNS = `d.id, d.tenant_id, d.event_id, d.webhook_id, d.workflow_id, e.type AS event_type, d.status,
  d.attempt_count, d.redeliveries, d.last_status_code, d.last_error, d.profile, d.custom_profile, d.sequence, d.throttled_until, d.dispatched_at, d.completed_at, d.created_at, d.updated_at`;

/** The tables DELIVERY_COLUMNS reads: a delivery with its event. */
export const DELIVERY_FROM = 'deliveries d JOIN events e ON e.id = d.event_id';

export const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  tenantId: r.tenant_id,
  eventId: r.event_id,
  webhookId: r.webhook_id,
  workflowId: r.workflow_id,
  eventType: r.event_type,
  status: r.status,
  attemptCount: r.attempt_count,
  redeliveries: r.redeliveries,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  profile: r.profile,
  customProfile: customProfileFromRow(r.custom_profile),
  // bigint arrives as a string; a line holds far fewer than 2^53 deliveries.
  sequence: r.sequence === null ? null : Number(r.sequence),
  throttledUntil: r.throttled_until,
  dispatchedAt: r.dispatched_at,
  completedAt: r.completed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A delivery with what its attempts send: the event's data and format, and the body once it is fixed. */
export type DeliveryForAttempt = Delivery & { data: Record<string, unknown>; payloadFormat: PayloadFormat; eventCreatedAt: Date; payload: string | null };
export type DeliveryForAttemptRow = DeliveryRow & { data: Record<string, unknown>; payload_format: PayloadFormat; event_created_at: Date; payload: string | null };

/** DeliveryForAttempt's columns, over DELIVERY_FROM. */
export const DELIVERY_FOR_ATTEMPT_COLUMNS = `${DELIVERY_COLUMNS}, e.data, e.payload_format, e.created_at AS event_created_at, d.payload`;

export const toDeliveryForAttempt = (r: DeliveryForAttemptRow): DeliveryForAttempt => ({
  ...toDelivery(r),
  data: r.data,
  payloadFormat: r.payload_format,
  eventCreatedAt: r.event_created_at,
  payload: r.payload,
});
