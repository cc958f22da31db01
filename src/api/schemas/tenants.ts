import { z } from 'zod';
import { profileName } from './fields';

export const createTenantBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  client_id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
    .optional()
    .meta({ description: 'Sent to receivers as `x-client-id`; a random `client_...` when omitted.' }),
  default_profile: profileName.optional().meta({ description: 'The profile of its webhooks created without one; `standard` unless given.' }),
});

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
});
