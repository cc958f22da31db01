import { z } from 'zod';
import { timestamp } from './fields';

export const portalLinkResponse = z.strictObject({
  url: z.string().meta({ description: 'The single-use portal link: open it (or put it in an iframe) once, before `expires_at`.' }),
  expires_at: timestamp.meta({ description: 'After this the link no longer opens a session.' }),
});

export const portalSessionResponse = z.strictObject({
  tenant: z.strictObject({ name: z.string(), client_id: z.string() }),
  expires_at: timestamp.meta({ description: 'When the session ends; a new link is needed then.' }),
  read_only: z.boolean(),
  csrf_token: z.string().meta({ description: 'Send as `X-CSRF-Token` with every state-changing request of this session.' }),
  temporal_ui: z
    .strictObject({ url: z.string(), namespace: z.string() })
    .nullable()
    .meta({ description: 'The Temporal UI that shows delivery workflows (`TEMPORAL_UI_URL`); null when none is configured.' }),
});
export type PortalSessionResponse = z.infer<typeof portalSessionResponse>;
