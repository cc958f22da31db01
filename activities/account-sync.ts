import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import {
  AccountStatus,
  RECONNECT_ERRORS,
  SYNC_ACCOUNT_EVENT,
  SYNC_ERROR_EVENT,
  type SyncOutcome,
} from '../src/domain/account-sync';
import type { BeginSyncResult } from '../src/domain/activity-contracts';
import { withTransaction } from '../src/db/pool';
import { AccountsRepository } from '../src/repositories/accounts-repository';
import { wakeOutbox } from '../src/repositories/outbox-wake';
import { publishEventWith } from '../src/services/publish-event';
import { ConnectorError, type AccountConnector } from './connectors/connector';

export interface AccountSyncDeps {
  pool: Pool;
  connectors: ReadonlyMap<string, AccountConnector>;
}

/** A sync still marked as running after this long is taken to have died. */
const STALE_SYNC = '1 hour';

/** Marks the account as syncing under this workflow, unless it is gone, needs a reconnect, or another sync runs. */
export async function beginSync(deps: AccountSyncDeps, input: { accountId: string; workflowId: string }): Promise<BeginSyncResult> {
  const accounts = new AccountsRepository(deps.pool);
  if (await accounts.beginSync(input.accountId, input.workflowId, STALE_SYNC)) return { started: true };
  const row = await accounts.syncState(input.accountId);
  if (!row || row.deleted) return { started: false, reason: 'account deleted' };
  if (row.status !== AccountStatus.Active) return { started: false, reason: 'needs reconnect' };
  return { started: false, reason: 'already syncing' };
}

export async function endSync(deps: AccountSyncDeps, input: { accountId: string; workflowId: string }): Promise<void> {
  await new AccountsRepository(deps.pool).endSync(input.accountId, input.workflowId);
}

/**
 * Runs the account's connector once. Its known errors become SyncError types;
 * anything unexpected is UnknownConnectorError, logged with the account id,
 * never lost.
 */
export async function runConnector(deps: AccountSyncDeps, input: { accountId: string }): Promise<SyncOutcome> {
  const account = await new AccountsRepository(deps.pool).findForSync(input.accountId);
  if (!account) return { ok: false, error: 'UnknownConnectorError' };
  const connector = deps.connectors.get(account.provider);
  try {
    if (!connector) throw new Error(`no connector for provider "${account.provider}"`);
    await connector.sync({ accountId: account.accountId, provider: account.provider, userId: account.userId, loginName: account.loginName });
    return { ok: true };
  } catch (err) {
    if (err instanceof ConnectorError) return { ok: false, error: err.type };
    Context.current().log.error('connector failed unexpectedly', { accountId: input.accountId, err });
    return { ok: false, error: 'UnknownConnectorError' };
  }
}

/**
 * Records a sync's outcome on the account and emits its hook, in one
 * transaction: SyncAccount on success, SyncError with the error otherwise,
 * with the contract's exact body. The hook goes through the same fan-out and
 * delivery workflows as every event. `key` makes a retried call emit once.
 */
export async function reportSyncOutcome(
  deps: AccountSyncDeps,
  input: { accountId: string; outcome: SyncOutcome; key: string },
): Promise<{ eventId: string | null }> {
  const reported = await withTransaction(deps.pool, async (tx) => {
    const accounts = new AccountsRepository(tx);
    const a = await accounts.lockForSyncReport(input.accountId);
    if (!a) return { eventId: null };
    const { outcome } = input;
    const needsReconnect = !outcome.ok && RECONNECT_ERRORS.includes(outcome.error);
    await accounts.recordSyncResult(a.accountId, outcome.ok ? 'success' : outcome.error, needsReconnect);
    if (!outcome.ok && (outcome.error === 'UnhandledConnectorError' || outcome.error === 'UnknownConnectorError')) {
      Context.current().log.error('account sync failed; investigate with the account id', { accountId: a.accountId, error: outcome.error });
    }
    // Key order is the contract's: hook, user {id, loginName}, account {id, provider}, then error.
    const body: Record<string, unknown> = {
      hook: outcome.ok ? SYNC_ACCOUNT_EVENT : SYNC_ERROR_EVENT,
      user: { id: a.userId, loginName: a.loginName },
      account: { id: a.accountId, provider: a.provider },
      ...(outcome.ok ? {} : { error: outcome.error }),
    };
    const published = await publishEventWith(tx, { id: a.tenantId }, {
      type: body.hook as string,
      data: body,
      payloadFormat: 'bare',
      idempotencyKey: `sync-${input.key}`,
    });
    return { eventId: published.event.id };
  });
  if (reported.eventId) wakeOutbox(deps.pool);
  return reported;
}
