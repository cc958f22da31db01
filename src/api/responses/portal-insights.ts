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

const wireHeader = z.strictObject({ name: z.string(), value: z.string() });

export const deliveryRequestResponse = z.strictObject({
  source: z.enum(['attempt', 'preview', 'not_recorded']).meta({
    description:
      '`attempt`: what that attempt stored as it sent it, byte for byte; `preview`: rebuilt from the webhook’s current settings, before any attempt; `not_recorded`: an attempt made before requests were stored (only its body is known).',
  }),
  attempt: z.number().int().nullable().meta({ description: 'The attempt shown; null in a preview.' }),
  sent_at: timestamp.nullable().meta({ description: 'When the attempt started; null in a preview.' }),
  request_sent: z.boolean().nullable().meta({ description: '`false`: refused before sending (SSRF policy, profile rules): no request went out. null in a preview or when not recorded.' }),
  method: z.literal('POST'),
  url: z.string().nullable().meta({ description: 'Where the attempt went; in a preview the webhook’s URL now, null once the webhook is deleted.' }),
  headers: z
    .array(
      z.strictObject({
        name: z.string(),
        value: z.string().nullable().meta({ description: 'As written on the wire; a secret custom header shows `[secret]`. null only in a preview: set for each attempt (see `note`).' }),
        note: z.string().nullable(),
        secret: z.boolean().meta({ description: 'A custom header marked secret: its value is never stored or shown.' }),
      }),
    )
    .meta({
      description:
        'In the order written on the wire. For an attempt: `host` and `connection` as the HTTP client writes them, the webhook’s custom headers, the engine’s (timestamp and signature included), then `content-length`. In a preview: the custom headers, then the engine’s.',
    }),
  body: z.string().nullable().meta({ description: 'The exact body sent, as signed; null before the first attempt and once the event’s payload is erased.' }),
  response: z
    .strictObject({
      status_code: z.number().int().nullable(),
      headers: z.array(wireHeader).meta({ description: 'In the order received, names in lower case; whole headers up to 8 KB in all.' }),
      headers_truncated: z.boolean().meta({ description: 'More headers came than the 8 KB kept.' }),
    })
    .nullable()
    .meta({ description: 'The answer the attempt got; null in a preview and when none came (timeout, connection error, refused).' }),
  note: z.string().nullable().meta({ description: 'Why something is missing, in words.' }),
});
export type DeliveryRequestResponse = z.infer<typeof deliveryRequestResponse>;
