import { z } from 'zod';
import { deliveryStatus, id, timestamp } from './fields';

export const eventDeliveryResponse = z.strictObject({ id, webhook_id: id, status: deliveryStatus, workflow_id: z.string() });

export const eventResponse = z.strictObject({
  id,
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  idempotency_key: z.string().nullable(),
  created_at: timestamp,
  deliveries: z.array(eventDeliveryResponse),
});
export type EventResponse = z.infer<typeof eventResponse>;
