import { z } from 'zod';

/** Event type names: letters, digits, ".", "_" and "-", e.g. `accounts.updated`, `PLAID_ACCOUNT_CONNECTED`. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const eventType = z.string().regex(EVENT_TYPE_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-"');
/** A prefix wildcard subscribes to every type under it: `accounts.*` takes `accounts.updated` and `accounts.a.b`. */
export const PREFIX_WILDCARD_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,125}\.\*$/;
export const eventSelector = z.union([z.literal('*'), eventType, z.string().regex(PREFIX_WILDCARD_PATTERN)], {
  error: 'must be "*", a prefix wildcard like "accounts.*", or an event type of 1-128 letters, digits, ".", "_" or "-"',
});

const eventTypeDescription = z.string().max(1000, 'must be at most 1000 characters');
const jsonSchemaObject = z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' });

export const createEventTypeBody = z.strictObject({
  name: eventType,
  description: eventTypeDescription.default(''),
  schema: jsonSchemaObject.nullable().optional(),
  deprecated: z.boolean({ error: 'must be true or false' }).optional(),
});

export const updateEventTypeBody = z
  .strictObject({
    description: eventTypeDescription.optional(),
    schema: jsonSchemaObject.nullable().optional(),
    deprecated: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one of description, schema, deprecated');
