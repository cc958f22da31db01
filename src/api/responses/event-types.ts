import { z } from 'zod';
import { timestamp } from './fields';

export const eventTypeResponse = z.strictObject({
  name: z.string(),
  description: z.string(),
  schema: z
    .record(z.string(), z.unknown())
    .nullable()
    .meta({ description: 'JSON Schema (draft 2020-12) of the event `data`; null accepts any JSON object.' }),
  deprecated: z.boolean(),
  builtin: z.boolean().meta({ description: 'The engine’s own types (webhook.test, SyncAccount, SyncError): read-only.' }),
  archived_at: timestamp.nullable(),
  created_at: timestamp.nullable(),
  updated_at: timestamp.nullable(),
});
export const eventTypeListResponse = z.strictObject({ results: z.array(eventTypeResponse) });
export type EventTypeResponse = z.infer<typeof eventTypeResponse>;
