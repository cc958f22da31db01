import { z } from 'zod';
import { STATS_RANGES } from '../../domain/delivery-stats';
import { id, timestamp } from './fields';

const statsRange = z.enum(STATS_RANGES);

export const webhookStatsResponse = z.strictObject({
  range: statsRange,
  since: timestamp.meta({ description: 'Deliveries created from here on are counted.' }),
  results: z.array(
    z.strictObject({
      webhook_id: id,
      succeeded: z.number().int(),
      failed: z.number().int(),
      pending: z.number().int(),
      cancelled: z.number().int(),
      success_rate: z
        .number()
        .min(0)
        .max(1)
        .nullable()
        .meta({ description: '`succeeded / (succeeded + failed)`; null when none has finished either way.' }),
    }),
  ),
});
export type WebhookStatsResponse = z.infer<typeof webhookStatsResponse>;

export const deliveryStatsResponse = z.strictObject({
  range: statsRange,
  bucket_seconds: z.number().int(),
  since: timestamp,
  until: timestamp,
  buckets: z.array(
    z.strictObject({
      start: timestamp,
      succeeded: z.number().int().meta({ description: 'Attempts that got a 2xx.' }),
      failed: z.number().int().meta({ description: 'Attempts that did not.' }),
      p50_ms: z.number().nullable().meta({ description: 'Median attempt duration; null without attempts.' }),
      p95_ms: z.number().nullable(),
    }),
  ),
});
export type DeliveryStatsResponse = z.infer<typeof deliveryStatsResponse>;

export const deliveryRequestResponse = z.strictObject({
  method: z.literal('POST'),
  url: z.string().nullable().meta({ description: 'The webhook’s URL now; null once the webhook is deleted.' }),
  headers: z
    .array(
      z.strictObject({
        name: z.string(),
        value: z.string().nullable().meta({ description: 'null: set for each attempt and not stored (see `note`).' }),
        note: z.string().nullable(),
      }),
    )
    .meta({ description: 'In the order they are sent: the webhook’s custom headers, then the engine’s.' }),
  body: z.string().nullable().meta({ description: 'The exact body sent, as signed; null before the first attempt.' }),
});
export type DeliveryRequestResponse = z.infer<typeof deliveryRequestResponse>;
