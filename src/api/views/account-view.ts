import type { AccountResponse } from '../responses/accounts';
import type { Account, User } from '../../domain/account';
import { accountScheduleId } from '../../domain/workflow-ids';

/** A user as the API shows it. */
export const userView = (u: Pick<User, 'id' | 'loginName' | 'createdAt'>) => ({
  id: u.id,
  login_name: u.loginName,
  created_at: u.createdAt.toISOString(),
});

/** An account as the API shows it: `syncing` while a sync runs, `demo` only for the demo provider. */
export function accountView(a: Account): AccountResponse {
  return {
    id: a.id,
    user_id: a.userId,
    provider: a.provider,
    status: a.status,
    last_synced_at: a.lastSyncedAt?.toISOString() ?? null,
    last_sync_result: a.lastSyncResult,
    syncing: a.syncWorkflowId !== null,
    schedule_id: accountScheduleId(a.id),
    ...(a.demoOutcomes ? { demo: { outcomes: a.demoOutcomes, used: a.demoUsed } } : {}),
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}
