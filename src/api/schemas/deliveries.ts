import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../domain/statuses';
import { cursor, limit, uuid } from './fields';

export const listDeliveriesQuery = z.strictObject({
  limit,
  cursor: cursor.optional(),
  webhook_id: uuid.optional().meta({ description: 'Only the deliveries to this webhook.' }),
  event_id: uuid.optional().meta({ description: 'Only the deliveries of this event.' }),
  status: z
    .enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(', ')}` })
    .optional()
    .meta({ description: 'Only the deliveries in this status.' }),
});
