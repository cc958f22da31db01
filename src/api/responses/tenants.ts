import { z } from 'zod';
import { PROFILE_NAMES } from '../../domain/profiles';
import { id, timestamp } from './fields';

export const apiKeyResponse = z.strictObject({
  id,
  name: z.string().nullable(),
  prefix: z.string(),
  created_at: timestamp,
  last_used_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
});
export type ApiKeyResponse = z.infer<typeof apiKeyResponse>;

export const apiKeyCreatedResponse = apiKeyResponse.extend({
  key: z.string().meta({ description: 'The key itself, `hk_<prefix>_<secret>`: shown in this response only.' }),
});

export const apiKeyListResponse = z.strictObject({ results: z.array(apiKeyResponse) });

export const tenantResponse = z.strictObject({
  id,
  name: z.string(),
  client_id: z.string(),
  egress_proxy: z
    .strictObject({
      origin: z.string().meta({ description: "The proxy's scheme, host and port; its credentials are never shown." }),
    })
    .nullable()
    .meta({ description: "The tenant's own outbound proxy; null: `EGRESS_PROXY_URL` (or direct)." }),
});

export const tenantCreatedResponse = z.strictObject({
  tenant: z.strictObject({
    id,
    name: z.string(),
    client_id: z.string().meta({ description: 'Sent to receivers as `x-client-id`.' }),
    default_profile: z.enum(PROFILE_NAMES).meta({ description: 'The profile of its webhooks created without one (`PATCH /v1/settings` changes it).' }),
  }),
  api_key: apiKeyCreatedResponse,
});
