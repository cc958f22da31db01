import { z } from 'zod';
import { deliveryStatus, id, timestamp } from './fields';

export const eventDeliveryResponse = z.strictObject({ id, webhook_id: id, status: deliveryStatus, workflow_id: z.string() });

export const eventResponse = z.strictObject({
  id,
  type: z.string(),
  data: z.record(z.string(), z.unknown()).nullable().meta({ description: 'The event’s payload; `null` once erased.' }),
  idempotency_key: z.string().nullable(),
  created_at: timestamp,
  payload_erased_at: timestamp
    .nullable()
    .meta({ description: 'When `DELETE /v1/events/:id/payload` erased its payload (and its deliveries’ stored bodies); `null` while it has one.' }),
  deliveries: z.array(eventDeliveryResponse),
});
export type EventResponse = z.infer<typeof eventResponse>;
