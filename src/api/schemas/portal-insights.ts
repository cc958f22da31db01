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
