import { z } from 'zod';
import { DEMO_OUTCOMES, PROVIDERS } from '../../domain/account-sync';
import { cursor, limit, uuid } from './fields';

export const createUserBody = z.strictObject({
  login_name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

export const createAccountBody = z.strictObject({
  user_id: uuid,
  provider: z.enum(PROVIDERS, { error: `must be one of: ${PROVIDERS.join(', ')}` }),
  demo: z
    .strictObject({
      outcomes: z
        .array(z.enum(DEMO_OUTCOMES, { error: `must be one of ${DEMO_OUTCOMES.join(', ')}` }))
        .min(1, 'must list at least one outcome')
        .max(100, 'may list at most 100 outcomes'),
    })
    .optional(),
});

export const listAccountsQuery = z.strictObject({
  user_id: uuid.optional().meta({ description: "Only this user's accounts." }),
  limit,
  cursor: cursor.optional(),
});
