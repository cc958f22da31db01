import { z } from 'zod';
import { PROFILE_NAMES } from '../../domain/profiles';
import { AttemptStatus } from '../../domain/statuses';
import { deliveryStatus, id, timestamp } from './fields';
import { pageOf } from './pages';

export const deliveryResponse = z.strictObject({
  id,
  event_id: id,
  webhook_id: id,
  event_type: z.string(),
  status: deliveryStatus,
  attempt_count: z.number().int(),
  redeliveries: z.number().int().meta({ description: 'Times it was sent again after it had finished.' }),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  profile: z
    .enum(PROFILE_NAMES)
    .nullable()
    .meta({ description: 'The profile its attempts are sent under, fixed when it is dispatched (a redelivery takes the webhook’s profile afresh); `null` until then.' }),
  workflow_id: z.string().meta({ description: 'Its Temporal workflow.' }),
  sequence: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Its place in its webhook’s line (`ordering: "fifo"`): deliveries go in this order. `null` when the webhook was not `fifo` as the event was accepted.' }),
  created_at: timestamp,
  updated_at: timestamp,
  completed_at: timestamp.nullable(),
});
export type DeliveryResponse = z.infer<typeof deliveryResponse>;

export const attemptResponse = z.strictObject({
  attempt: z.number().int(),
  status: z.enum(Object.values(AttemptStatus)),
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int(),
  response_body: z
    .string()
    .nullable()
    .meta({
      description:
        "The receiver's answer, of at most 4,096 bytes read: text decoded by its charset (NUL and invalid bytes as U+FFFD, `…` when cut), or for a binary or compressed answer `[<kind>, <size>] base64:<first 3,072 bytes>`; `[response body not stored: <reason>]` when the database refused it. Null when no answer came.",
    }),
  error: z.string().nullable(),
  started_at: timestamp,
  profile: z.enum(PROFILE_NAMES).nullable().meta({ description: 'The profile it was sent under, whose headers it carried; `null` for attempts made before profiles existed.' }),
  request_body: z
    .string()
    .nullable()
    .meta({
      description:
        'The exact body sent, as signed. Shaped once, at the delivery’s first attempt, so every attempt (and a redelivery) sends the same bytes. `null` for attempts made before bodies were stored.',
    }),
  request_sent: z
    .boolean()
    .nullable()
    .meta({ description: '`false`: refused before sending (nothing went out); `null` for attempts made before requests were stored. Its request headers: `GET /v1/deliveries/:id/request?attempt=N`.' }),
  response_headers: z
    .array(z.strictObject({ name: z.string(), value: z.string() }))
    .nullable()
    .meta({ description: 'The answer’s headers in the order received (names in lower case), whole ones up to 8 KB in all; `null` when no answer came or for attempts made before they were stored.' }),
  response_headers_truncated: z.boolean().meta({ description: 'More response headers came than the 8 KB kept.' }),
});
export type AttemptResponse = z.infer<typeof attemptResponse>;

export const deliveryDetailResponse = deliveryResponse.extend({
  next_attempt_at: timestamp.nullable().meta({ description: 'While a retry waits in its backoff: when it is due.' }),
  attempts: z.array(attemptResponse),
});

export const deliveryPageResponse = pageOf(deliveryResponse);
