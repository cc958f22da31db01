import type { ApiKeyResponse } from '../responses/tenants';
import type { ApiKey } from '../../domain/api-key';

/** An API key as the API shows it: never the key itself, which only its creation answers with. */
export const apiKeyView = (k: ApiKey): ApiKeyResponse => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  created_at: k.createdAt.toISOString(),
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
  revoked_at: k.revokedAt?.toISOString() ?? null,
});
