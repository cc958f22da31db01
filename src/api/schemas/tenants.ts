import { z } from 'zod';
import { profileName } from './fields';
import { proxyUrlProblem } from '../../domain/egress-proxy';

export const createTenantBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  client_id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
    .optional()
    .meta({ description: 'Sent to receivers as `x-client-id`; a random `client_...` when omitted.' }),
  default_profile: profileName.optional().meta({ description: 'The profile of its webhooks created without one; `standard` unless given.' }),
});

export const updateTenantBody = z.strictObject({
  egress_proxy_url: z
    .string()
    .max(2000, 'must be at most 2000 characters')
    // The value is never repeated in an error: it may carry the proxy's password.
    .superRefine((v, ctx) => {
      const problem = proxyUrlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .nullable()
    .meta({
      description:
        "The tenant's own forward proxy, `http://` or `https://`, optionally with `user:password@`: every delivery of its webhooks goes through it with HTTP CONNECT instead of `EGRESS_PROXY_URL`. `null` removes it. Stored encrypted; never shown again, only its origin.",
    }),
});

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
});
