import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { withTransaction } from '../db/pool';
import type { Account } from '../domain/account';
import { AccountStatus, type DemoOutcome } from '../domain/account-sync';
import type { Tenant } from '../domain/models';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors';
import { AccountsRepository } from '../repositories/accounts-repository';
import { createAccountSchedule, deleteAccountSchedule, startManualSync } from '../temporal/account-schedules';
import { uuidv7 } from '../util/uuid';

export interface AccountDeps {
  pool: Pool;
  temporal: () => Promise<Client>;
  config: Pick<Config, 'accountSync' | 'temporal'>;
}

async function temporalOrUnavailable(deps: AccountDeps, what: string): Promise<Client> {
  try {
    return await deps.temporal();
  } catch (err) {
    throw new ServiceUnavailableError(`Temporal is unreachable, so ${what} cannot be done now: ${(err as Error).message}`);
  }
}

export async function createUser(deps: Pick<AccountDeps, 'pool'>, tenant: Tenant, loginName: string) {
  const user = await new AccountsRepository(deps.pool).insertUser({ id: uuidv7(), tenantId: tenant.id, loginName });
  if (!user) throw new ConflictError(`a user with login_name "${loginName}" already exists`, 'login_name_taken');
  return user;
}

export async function getUser(deps: Pick<AccountDeps, 'pool'>, tenant: Tenant, id: string) {
  const user = await new AccountsRepository(deps.pool).findUser(tenant.id, id);
  if (!user) throw new NotFoundError('User', id);
  return user;
}

/**
 * Connects an account and creates its daily sync schedule. The row and the
 * schedule come together: if the schedule cannot be created, nothing is stored.
 */
export async function createAccount(
  deps: AccountDeps,
  tenant: Tenant,
  input: { userId: string; provider: string; demoOutcomes?: DemoOutcome[] },
): Promise<Account> {
  if (input.demoOutcomes && input.provider !== 'demo') {
    throw new ValidationError('body.demo: only accounts with provider "demo" take a demo script', [
      { path: 'body.demo', message: 'only accounts with provider "demo" take a demo script' },
    ]);
  }
  const client = await temporalOrUnavailable(deps, 'the account schedule');
  return withTransaction(deps.pool, async (tx) => {
    const repo = new AccountsRepository(tx);
    const user = await repo.findUser(tenant.id, input.userId);
    if (!user) {
      throw new ValidationError(`body.user_id: no user ${input.userId}`, [{ path: 'body.user_id', message: 'no such user' }]);
    }
    const account = await repo.insertAccount({
      id: uuidv7(),
      tenantId: tenant.id,
      userId: user.id,
      provider: input.provider,
      demoOutcomes: input.provider === 'demo' ? (input.demoOutcomes ?? ['success']) : null,
    });
    await createAccountSchedule(client, account.id, deps.config);
    return account;
  });
}

export async function getAccount(deps: Pick<AccountDeps, 'pool'>, tenant: Tenant, id: string): Promise<Account> {
  const account = await new AccountsRepository(deps.pool).findAccount(tenant.id, id);
  if (!account) throw new NotFoundError('Account', id);
  return account;
}

export function listAccounts(deps: Pick<AccountDeps, 'pool'>, tenant: Tenant, q: { userId?: string; limit: number; after?: string }) {
  return new AccountsRepository(deps.pool).listAccounts(tenant.id, q);
}

/** Deletes the account and its schedule; a sync already running finds it gone and reports nothing. */
export async function deleteAccount(deps: AccountDeps, tenant: Tenant, id: string): Promise<void> {
  await getAccount(deps, tenant, id);
  const client = await temporalOrUnavailable(deps, 'deleting the account schedule');
  await deleteAccountSchedule(client, id);
  if (!(await new AccountsRepository(deps.pool).softDeleteAccount(tenant.id, id))) throw new NotFoundError('Account', id);
}

/** On-demand sync: 202 with the workflow id; while a sync runs, that one's id instead of a second sync. */
export async function syncAccountNow(deps: AccountDeps, tenant: Tenant, id: string) {
  const account = await getAccount(deps, tenant, id);
  if (account.status === AccountStatus.NeedsReconnect) {
    throw new ConflictError(`account needs to be reconnected (last sync: ${account.lastSyncResult}); POST /v1/accounts/${id}/reconnect`, 'needs_reconnect');
  }
  if (account.syncWorkflowId) return { workflowId: account.syncWorkflowId, alreadyRunning: true };
  const client = await temporalOrUnavailable(deps, 'the sync');
  const started = await startManualSync(client, id, deps.config);
  return { workflowId: started.workflowId, runId: started.runId, alreadyRunning: false };
}

export async function reconnectAccount(deps: Pick<AccountDeps, 'pool'>, tenant: Tenant, id: string): Promise<Account> {
  const account = await new AccountsRepository(deps.pool).reconnect(tenant.id, id);
  if (!account) throw new NotFoundError('Account', id);
  return account;
}
