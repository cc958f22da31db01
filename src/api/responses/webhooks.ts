import { z } from 'zod';
import { SIGNATURE_SCHEMES } from '../../crypto/signature-schemes';
import { PROFILE_NAMES } from '../../domain/profiles';
import { ENDPOINT_AUTH_TYPES } from '../../domain/endpoint-auth';
import { DELIVERY_ORDERINGS } from '../../domain/delivery-ordering';
import { WebhookStatus } from '../../domain/statuses';
import { customProfileSettings } from '../custom-profile-schema';
import { id, timestamp } from './fields';
import { pageOf } from './pages';

export const webhookResponse = z.strictObject({
  id,
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()).meta({ description: 'Event types it receives; `"*"` is every type.' }),
  headers: z
    .record(z.string(), z.union([z.string(), z.strictObject({ secret: z.literal(true) })]))
    .meta({ description: 'Custom headers sent with each request; a secret one shows as `{"secret": true}`, never its value.' }),
  auth: z
    .strictObject({
      type: z.enum(ENDPOINT_AUTH_TYPES),
      configured: z.literal(true),
      user: z.string().optional().meta({ description: '`basic`: the user name.' }),
      token_url: z.string().optional().meta({ description: '`oauth2_client_credentials`: the token endpoint.' }),
      client_id: z.string().optional().meta({ description: '`oauth2_client_credentials`: the client id.' }),
      scope: z.string().optional().meta({ description: '`oauth2_client_credentials`: the scope asked for, when given.' }),
      ca_pinned: z.boolean().optional().meta({ description: "`mtls`: whether the receiver's CA is pinned (`ca_pem`)." }),
    })
    .nullable()
    .meta({ description: 'How its receiver authenticates the engine: the type and the fields that are not secret. Passwords, tokens, client secrets and keys are never shown. `null`: none.' }),
  profile: z.enum(PROFILE_NAMES).meta({ description: 'Its profile: the wire format and delivery rules of a named system (README "Profiles").' }),
  custom_profile: customProfileSettings.nullable().meta({ description: 'The `custom` profile’s format; `null` under the other profiles.' }),
  signature: z
    .enum(SIGNATURE_SCHEMES)
    .nullable()
    .meta({ description: 'How its requests are signed under `standard` and `assets-server`; `null` under profiles that sign in their own format (`assetsup`, `argyle`, `asset`).' }),
  config: z
    .strictObject({
      include_resource: z.boolean().meta({ description: '`false`: thin notifications, whose `data` keeps only the identifiers.' }),
      fields: z.array(z.string()).nullable().meta({ description: 'JSON pointers into `data`: only these are sent. `null` sends all of it.' }),
    })
    .meta({ description: 'How its payloads are shaped.' }),
  max_attempts: z.number().int().nullable().meta({ description: 'Attempts in all per delivery; `null` uses `RETRY_MAXIMUM_ATTEMPTS`.' }),
  timeout_ms: z.number().int().nullable().meta({ description: 'How long its receiver has to answer; `null` uses `DELIVERY_TIMEOUT_MS`.' }),
  ordering: z.enum(DELIVERY_ORDERINGS).meta({ description: '`fifo`: one delivery at a time, in the order the events were accepted; `none`: side by side.' }),
  status: z.enum(Object.values(WebhookStatus)),
  failure_count: z.number().int(),
  disabled_reason: z.string().nullable(),
  disabled_at: timestamp.nullable(),
  last_triggered_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type WebhookResponse = z.infer<typeof webhookResponse>;

export const webhookCreatedResponse = webhookResponse.extend({
  secret: z
    .string()
    .nullable()
    .meta({ description: 'The signing secret (`whsec_...` unless supplied). Shown in this response only. `null` for an `argyle` webhook created without one: its requests are unsigned.' }),
});
export type WebhookCreatedResponse = z.infer<typeof webhookCreatedResponse>;

export const secretRotationResponse = z.strictObject({
  secret: z.string().meta({ description: 'The new signing secret (`whsec_...` unless supplied), shown this once.' }),
  previous_secret_expires_at: timestamp.meta({ description: 'Until then the replaced secret also signs.' }),
});

export const recoveryResponse = z.strictObject({
  recovered: z.number().int(),
  delivery_ids: z.array(id),
});

export const webhookPageResponse = pageOf(webhookResponse);
