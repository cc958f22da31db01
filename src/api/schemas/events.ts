import { z } from 'zod';
import { eventType } from './event-types';

export const publishEventBody = z.strictObject({
  type: eventType,
  data: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).meta({ description: 'The payload, sent as `data` in the envelope.' }),
  idempotency_key: z
    .string()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters')
    .optional()
    .meta({ description: 'Repeating it returns the first event and sends nothing twice; reusing it for a different event is a 409.' }),
});
