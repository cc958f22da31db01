import { z } from 'zod';
import { RETENTION_DAYS_RANGE } from '../../domain/retention';
import { profileName } from './fields';

export const updateSettingsBody = z
  .strictObject({
    strict_event_types: z.boolean({ error: 'must be true or false' }).optional(),
    default_profile: profileName.optional().meta({ description: 'The profile of webhooks created without one.' }),
    retention_days: z
      .int({ error: 'must be a whole number of days' })
      .min(RETENTION_DAYS_RANGE.min, `must be at least ${RETENTION_DAYS_RANGE.min}`)
      .max(RETENTION_DAYS_RANGE.max, `must be at most ${RETENTION_DAYS_RANGE.max}`)
      .nullable()
      .optional()
      .meta({ description: 'Days finished deliveries, their attempts and events are kept before they are purged; `null` goes back to `RETENTION_DAYS`.' }),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one of strict_event_types, default_profile, retention_days')
  .meta({ minProperties: 1 });
