import { z } from 'zod';
import { profileName } from './fields';

export const updateSettingsBody = z
  .strictObject({
    strict_event_types: z.boolean({ error: 'must be true or false' }).optional(),
    default_profile: profileName.optional().meta({ description: 'The profile of webhooks created without one.' }),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one of strict_event_types, default_profile')
  .meta({ minProperties: 1 });
