import { z } from 'zod';
import { PROFILE_NAMES } from '../../domain/profiles';

export const settingsResponse = z.strictObject({
  strict_event_types: z.boolean().meta({ description: 'When true, events of a type not in the catalogue are refused with 422.' }),
  default_profile: z.enum(PROFILE_NAMES).meta({ description: 'The profile of webhooks created without one.' }),
  retention_days: z
    .int()
    .nullable()
    .meta({ description: 'Days finished deliveries, their attempts and events are kept before they are purged; `null`: the engine’s `RETENTION_DAYS` (30 unless configured).' }),
});
export type SettingsResponse = z.infer<typeof settingsResponse>;
