import { z } from 'zod';
import { AccountStatus, DEMO_OUTCOMES } from '../../domain/account-sync';
import { id, timestamp } from './fields';
import { pageOf } from './pages';

export const userResponse = z.strictObject({ id, login_name: z.string(), created_at: timestamp });

export const accountResponse = z.strictObject({
  id,
  user_id: id,
  provider: z.string(),
  status: z.enum(Object.values(AccountStatus)),
  last_synced_at: timestamp.nullable(),
  last_sync_result: z.string().nullable().meta({ description: '`success` or the error of the last sync.' }),
  syncing: z.boolean(),
  schedule_id: z.string().meta({ description: 'Its daily Temporal Schedule.' }),
  demo: z
    .strictObject({ outcomes: z.array(z.enum(DEMO_OUTCOMES)), used: z.number().int() })
    .optional()
    .meta({ description: 'Accounts of the `demo` provider: the script, and how many syncs used it.' }),
  created_at: timestamp,
  updated_at: timestamp,
});
export type AccountResponse = z.infer<typeof accountResponse>;

export const accountPageResponse = pageOf(accountResponse);

export const syncStartedResponse = z.strictObject({
  workflow_id: z.string(),
  already_running: z.boolean().meta({ description: 'True when a sync was running and this joined it.' }),
});
