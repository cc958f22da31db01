import { z } from 'zod';
import { STATS_RANGES } from '../../domain/delivery-stats';
import { uuid } from './fields';

export const statsQuery = z.strictObject({
  range: z
    .enum(STATS_RANGES, { error: `must be one of ${STATS_RANGES.join(', ')}` })
    .default('day')
    .meta({ description: 'The last hour (1-minute buckets) or the last day (15-minute buckets).' }),
  webhook_id: uuid.optional().meta({ description: 'Only this webhook.' }),
});

export const deliveryRequestQuery = z.strictObject({
  attempt: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, 'must be a positive whole number')
    .transform(Number)
    .optional()
    .meta({ description: 'The attempt to show (1-based); without it, the latest, or a preview before any attempt.' }),
});
